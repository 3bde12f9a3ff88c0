package registry

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn"
	"promocast/modelfile"
	"promocast/panel"
	"promocast/spec"
	"promocast/synth"
)

var (
	fileOnce sync.Once
	files    [2][]byte
	fileErr  error
)

// modelFiles trains two tiny ridge models (horizons 7 and 14) once.
func modelFiles(t testing.TB) [2][]byte {
	t.Helper()
	fileOnce.Do(func() {
		gen, err := synth.Generate(synth.Config{Seed: 5, SKUs: 3, Categories: 1})
		if err != nil {
			fileErr = err
			return
		}
		sp, _ := spec.Parse([]byte(synth.Spec()))
		p, err := panel.Build(gen.History, sp, panel.Options{})
		if err != nil {
			fileErr = err
			return
		}
		for i, h := range []int{7, 14} {
			opt := forecast.TrainOptions{Kind: "ridge", Horizon: h}
			pr, err := forecast.Prepare(p, opt)
			if err != nil {
				fileErr = err
				return
			}
			fit, _ := ensemble.New("ridge", learn.Options{})
			m, err := pr.Train(opt, p.Last, fit)
			if err != nil {
				fileErr = err
				return
			}
			if files[i], err = modelfile.Encode(&modelfile.Forecast{Model: m, Metrics: map[string]float64{"backtest_wape": 0.25}}); err != nil {
				fileErr = err
				return
			}
		}
	})
	if fileErr != nil {
		t.Fatal(fileErr)
	}
	return files
}

