package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"promocast/backtest/results"
	"promocast/data"
	"promocast/dataset"
	"promocast/demo"
	"promocast/panel"
	"promocast/registry"
	"promocast/spec"
)

// Files names a model file to release with the files beside it.
type Files struct {
	// Name is the name to register the model file Model under.
	Name, Model string
	// Data is the history the model scores against; Spec, when not
	// empty, the spec file to read that history with.
	Data, Spec string
	// Backtest, when not empty, is a folder of backtest results
	// ('promocast backtest --out') to store with the version.
	Backtest string
	// Promote makes the version live.
	Promote bool
}

// ReleaseFiles registers a model file with the history it scores against
// (its absolute path and fingerprint) and the spec file, then stores the
// backtest and promotes the version as f asks (registry.Store.Release):
// what 'promocast serve --model' and 'promocast models register' do. The
// Released reports whether the same version was registered before and, on
// an error, the steps done before it.
func ReleaseFiles(ctx context.Context, st *registry.Store, f Files) (registry.Released, error) {
	reg, err := fileRegistration(f)
	if err != nil {
		return registry.Released{}, err
	}
	r := registry.Release{Registration: reg, Promote: f.Promote}
	if f.Backtest != "" {
		r.Backtest = func() (results.Results, error) { return readBacktest(f.Backtest) }
	}
	return st.Release(ctx, r)
}

// fileRegistration reads f's model file and fingerprints its history,
// checking its spec file when one is given.
func fileRegistration(f Files) (registry.Registration, error) {
	b, err := os.ReadFile(f.Model)
	if err != nil {
		return registry.Registration{}, fmt.Errorf("read model: %w", err)
	}
	absData, err := filepath.Abs(f.Data)
	if err != nil {
		return registry.Registration{}, err
	}
	fp, err := registry.FingerprintFile(absData)
	if err != nil {
		return registry.Registration{}, err
	}
	absSpec := ""
	if f.Spec != "" {
		if absSpec, err = filepath.Abs(f.Spec); err != nil {
			return registry.Registration{}, err
		}
		if _, err := dataset.Open(absSpec); err != nil {
			return registry.Registration{}, err
		}
	}
	return registry.Registration{Name: f.Name, File: b, SourcePath: f.Model, DataSource: absData, SpecSource: absSpec, DataFingerprint: fp}, nil
}

// readBacktest reads the backtest results in dir, refusing a folder whose
// metrics.csv has no rows.
func readBacktest(dir string) (results.Results, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return results.Results{}, err
	}
	bt, err := results.ReadDir(abs)
	if err != nil {
		return results.Results{}, err
	}
	if len(bt.Metrics) == 0 {
		return results.Results{}, fmt.Errorf("%s: metrics.csv has no rows", dir)
	}
	return bt, nil
}

// LoadHistory is the Loader of what 'promocast serve' and 'models
// register' register: a synthetic history (package demo) is regenerated; a
// history file is read through its registered spec file or, without one,
// the model's own spec (relative paths from the history's folder:
// dataset.ForModel, as the commands read it), after
// checking that its fingerprint is the registered one and that a spec
// file says what the model was trained with.
func LoadHistory(ctx context.Context, m registry.Model) (*data.Frame, error) {
	if demo.IsSource(m.DataSource) {
		h, err := demo.Load(m.DataSource, m.DataFingerprint)
		if err != nil {
			return nil, fmt.Errorf("model %s version %d: %w", m.Name, m.Version, err)
		}
		return h, nil
	}
	if m.DataSource == "" {
		return nil, fmt.Errorf("model %s version %d was registered without a history", m.Name, m.Version)
	}
	if err := sameFingerprint(m, func() (string, error) { return registry.FingerprintFile(m.DataSource) }); err != nil {
		return nil, err
	}
	if m.SpecSource != "" {
		ds, err := dataset.Open(m.SpecSource)
		if err != nil {
			return nil, err
		}
		hist, err := ds.History(m.DataSource)
		if err != nil {
			return nil, err
		}
		// Training adds the history's small keys as attributes.
		if err := sameSpec(m, panel.KeyAttributes(hist, ds.Spec)); err != nil {
			return nil, err
		}
		return hist, nil
	}
	var sp spec.Spec
	if err := json.Unmarshal(m.Spec, &sp); err != nil {
		return nil, fmt.Errorf("stored spec: %w", err)
	}
	return dataset.ForModel(&sp, m.DataSource).History(m.DataSource)
}

// sameSpec refuses a spec file that says something else than the spec the
// model was trained with: the model reads the history by its own spec, so
// a different file would be silently ignored.
func sameSpec(m registry.Model, sp *spec.Spec) error {
	var trained spec.Spec
	if err := json.Unmarshal(m.Spec, &trained); err != nil {
		return fmt.Errorf("stored spec: %w", err)
	}
	// A spec that leaves an integer grid's season to be detected says what
	// the trained spec, which holds the season training detected, says.
	given := *sp
	if given.Time.Season == 0 && trained.Time.Frequency == spec.Period {
		given.Time.Season = trained.Time.Season
	}
	var a, b map[string]json.RawMessage
	ja, _ := json.Marshal(&trained)
	jb, _ := json.Marshal(&given)
	json.Unmarshal(ja, &a)
	json.Unmarshal(jb, &b)
	var differ []string
	for k := range a {
		if string(a[k]) != string(b[k]) {
			differ = append(differ, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			differ = append(differ, k)
		}
	}
	if len(differ) == 0 {
		return nil
	}
	sort.Strings(differ)
	return fmt.Errorf("spec %s differs from the spec model %s version %d was trained with (in %s): register the model with its training spec, or without --spec",
		m.SpecSource, m.Name, m.Version, strings.Join(differ, ", "))
}

func sameFingerprint(m registry.Model, compute func() (string, error)) error {
	fp, err := compute()
	if err != nil {
		return err
	}
	if fp != m.DataFingerprint {
		return fmt.Errorf("history %s changed since model %s version %d was registered (fingerprint %s, registered %s): register the model again with the history it should score against",
			m.DataSource, m.Name, m.Version, fp, m.DataFingerprint)
	}
	return nil
}
