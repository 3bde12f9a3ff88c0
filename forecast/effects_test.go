package forecast

import (
	"math"
	"testing"

	"promocast/data"
	"promocast/learn/gbdt"
	"promocast/model"
)

// TestEffectsReadPeersWithinRange checks that a peer column is read within
// the range it had in training, so a plan that promotes more of a group
// than the history ever did gets the cannibalisation of the history's
// most, while an own lever beyond its range takes the group's response.
func TestEffectsReadPeersWithinRange(t *testing.T) {
	e := &Effects{
		Columns: []EffectColumn{
			{Name: "display", Index: 0, Own: true, Part: PartOwn},
			{Name: "group promoted share", Index: 1, Part: PartPeers, Range: []float64{0, 0.5}},
		},
		Global: []float64{0.2, -0.4}, GlobalSE: []float64{0.01, 0.01}, Group: -1,
		Series: map[string]SeriesEffects{"a": {Theta: []float64{0.3, -0.4}, SE: []float64{0.1, 0.1}, Max: []float64{1, 0}, Promoted: 10}},
	}
	plan := data.NewMatrix(2, 2)
	base := data.NewMatrix(2, 2)
	copy(plan.Row(0), []float64{1, 0.9}) // display on, 90% of peers promoted
	copy(base.Row(0), []float64{0, 0})
	copy(plan.Row(1), []float64{0, 0.3}) // display off, 30% of peers promoted
	copy(base.Row(1), []float64{0, 0})
	f, b := []float64{100, 50}, []float64{0, 0}
	contrib, err := e.apply([]string{"a", "a"}, []float64{math.NaN(), math.NaN()}, []int{1, 1}, plan, base, []float64{1, 1}, f, b, nil, []bool{false, false}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := contrib[0][1], -0.4*0.5; math.Abs(got-want) > 1e-12 {
		t.Errorf("peer contribution at 90%% promoted: %v, want %v (read at the range's 50%%)", got, want)
	}
	if got, want := contrib[1][1], -0.4*0.3; math.Abs(got-want) > 1e-12 {
		t.Errorf("peer contribution at 30%% promoted: %v, want %v (inside the range)", got, want)
	}
	if got, want := contrib[0][0], 0.3; math.Abs(got-want) > 1e-12 {
		t.Errorf("own contribution %v, want the series' %v", got, want)
	}
	wantBase := (100+0.0)*math.Exp(-(0.3-0.2)) - 0
	if math.Abs(b[0]-wantBase) > 1e-9 {
		t.Errorf("baseline %v, want the forecast with both effects removed, %v", b[0], wantBase)
	}
}

// seenAndNever is a price effect model of two series: "seen", cut up to
// 20% in training with an elasticity of 3, and "never", never promoted;
// the panel's effect is 2.
func seenAndNever() *Effects {
	return &Effects{
		Columns: []EffectColumn{{Name: "price", Index: 0, LogPrice: true, Own: true, Part: PartOwn}},
		Global:  []float64{2}, GlobalSE: []float64{0.1}, Group: -1,
		Series: map[string]SeriesEffects{
			"seen":  {Theta: []float64{3}, SE: []float64{0.2}, Max: []float64{-math.Log(0.8)}, Promoted: 12},
			"never": {Theta: []float64{2}, SE: []float64{0.5}, Max: []float64{0}, Promoted: 0},
		},
	}
}

// TestEffectsBeyondRangeFromTheLimitedPlan checks the rows whose levers go
// beyond what their series had: their level is the trees' forecast of the
// plan held to what the series had (fc), the baseline is fc with the
// series' own effect up to there removed, the forecast fc with the group's
// effect of the part beyond; the trees' own forecast of the row, which may
// carry another series' spike, is not read; the contributions add up to
// forecast over baseline.
func TestEffectsBeyondRangeFromTheLimitedPlan(t *testing.T) {
	e := seenAndNever()
	plan, base := data.NewMatrix(2, 1), data.NewMatrix(2, 1)
	plan.Row(0)[0], plan.Row(1)[0] = 0.4, 0.4 // 40% off; "seen" went to 20% off
	beyond := e.Beyond([]string{"seen", "never"}, plan)
	if !beyond[0] || !beyond[1] {
		t.Fatalf("beyond %v, want both rows", beyond)
	}
	within := data.NewMatrix(3, 1)
	within.Row(0)[0], within.Row(2)[0] = 0.2, 0.205 // "seen" at its deepest, and within 5% of its log price ratio
	if got := e.Beyond([]string{"seen", "never", "seen"}, within); got[0] || got[1] || got[2] {
		t.Errorf("beyond %v for rows within what their series had (the second with its lever off), want none", got)
	}
	f := []float64{5000, 5000} // the trees' spike, not to be read
	b := []float64{100, 100}
	fc := []float64{150, 100} // the trees at 20% off, and with the lever off
	contrib, err := e.apply([]string{"seen", "never"}, []float64{math.NaN(), math.NaN()}, []int{1, 1}, plan, base, []float64{1, 1}, f, b, fc, beyond, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, d20 := -math.Log(0.6), -math.Log(0.8)
	wantB := []float64{150 * math.Exp(-3*d20), 100}
	wantF := []float64{150 * math.Exp(2*(d-d20)), 100 * math.Exp(2*d)}
	for i := range 2 {
		if math.Abs(b[i]-wantB[i]) > 1e-9 || math.Abs(f[i]-wantF[i]) > 1e-9 {
			t.Errorf("row %d: forecast %.4f baseline %.4f, want %.4f and %.4f", i, f[i], b[i], wantF[i], wantB[i])
		}
		if got := math.Log(f[i] / b[i]); math.Abs(contrib[i][0]-got) > 1e-9 {
			t.Errorf("row %d: contribution %.4f does not add up to the lift %.4f", i, contrib[i][0], got)
		}
	}
}

// TestEffectsWithin checks the limit a row beyond its series' history is
// held to: a price no lower than the deepest discount the series had, a
// number lever no higher than its greatest value, every own lever off for
// a series never promoted, other levers as planned.
func TestEffectsWithin(t *testing.T) {
	e := &Effects{
		Columns: []EffectColumn{
			{Name: "price", Index: 0, LogPrice: true, Own: true, Part: PartOwn},
			{Name: "display", Index: 1, Off: 0, Own: true, Part: PartOwn},
			{Name: "previous promotion", Index: 2, Part: PartHistory},
		},
		Series: map[string]SeriesEffects{
			"seen":  {Max: []float64{-math.Log(0.8), 0.5, 0}, Promoted: 4},
			"never": {Max: []float64{0, 0, 0}},
		},
	}
	seen, never := e.Within("seen"), e.Within("never")
	for _, c := range []struct {
		limit       func(string, float64, float64) float64
		name        string
		value, off  float64
		want        float64
		description string
	}{
		{seen, "price", 6, 10, 8, "40% off held to 20% off"},
		{seen, "price", 9, 10, 9, "10% off kept"},
		{seen, "display", 1, 0, 0.5, "display held to its greatest share"},
		{seen, "coupon", 1, 0, 1, "a lever the effect model does not read"},
		{never, "price", 6, 10, 10, "never promoted: off"},
		{never, "display", 1, 0, 0, "never promoted: off"},
	} {
		if got := c.limit(c.name, c.value, c.off); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: %s %v (off %v) → %v, want %v", c.description, c.name, c.value, c.off, got, c.want)
		}
	}
}

// TestEffectsExtrapolateFromTheSeriesOwnResponse checks a plan deeper than
// anything its series had: the series' own effect covers the part of the
// lever it has shown and its group's the part beyond, while a series never
// promoted takes its group's for all of it. Beyond anything training had
// (the column's Range) the lever is held at the panel's greatest: 40% off
// where the deepest in training was 30% reads as 30% off (a flag of 1000
// would otherwise multiply by e^{1000·θ}).
func TestEffectsExtrapolateFromTheSeriesOwnResponse(t *testing.T) {
	for _, deepest := range []float64{math.NaN(), 0.3} {
		e := seenAndNever()
		d := -math.Log(0.6) // the plan's 40% off; the first series went to 20% off
		if !math.IsNaN(deepest) {
			e.Columns[0].Range = []float64{0, -math.Log(1 - deepest)}
			d = -math.Log(1 - deepest)
		}
		plan, base := data.NewMatrix(2, 1), data.NewMatrix(2, 1)
		plan.Row(0)[0], plan.Row(1)[0] = 0.4, 0.4
		want := []float64{3*-math.Log(0.8) + 2*(d+math.Log(0.8)), 2 * d}
		b, f, fc := []float64{100, 100}, []float64{0, 0}, []float64{100, 100}
		contrib, err := e.apply([]string{"seen", "never"}, []float64{math.NaN(), math.NaN()}, []int{1, 1}, plan, base, []float64{1, 1}, f, b, fc, []bool{true, true}, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if math.Abs(contrib[i][0]-want[i]) > 1e-9 {
				t.Errorf("deepest in training %v, row %d: log lift %.4f, want %.4f", deepest, i, contrib[i][0], want[i])
			}
		}
	}
}

// TestPeerPressure checks the peers' promotion pressure by hand: the other
// series' extra units under their own levers over the group's level, per
// group and period, none for a row without a group.
func TestPeerPressure(t *testing.T) {
	lift := []float64{math.Log(3), 0, math.Log(1.5), math.Log(2), math.Log(2)}
	w := []float64{10, 30, 20, 10, 5}
	groups := []float64{1, 1, 1, 2, math.NaN()}
	periods := []int{7, 7, 8, 7, 7}
	got := PeerPressure(lift, w, groups, periods)
	want := []float64{0, 10 * 2.0 / 40, 0, 0, 0} // row 2 is alone in period 8; row 3 alone in group 2
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("row %d: pressure %v, want %v", i, got[i], want[i])
		}
	}
}