func open(t testing.TB) *Store {
	t.Helper()
	clock := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "r.db"), Options{Now: func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestRegisterPromoteRollback(t *testing.T) {
	f := modelFiles(t)
	st := open(t)
	ctx := t.Context()
	reg := func(i int) Model {
		m, existed, err := st.Register(ctx, Registration{Name: "shop", File: f[i], SourcePath: "m.json", DataSource: "h.csv", DataFingerprint: "sha256:h"})
		if err != nil || existed {
			t.Fatalf("register: %v existed=%v", err, existed)
		}
		return m
	}
	v1, v2 := reg(0), reg(1)
	if v1.Version != 1 || v2.Version != 2 || v1.Kind != "ridge" || v1.Checksum != Checksum(f[0]) || v1.Metrics["backtest_wape"] != 0.25 {
		t.Fatalf("v1 %+v v2 %+v", v1, v2)
	}
	if !strings.Contains(string(v1.Spec), `"target":"units"`) {
		t.Errorf("spec not stored: %s", v1.Spec)
	}
	// Registering the same file against the same history gives the same version.
	again, existed, err := st.Register(ctx, Registration{Name: "shop", File: f[0], DataFingerprint: "sha256:h"})
	if err != nil || !existed || again.Version != 1 {
		t.Errorf("re-register: %+v %v %v", again, existed, err)
	}
	if _, err := st.Live(ctx, "shop"); !errors.Is(err, ErrNotFound) {
		t.Errorf("live before any promotion: %v", err)
	}
	if _, err := st.Rollback(ctx, "shop"); err == nil {
		t.Error("rollback with nothing live should fail")
	}
	steps := []struct {
		op   string
		v    int
		live int
	}{{"promote", 1, 1}, {"promote", 2, 2}, {"promote", 2, 2}, {"promote", 1, 1}, {"rollback", 0, 2}, {"rollback", 0, 1}}
	for i, s := range steps {
		var m Model
		var err error
		if s.op == "promote" {
			m, err = st.Promote(ctx, "shop", s.v)
		} else {
			m, err = st.Rollback(ctx, "shop")
		}
		if err != nil || m.Version != s.live || !m.Live {
			t.Fatalf("step %d %s %d: %+v %v", i, s.op, s.v, m, err)
		}
		live, err := st.Live(ctx, "shop")
		if err != nil || live.Version != s.live {
			t.Fatalf("step %d: live %d %v, want %d", i, live.Version, err, s.live)
		}
	}
	if _, err := st.Rollback(ctx, "shop"); err == nil || !strings.Contains(err.Error(), "first live version") {
		t.Errorf("rollback past the first live version: %v", err)
	}
	list, err := st.List(ctx, "")
	if err != nil || len(list) != 2 || !list[0].Live || list[1].Live {
		t.Errorf("list: %+v %v", list, err)
	}
	if _, err := st.Promote(ctx, "shop", 7); !errors.Is(err, ErrNotFound) {
		t.Errorf("promote of a missing version: %v", err)
	}
}

func TestCorruptFilesRefused(t *testing.T) {
	f := modelFiles(t)
	st := open(t)
	ctx := t.Context()
	bad := []byte(strings.Replace(string(f[0]), `"horizon":7`, `"horizon":8`, 1))
	if string(bad) == string(f[0]) {
		t.Fatal("test did not change the file")
	}
	for name, b := range map[string][]byte{"edited": bad, "truncated": f[0][:len(f[0])/2], "empty": nil, "not a model": []byte(`{"format":"x"}`)} {
		_, _, err := st.Register(ctx, Registration{Name: "shop", File: b, SourcePath: name + ".json"})
		if err == nil || !strings.HasPrefix(err.Error(), "refused: "+name+".json") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if list, _ := st.List(ctx, ""); len(list) != 0 {
		t.Errorf("refused files were stored: %+v", list)
	}
	// Damage a stored copy: promotion refuses it and the live version stays.
	m1, _, _ := st.Register(ctx, Registration{Name: "shop", File: f[0]})
	m2, _, _ := st.Register(ctx, Registration{Name: "shop", File: f[1]})
	if _, err := st.Promote(ctx, "shop", m1.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := st.db.Exec(`UPDATE models SET file = CAST(replace(CAST(file AS TEXT), '"horizon":14', '"horizon":15') AS BLOB) WHERE version = ?`, m2.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Promote(ctx, "shop", m2.Version); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("promote of a damaged copy: %v", err)
	}
	if live, _ := st.Live(ctx, "shop"); live.Version != m1.Version {
		t.Errorf("live is %d, want %d", live.Version, m1.Version)
	}
}

func TestNamesAndRuns(t *testing.T) {
	st := open(t)
	ctx := t.Context()
	for _, bad := range []string{"", "a b", "x/y", strings.Repeat("n", 65)} {
		if err := CheckName(bad); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	runs := []Run{{Kind: "forecast", Model: "shop", Version: 1, Params: []byte(`{"rows":3}`), Summary: []byte(`{"uplift":2}`), Millis: 1.5},
		{Kind: "whatif", Model: "shop", Version: 2}}
	if err := st.RecordRuns(ctx, runs); err != nil {
		t.Fatal(err)
	}
	got, err := st.Runs(ctx, 10)
	if err != nil || len(got) != 2 || got[0].Kind != "whatif" || string(got[0].Params) != "null" || string(got[1].Summary) != `{"uplift":2}` || got[1].Millis != 1.5 {
		t.Errorf("runs: %+v %v", got, err)
	}
	if got[1].Created.Before(time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("run stamped %v, not by the store's clock", got[1].Created)
	}
}

// TestRecordRunsInOrder records more runs than one INSERT statement takes,
// and some over: every run is kept, in order, with its own fields.
func TestRecordRunsInOrder(t *testing.T) {
	st := open(t)
	ctx := t.Context()
	n := 2*runsPerInsert + 5
	runs := make([]Run, n)
	for i := range runs {
		runs[i] = Run{Kind: "forecast", Model: "shop", Version: i + 1, Params: []byte(fmt.Sprintf(`{"rows":%d}`, i)), Millis: float64(i)}
	}
	if err := st.RecordRuns(ctx, runs); err != nil {
		t.Fatal(err)
	}
	got, err := st.Runs(ctx, 1000)
	if err != nil || len(got) != n {
		t.Fatalf("%d runs, %v; want %d", len(got), err, n)
	}
	for k, r := range got {
		i := n - 1 - k // newest first
		if r.Version != i+1 || string(r.Params) != fmt.Sprintf(`{"rows":%d}`, i) || r.Millis != float64(i) || string(r.Summary) != "null" {
			t.Fatalf("run %d of the log is %+v, want run %d as recorded", k, r, i)
		}
		if k > 0 && r.ID >= got[k-1].ID {
			t.Fatalf("ids not descending: %d after %d", r.ID, got[k-1].ID)
		}
	}
}

func TestPruneRuns(t *testing.T) {
	st := open(t)
	ctx := t.Context()
	day := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	var runs []Run
	for i := range 10 {
		runs = append(runs, Run{Kind: "forecast", Model: "shop", Version: 1, Created: day.AddDate(0, 0, i)})
	}
	if err := st.RecordRuns(ctx, runs); err != nil {
		t.Fatal(err)
	}
	if n, err := st.PruneRuns(ctx, 6, time.Time{}); n != 4 || err != nil {
		t.Errorf("keep 6 of 10: deleted %d, %v", n, err)
	}
	if n, err := st.PruneRuns(ctx, -1, day.AddDate(0, 0, 7)); n != 3 || err != nil {
		t.Errorf("keep a week: deleted %d, %v", n, err)
	}
	got, _ := st.Runs(ctx, 100)
	if len(got) != 3 || !got[2].Created.Equal(day.AddDate(0, 0, 7)) {
		t.Errorf("left %+v", got)
	}
}

// TestPruneRunsOutOfOrder: runs stamped out of order (clocks disagree) are
// pruned by age only up to the first run at or after the cutoff, so the
// log keeps consecutive ids and a count prune still keeps exactly keep.
func TestPruneRunsOutOfOrder(t *testing.T) {
	st := open(t)
	ctx := t.Context()
	day := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	var runs []Run
	for i, d := range []int{0, 1, 5, 2, 6, 7, 8} {
		runs = append(runs, Run{Kind: "forecast", Model: "shop", Version: i + 1, Created: day.AddDate(0, 0, d)})
	}
	if err := st.RecordRuns(ctx, runs); err != nil {
		t.Fatal(err)
	}
	if n, err := st.PruneRuns(ctx, -1, day.AddDate(0, 0, 3)); n != 2 || err != nil {
		t.Errorf("age: deleted %d, %v; want the 2 runs before the first stamped on or after day 3", n, err)
	}
	if n, err := st.PruneRuns(ctx, 3, time.Time{}); n != 2 || err != nil {
		t.Errorf("count: deleted %d, %v; want 2 of 5", n, err)
	}
	got, _ := st.Runs(ctx, 100)
	if len(got) != 3 || got[0].Version != 7 || got[2].Version != 5 {
		t.Errorf("left %+v, want versions 7, 6, 5", got)
	}
	if n, err := st.PruneRuns(ctx, -1, day.AddDate(0, 0, 30)); n != 3 || err != nil {
		t.Errorf("a cutoff after every run: deleted %d, %v; want all 3", n, err)
	}
}

func TestReopenKeepsState(t *testing.T) {
	f := modelFiles(t)
	path := filepath.Join(t.TempDir(), "r.db")
	ctx := t.Context()
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _, _ := st.Register(ctx, Registration{Name: "a", File: f[0]})
	st.Promote(ctx, "a", m.Version)
	st.Close()
	st, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if live, err := st.Live(ctx, "a"); err != nil || live.Version != 1 {
		t.Errorf("after reopen: %+v %v", live, err)
	}
	b, err := st.File(ctx, "a", 1)
	if err != nil || string(b) != string(f[0]) {
		t.Errorf("file round trip: %v", err)
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "no", "such", "dir.db"), Options{}); err == nil {
		t.Error("opening in a missing folder should fail")
	}
}
