package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"promocast/data"
	"promocast/dataset"
	"promocast/demo"
	"promocast/panel"
	"promocast/registry"
	"promocast/spec"
)

// RegisterFile registers a model file under name with the history it
// scores against (its absolute path and fingerprint) and, when specPath is
// not empty, the spec file to read that history with; it reports whether
// the same version was registered before.
func RegisterFile(ctx context.Context, st *registry.Store, name, model, data, specPath string) (registry.Model, bool, error) {
	b, err := os.ReadFile(model)
	if err != nil {
		return registry.Model{}, false, fmt.Errorf("read model: %w", err)
	}
	absData, err := filepath.Abs(data)
	if err != nil {
		return registry.Model{}, false, err
	}
	fp, err := registry.FingerprintFile(absData)
	if err != nil {
		return registry.Model{}, false, err
	}
	absSpec := ""
	if specPath != "" {
		if absSpec, err = filepath.Abs(specPath); err != nil {
			return registry.Model{}, false, err
		}
		if _, err := dataset.Open(absSpec); err != nil {
			return registry.Model{}, false, err
		}
	}
	return st.Register(ctx, registry.Registration{Name: name, File: b, SourcePath: model, DataSource: absData, SpecSource: absSpec, DataFingerprint: fp})
}

// LoadHistory is the Loader of what 'promocast serve' and 'models
// register' register: a synthetic history (package demo) is regenerated; a
// history file is read through its registered spec file or, without one,
// the model's own spec (relative paths from the history's folder), after
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
	ds := &dataset.Dataset{Spec: &sp, Dir: filepath.Dir(m.DataSource)}
	return ds.History(m.DataSource)
}

// sameSpec refuses a spec file that says something else than the spec the
// model was trained with: the model reads the history by its own spec, so
// a different file would be silently ignored.
func sameSpec(m registry.Model, sp *spec.Spec) error {
	var trained spec.Spec
	if err := json.Unmarshal(m.Spec, &trained); err != nil {
		return fmt.Errorf("stored spec: %w", err)
	}
	var a, b map[string]json.RawMessage
	ja, _ := json.Marshal(&trained)
	jb, _ := json.Marshal(sp)
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