// displayAndPressure is an effect model of a display lever that doubles
// units and the peers' pressure at −0.5 with training range rng, for
// series ids of group 0.
func displayAndPressure(rng []float64, ids ...string) *Effects {
	e := &Effects{
		Columns: []EffectColumn{
			{Name: "display", Index: 0, Own: true, Part: PartOwn},
			{Name: "peer promotions", Index: 1, Pressure: true, Part: PartPeers, Range: rng},
		},
		Global: []float64{math.Log(2), -0.5}, GlobalSE: []float64{0.01, 0.01}, Group: 0,
		Series: map[string]SeriesEffects{},
	}
	for _, id := range ids {
		e.Series[id] = SeriesEffects{Theta: []float64{math.Log(2), -0.5}, SE: []float64{0.1, 0.1}, Max: []float64{1, 0}, Promoted: 5}
	}
	return e
}

// TestEffectsApplyPeerPressure checks that a plan's peer term is the
// pressure column's effect times the pressure its promoted peers put on the
// row, read within the training range, and that the baseline, with every
// lever off, has none.
func TestEffectsApplyPeerPressure(t *testing.T) {
	e := displayAndPressure([]float64{0, 0.3}, "a", "b", "c")
	plan, base := data.NewMatrix(3, 2), data.NewMatrix(3, 2)
	plan.Row(0)[0] = 1 // a displayed: it doubles
	f, b := []float64{200, 100, 100}, []float64{0, 0, 0}
	contrib, err := e.apply([]string{"a", "b", "c"}, []float64{1, 1, 1}, []int{3, 3, 3}, plan, base, []float64{10, 10, 30}, f, b, nil, make([]bool, 3), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// a's extra units are its level 10 × (2 − 1) over the group's 50: 0.2
	// for b and c; a's peers add nothing.
	for i, want := range []float64{0, -0.5 * 0.2, -0.5 * 0.2} {
		if math.Abs(contrib[i][1]-want) > 1e-12 {
			t.Errorf("row %d: peer term %v, want %v", i, contrib[i][1], want)
		}
	}
	if want := 100 * math.Exp(0.1); math.Abs(b[1]-want) > 1e-9 {
		t.Errorf("b's baseline %v, want its forecast without the peers' pressure, %v", b[1], want)
	}
}

// TestEffectsOwnBaseline checks the uplift with the effect model's own
// baseline: (h + κ·scale)·(e^c − 1) in the point's units, the trees'
// forecast kept, the baseline the forecast less the uplift, never below 0
// (where the forecast is below the uplift, it rises to it), a row the
// levers do not move left alone, and the parts adding up to the uplift.
func TestEffectsOwnBaseline(t *testing.T) {
	// With an offset (files written before the effects were fitted on
	// units) and without one, where row 1's baseline of 0 leaves the parts
	// no baseline to grow from.
	for _, offset := range []float64{0.5, 0} {
		testEffectsOwnBaseline(t, offset)
	}
}

func testEffectsOwnBaseline(t *testing.T, offset float64) {
	// A baseline of 4 (units + κ·scale over the scale) whatever the control.
	ds := &model.Dataset{X: data.NewMatrix(40, 1), Y: make([]float64, 40), Features: []model.Feature{{Name: "lag"}}}
	for i := range ds.Y {
		ds.X.Row(i)[0], ds.Y[i] = float64(i), 4
	}
	hm, err := gbdt.Train(ds, nil, gbdt.Params{Rounds: 2, LearningRate: 0.1, MaxDepth: 2, MaxLeaves: 3, MinChildWeight: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	e := &Effects{
		Columns: []EffectColumn{{Name: "display", Index: 0, Own: true, Part: PartOwn}},
		Global:  []float64{0.3}, GlobalSE: []float64{0.01}, Group: -1, Offset: offset,
		Series:   map[string]SeriesEffects{"a": {Theta: []float64{0.3}, SE: []float64{0.1}, Max: []float64{1}, Promoted: 10}},
		Baseline: hm, Controls: []int{1},
	}
	if err := e.Check(2); err != nil {
		t.Fatal(err)
	}
	plan, base := data.NewMatrix(3, 2), data.NewMatrix(3, 2)
	for i, on := range []float64{1, 1, 0} {
		copy(plan.Row(i), []float64{on, 7})
		copy(base.Row(i), []float64{0, 7})
	}
	scales := []float64{10, 10, 10}
	f, b := []float64{100, 5, 30}, make([]float64, 3)
	const ratio = 1.25
	ids, groups, periods := []string{"a", "a", "a"}, []float64{math.NaN(), math.NaN(), math.NaN()}, []int{1, 1, 1}
	own := make([]float64, 3)
	contrib, err := e.apply(ids, groups, periods, plan, base, scales, f, b, nil, make([]bool, 3), []float64{ratio, ratio, ratio}, nil, own)
	if err != nil {
		t.Fatal(err)
	}
	h := 4*10 - offset*10 // the baseline's units
	// The effect model's own baseline of the rows the levers raise, in the
	// point's units; NaN for the row with its levers off.
	if math.Abs(own[0]-h/ratio) > 1e-9 || math.Abs(own[1]-h/ratio) > 1e-9 || !math.IsNaN(own[2]) {
		t.Errorf("own baselines %v, want %v, %v and NaN", own, h/ratio, h/ratio)
	}
	up := (h + offset*10) * math.Expm1(0.3) / ratio
	if math.Abs(f[0]-100) > 1e-9 || math.Abs(b[0]-(100-up)) > 1e-9 {
		t.Errorf("row 0: forecast %v, baseline %v; want the trees' 100 and 100 − %v", f[0], b[0], up)
	}
	if 5-up >= 0 {
		t.Fatalf("the test's second row should have a forecast below its uplift: 5 ≥ %v", up)
	}
	if b[1] != 0 || math.Abs(f[1]-up) > 1e-9 {
		t.Errorf("row 1: forecast %v, baseline %v; want the uplift %v and 0", f[1], b[1], up)
	}
	if f[2] != 30 || b[2] != 30 {
		t.Errorf("row 2 (levers off): forecast %v, baseline %v; want both 30", f[2], b[2])
	}
	parts := e.parts(contrib, scales, f, b)
	for i := range f {
		if got := parts.Own[i] + parts.History[i] + parts.Next[i] + parts.Peers[i]; math.Abs(got-(f[i]-b[i])) > 1e-9 {
			t.Errorf("offset %v, row %d: parts add up to %v, the uplift is %v", offset, i, got, f[i]-b[i])
		}
	}
	e.Controls = []int{2}
	if err := e.Check(2); err == nil {
		t.Error("Check accepted a baseline control beyond the features")
	}
	e.Controls = []int{1}
	for _, bad := range []float64{-0.1, math.NaN(), math.Inf(1)} {
		e.Offset = bad
		if err := e.Check(2); err == nil {
			t.Errorf("Check accepted an offset of %v", bad)
		}
	}
}

// TestEffectsPressureBelowHistoryIsNotRaised checks that a row whose peers
// are not promoted gets no peer term even where the history always had
// some peer promoted (the pressure's training range starts above 0), while
// a pressure beyond the range's top is still held to it.
func TestEffectsPressureBelowHistoryIsNotRaised(t *testing.T) {
	e := displayAndPressure([]float64{0.05, 0.1}, "a", "b")
	plan, base := data.NewMatrix(2, 2), data.NewMatrix(2, 2)
	plan.Row(0)[0] = 1 // a displayed: its extra units put 10/20 = 0.5 on b
	f, b := []float64{200, 100}, []float64{0, 0}
	contrib, err := e.apply([]string{"a", "b"}, []float64{1, 1}, []int{3, 3}, plan, base, []float64{10, 10}, f, b, nil, make([]bool, 2), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if contrib[0][1] != 0 {
		t.Errorf("a, with no promoted peer: peer term %v, want 0", contrib[0][1])
	}
	if want := -0.5 * 0.1; math.Abs(contrib[1][1]-want) > 1e-12 {
		t.Errorf("b, under pressure 0.5: peer term %v, want %v (held to the range's top)", contrib[1][1], want)
	}
}

// TestEffectColumnAfter checks a post-promotion column: 1 only in a quiet
// period the given number of periods after a promotion, and that Check
// refuses one whose promotion flag lies beyond the features.
func TestEffectColumnAfter(t *testing.T) {
	c := EffectColumn{Name: "2nd period after a promotion", Index: 0, After: 2, Promo: 1, Part: PartHistory}
	for _, tc := range []struct {
		since, promo, want float64
	}{{2, 0, 1}, {2, 1, 0}, {1, 0, 0}, {3, 0, 0}, {math.NaN(), 0, 0}} {
		if got := c.Value([]float64{tc.since, tc.promo}); got != tc.want {
			t.Errorf("since %v, promo %v: %v, want %v", tc.since, tc.promo, got, tc.want)
		}
	}
	e := &Effects{Columns: []EffectColumn{c}, Global: []float64{-0.1}, GlobalSE: []float64{0.01}}
	if err := e.Check(2); err != nil {
		t.Errorf("Check: %v", err)
	}
	e.Columns[0].Promo = 2
	if err := e.Check(2); err == nil {
		t.Error("Check accepts a promotion flag beyond the features")
	}
}

// TestWarnDisagree warns on a row within its series' history whose
// forecast rose from the trees' to the effect model's uplift, or whose
// baseline lies more than twice above or below the effect model's own
// baseline by a unit or more, and on no other.
func TestWarnDisagree(t *testing.T) {
	nan := math.NaN()
	res := &Result{
		Forecast: []float64{10, 8, 12, 9, 40, 10, 0.6, 5}, Baseline: []float64{0, 3, 0, 0, 30, 1, 0.4, 5},
		Expected: []float64{20, 16, 24, 18, 80, 20, 1.2, 10}, BaselineExpected: []float64{0, 6, 0, 0, 60, 2, 0.8, 10},
		Warnings: []string{"", "", "", "a deeper discount", "", "", "", ""},
		beyond:   []bool{false, false, true, false, false, false, false, false}, ratios: []float64{2, 2, 2, 2, 2, 2, 2, 2},
	}
	trees := []float64{5, 8, 4, 3, 40, 10, 0.6, 5}
	own := []float64{4, 2, 1, 1, 5, 6, 0.1, nan}
	warnDisagree(res, trees, own)
	want := []string{
		"the effect model's uplift, 20 expected units, is above the trees' whole forecast of the row, 10 expected units: the forecast rises to the uplift, with a baseline of 0; the two models disagree about this promotion",
		"", "",
		"a deeper discount; the effect model's uplift, 18 expected units, is above the trees' whole forecast of the row, 6 expected units: the forecast rises to the uplift, with a baseline of 0; the two models disagree about this promotion",
		"the baseline, 60 expected units, is 6× the effect model's own baseline of the row, 10: the trees forecast the row at 80 expected units, the effect model's uplift is 20; the two models disagree about this promotion",
		"the baseline, 2 expected units, is 0.17× the effect model's own baseline of the row, 12: the trees forecast the row at 20 expected units, the effect model's uplift is 18; the two models disagree about this promotion",
		"", "",
	}
	for i, w := range want {
		if res.Warnings[i] != w {
			t.Errorf("row %d: warning %q, want %q", i, res.Warnings[i], w)
		}
	}
	warnDisagree(res, nil, nil)
	if res.Warnings[1] != "" {
		t.Errorf("without an effect model: %q", res.Warnings[1])
	}
}
