package uplift

import (
	"math"
	"testing"
)

// The 12-row case's reference values come from the definitions in
// ../shared/bench/hillstrom_peer.py (scikit-uplift's), run with numpy; the
// uplift curve's from the same cumulative sums, (yt/nt − yc/nc)·(nt+nc).
var (
	refY     = []float64{1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0}
	refT     = []bool{true, false, true, false, true, false, true, true, false, false, false, true}
	refScore = []float64{.9, .8, .7, .6, .5, .4, .3, .2, .1, .05, .02, .01}
)

func TestQiniMatchesReference(t *testing.T) {
	want := []float64{0, 1, 1, 2, 1, 0.5, 1, 5.0 / 3, 4.0 / 3, 1.75, 1, 4.0 / 3, 1}
	got := QiniCurve(refY, refT, refScore)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("Qini curve point %d = %v, want %v (curve %v)", i, got[i], want[i], got)
		}
	}
	if q := NormalisedQini(refY, refT, refScore); math.Abs(q-0.3469241773962804) > 1e-12 {
		t.Errorf("normalised Qini = %v, want 0.3469241773962804", q)
	}
	wantU := []float64{0, 0, 2, 3, 2, 5.0 / 6, 2, 35.0 / 12, 32.0 / 15, 3.15, 2, 44.0 / 15, 2}
	gotU := UpliftCurve(refY, refT, refScore)
	for i := range wantU {
		if math.Abs(gotU[i]-wantU[i]) > 1e-12 {
			t.Fatalf("uplift curve point %d = %v, want %v (curve %v)", i, gotU[i], wantU[i], gotU)
		}
	}
	if a := NormalisedAUUC(refY, refT, refScore); math.Abs(a-0.4996520528879611) > 1e-12 {
		t.Errorf("normalised AUUC = %v, want 0.4996520528879611", a)
	}
	if u := UpliftAtK(refY, refT, refScore, 0.5); math.Abs(u-1.0/3) > 1e-12 {
		t.Errorf("uplift@50%% = %v, want 1/3", u)
	}
	if u := UpliftAtK(refY, refT, refScore, 0.3); u != 1 {
		t.Errorf("uplift@30%% = %v, want 1", u)
	}
}

// TestCurvesByHand checks a 4-row case worked out on paper: treated
// responders ranked first, then the control.
func TestCurvesByHand(t *testing.T) {
	y := []float64{1, 1, 0, 0}
	tr := []bool{true, false, true, false}
	s := []float64{4, 3, 2, 1}
	// Qini: after 1 row yt=1 (no control yet); after 2 yt=1, yc=1, nt=nc=1
	// → 0; after 3 yt=1, nt=2, yc=1, nc=1 → 1−2 = −1; after 4 → 1−1 = 0.
	wantQ := []float64{0, 1, 0, -1, 0}
	// Uplift: 0 until both arms appear; then (1/1−1/1)·2 = 0,
	// (1/2−1/1)·3 = −1.5, (1/2−1/2)·4 = 0.
	wantU := []float64{0, 0, 0, -1.5, 0}
	q, u := QiniCurve(y, tr, s), UpliftCurve(y, tr, s)
	for i := range wantQ {
		if q[i] != wantQ[i] || u[i] != wantU[i] {
			t.Fatalf("point %d: Qini %v uplift %v, want %v and %v", i, q, u, wantQ, wantU)
		}
	}
	// The random line ends at 0, so the Qini area is the trapezoids of
	// the curve itself: (0+1)/2 + (1+0)/2 + (0−1)/2 + (−1+0)/2 = 0.
	if a := areaAboveRandom(q); a != 0 {
		t.Errorf("area = %v, want 0", a)
	}
	if u := UpliftAtK(y, tr, s, 0.5); u != 0 {
		t.Errorf("uplift@50%% = %v, want 1−1 = 0", u)
	}
	if u := UpliftAtK(y, tr, s, 0.25); !math.IsNaN(u) {
		t.Errorf("uplift@25%% = %v, want NaN (no control among the top row)", u)
	}
}

func TestScorePerTreatment(t *testing.T) {
	// Arms: 0 control, 1 and 2 treatments; each treatment is scored on its
	// rows and the control's only.
	y := []float64{1, 0, 1, 0, 1, 1}
	arm := []int{1, 0, 2, 0, 1, 2}
	s1 := []float64{9, 1, 100, 2, 3, -100}
	s2 := []float64{-5, 1, 5, 2, 0, 4}
	am, err := Score(y, arm, []string{"none", "a", "b"}, [][]float64{s1, s2})
	if err != nil {
		t.Fatal(err)
	}
	if am[0].Arm != "a" || am[0].Treated != 2 || am[0].Control != 2 || am[0].ATE != 1 {
		t.Errorf("arm a: %+v", am[0])
	}
	if am[1].Arm != "b" || am[1].Treated != 2 || am[1].Control != 2 || am[1].ATE != 1 {
		t.Errorf("arm b: %+v", am[1])
	}
	// Arm a on rows 0,1,3,4 with scores 9,1,2,3: the same as scoring the
	// four rows alone.
	want := NormalisedQini([]float64{1, 0, 0, 1}, []bool{true, false, false, true}, []float64{9, 1, 2, 3})
	if am[0].Qini != want {
		t.Errorf("arm a Qini %v, want %v", am[0].Qini, want)
	}
	if len(am[0].Curve.Share) != 101 || am[0].Curve.Qini[100] != am[0].Curve.Random[100] {
		t.Errorf("curve samples: %d points, end %v vs random %v", len(am[0].Curve.Share), am[0].Curve.Qini[100], am[0].Curve.Random[100])
	}
	if _, err := Score(y, arm, []string{"none", "a", "b"}, [][]float64{s1}); err == nil {
		t.Error("one score column for two treatments: no error")
	}
}
