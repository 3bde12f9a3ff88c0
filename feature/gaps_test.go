package feature

import (
	"math"
	"testing"

	"promocast/data"
	"promocast/panel"
	"promocast/spec"
)

// TestRowWithHoles checks the features of a series with missing periods
// against hand-computed values: a lag that lands in a hole is missing (not
// zero, not the neighbour's value), rolling means and the level average
// the periods present only, and the scale follows them.
func TestRowWithHoles(t *testing.T) {
	p := holesPanel(t)
	b, err := New(p, Config{MinLag: 2, Windows: []int{3, 6}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for j, ft := range b.Features() {
		col[ft.Name] = j
	}
	row := make([]float64, len(b.Features()))
	// Period 11 reads targets up to period 9 (a hole): lags 2, 3, 4 are
	// periods 9 (missing), 8 and 7; the windows of 3 and 6 periods ending
	// at 9 hold periods 7..9 (70, 80) and 4..9 (40, 70, 80).
	scale, ok := b.Row(0, 11, row)
	if !ok {
		t.Fatal("period 11 not usable")
	}
	level := (40.0 + 70 + 80) / 3
	if math.Abs(scale-(1+level)) > 1e-9 {
		t.Fatalf("scale %v, want %v (the long window's mean over the periods present)", scale, 1+level)
	}
	if v := row[col["lag_2"]]; !math.IsNaN(v) {
		t.Errorf("lag_2 reads the hole at period 9 as %v, want missing", v)
	}
	for name, want := range map[string]float64{"lag_3": 80 / scale, "lag_4": 70 / scale, "mean_3": 75 / scale, "mean_6": level / scale} {
		if got := row[col[name]]; math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	// Period 8 reads up to period 6: periods 5 and 6 are holes, so the
	// short window (4..6) holds period 4 alone.
	scale, _ = b.Row(0, 8, row)
	if got, want := row[col["mean_3"]], 40/scale; math.Abs(got-want) > 1e-12 {
		t.Errorf("mean_3 at period 8 = %v, want %v (period 4 alone)", got, want)
	}
}

// holesPanel is one series of weekly integer periods 1..12 with units =
// 10·period and periods 5, 6 and 9 missing.
func holesPanel(t *testing.T) *panel.Panel {
	t.Helper()
	var per, sku []string
	var units, price []float64
	missing := map[int]bool{5: true, 6: true, 9: true}
	for w := 1; w <= 12; w++ {
		if missing[w] {
			continue
		}
		per, sku = append(per, string(rune('0'+w/10))+string(rune('0'+w%10))), append(sku, "a")
		units, price = append(units, float64(10*w)), append(price, 2)
	}
	f, err := data.NewFrame("h.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: per}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "units", Kind: data.Number, Num: units}, {Name: "price", Kind: data.Number, Num: price},
	})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Parse([]byte("time: {column: week, frequency: period, season: 1}\nkeys: [sku]\ntarget: units\nknown: [price]\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(f, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestObservedLagsSkipHoles checks ObservedLags against hand-computed
// values on the same series: lags and windows count observed periods, so
// they reach back past the holes, and lag_gap says how far the latest
// observation is from the minimum lag's period.
func TestObservedLagsSkipHoles(t *testing.T) {
	p := holesPanel(t)
	b, err := New(p, Config{MinLag: 2, Windows: []int{3, 6}, ObservedLags: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for j, ft := range b.Features() {
		col[ft.Name] = j
	}
	row := make([]float64, len(b.Features()))
	// Period 11's minimum lag reads period 9, a hole: the observations at
	// or before it are periods 1, 2, 3, 4, 7 and 8.
	scale, ok := b.Row(0, 11, row)
	if !ok {
		t.Fatal("period 11 not usable")
	}
	level := (10.0 + 20 + 30 + 40 + 70 + 80) / 6
	if math.Abs(scale-(1+level)) > 1e-9 {
		t.Fatalf("scale %v, want %v (the mean of the last six observations)", scale, 1+level)
	}
	sq := (100.0 + 400 + 900 + 1600 + 4900 + 6400) / 6
	for name, want := range map[string]float64{
		"lag_2": 80 / scale, "lag_3": 70 / scale, "lag_4": 40 / scale, "lag_gap": 1,
		"mean_3": (40.0 + 70 + 80) / 3 / scale, "mean_6": level / scale,
		"std_6": math.Sqrt(sq-level*level) / scale,
	} {
		if got := row[col[name]]; math.Abs(got-want) > 1e-9 {
			t.Errorf("period 11: %s = %v, want %v", name, got, want)
		}
	}
	// Period 8 reads up to period 6: periods 5 and 6 are holes, so the
	// latest observation is period 4, two periods back.
	scale, _ = b.Row(0, 8, row)
	for name, want := range map[string]float64{
		"lag_2": 40 / scale, "lag_3": 30 / scale, "lag_4": 20 / scale, "lag_gap": 2, "mean_3": 30 / scale,
	} {
		if got := row[col[name]]; math.Abs(got-want) > 1e-9 {
			t.Errorf("period 8: %s = %v, want %v", name, got, want)
		}
	}
	// Period 4 has two observations before its minimum lag's period 2:
	// lag_4 has none to read.
	b.Row(0, 4, row)
	if v := row[col["lag_4"]]; !math.IsNaN(v) {
		t.Errorf("period 4: lag_4 = %v, want missing (no third observation)", v)
	}
}

// TestObservedLagsWithoutHoles checks that a series without holes gets
// the same features with ObservedLags as without, and lag_gap 0.
func TestObservedLagsWithoutHoles(t *testing.T) {
	p, _ := tiny(t)
	cal, err := New(p, Config{MinLag: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := New(p, Config{MinLag: 3, ObservedLags: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := obs.Features()
	gap := -1
	for j, f := range names {
		if f.Name == "lag_gap" {
			gap = j
		}
	}
	if gap < 0 || len(names) != len(cal.Features())+1 {
		t.Fatalf("features %d with ObservedLags (lag_gap at %d), %d without: want one more, lag_gap", len(names), gap, len(cal.Features()))
	}
	rc, ro := make([]float64, len(cal.Features())), make([]float64, len(names))
	checked := 0
	for si, s := range p.Series {
		for tt := s.Start; tt <= s.End(); tt++ {
			sc, okc := cal.Row(si, tt, rc)
			so, oko := obs.Row(si, tt, ro)
			if okc != oko || sc != so {
				t.Fatalf("series %d period %d: scale %v/%v ok %v/%v", si, tt, sc, so, okc, oko)
			}
			if !okc {
				continue
			}
			if ro[gap] != 0 {
				t.Fatalf("series %d period %d: lag_gap %v without holes", si, tt, ro[gap])
			}
			got := append(append([]float64{}, ro[:gap]...), ro[gap+1:]...)
			for j := range rc {
				if !(got[j] == rc[j] || math.IsNaN(got[j]) && math.IsNaN(rc[j])) {
					t.Fatalf("series %d period %d: %s = %v, %v without ObservedLags", si, tt, cal.Features()[j].Name, got[j], rc[j])
				}
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no row compared")
	}
}
