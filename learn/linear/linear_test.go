package linear

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"promocast/data"
	"promocast/model"
)

// synthetic returns n rows of p numeric features (on assorted scales and
// offsets) and y = 1 + Σ_{j<k} (j+1)·x_j/sd_j + noise·N(0,1), with weights
// when weighted is set.
func synthetic(n, p, k int, noise float64, weighted bool, seed uint64) *model.Dataset {
	rng := rand.New(rand.NewPCG(seed, 7))
	ds := &model.Dataset{X: data.NewMatrix(n, p), Y: make([]float64, n)}
	for j := 0; j < p; j++ {
		ds.Features = append(ds.Features, model.Feature{Name: "x" + string(rune('a'+j%26))})
	}
	for i := 0; i < n; i++ {
		y := 1.0
		for j := 0; j < p; j++ {
			sd := float64(j%5 + 1)
			v := float64(j)*3 + sd*rng.NormFloat64()
			ds.X.Set(i, j, v)
			if j < k {
				y += float64(j+1) * (v - float64(j)*3) / sd
			}
		}
		ds.Y[i] = y + noise*rng.NormFloat64()
		if weighted {
			ds.W = append(ds.W, 0.5+rng.Float64()*2)
		}
	}
	return ds
}

// standardised returns the design matrix z of a numeric dataset, computed
// directly from the definition, and the weighted mean of y.
func standardised(ds *model.Dataset) (*mat.Dense, float64, float64) {
	n, p := ds.X.Rows, ds.X.Cols
	Z := mat.NewDense(n, p, nil)
	W, ybar := 0.0, 0.0
	for i := 0; i < n; i++ {
		W += ds.Weight(i)
		ybar += ds.Weight(i) * ds.Y[i]
	}
	ybar /= W
	for j := 0; j < p; j++ {
		m, v := 0.0, 0.0
		for i := 0; i < n; i++ {
			m += ds.Weight(i) * ds.X.At(i, j)
		}
		m /= W
		for i := 0; i < n; i++ {
			d := ds.X.At(i, j) - m
			v += ds.Weight(i) * d * d
		}
		sd := math.Sqrt(v / W)
		for i := 0; i < n; i++ {
			Z.Set(i, j, (ds.X.At(i, j)-m)/sd)
		}
	}
	return Z, ybar, W
}

// stdCoef returns the model's coefficients per standard deviation in
// column order of a numeric dataset without missing values.
func stdCoef(t *testing.T, cs []Coef, p int) []float64 {
	t.Helper()
	if len(cs) != p {
		t.Fatalf("%d coefficients, expected %d", len(cs), p)
	}
	out := make([]float64, p)
	for j, c := range cs {
		out[j] = c.Std
	}
	return out
}

func TestRidgeSolvesNormalEquations(t *testing.T) {
	for _, weighted := range []bool{false, true} {
		ds := synthetic(300, 8, 5, 1, weighted, 1)
		const alpha = 0.3
		m, err := Fit(ds, Params{Penalty: "ridge", Alpha: alpha})
		if err != nil {
			t.Fatal(err)
		}
		// (ZᵀWZ/ΣW + αI)·b = ZᵀW(y − ȳ)/ΣW, solved independently.
		Z, ybar, W := standardised(ds)
		n, p := Z.Dims()
		A := mat.NewDense(p, p, nil)
		rhs := mat.NewVecDense(p, nil)
		for i := 0; i < n; i++ {
			w := ds.Weight(i) / W
			for j := 0; j < p; j++ {
				rhs.SetVec(j, rhs.AtVec(j)+w*Z.At(i, j)*(ds.Y[i]-ybar))
				for k := 0; k < p; k++ {
					A.Set(j, k, A.At(j, k)+w*Z.At(i, j)*Z.At(i, k))
				}
			}
		}
		for j := 0; j < p; j++ {
			A.Set(j, j, A.At(j, j)+alpha)
		}
		var want mat.VecDense
		if err := want.SolveVec(A, rhs); err != nil {
			t.Fatal(err)
		}
		got := stdCoef(t, m.Coefficients(), p)
		for j := range got {
			if math.Abs(got[j]-want.AtVec(j)) > 1e-10 {
				t.Errorf("weighted=%v coef %d: got %.12g, normal equations %.12g", weighted, j, got[j], want.AtVec(j))
			}
		}
	}
}

// TestElasticNetOptimality checks the optimality (KKT) conditions of lasso
// and elastic-net fits directly on the data: with residuals r and
// g_j = (1/ΣW)·Σ w·z_j·r, g_j − l2·b_j = l1·sign(b_j) where b_j ≠ 0 and
// |g_j| ≤ l1 where b_j = 0.
func TestElasticNetOptimality(t *testing.T) {
	for _, p := range []Params{
		{Penalty: "lasso", Alpha: 0.2, Tol: 1e-10},
		{Penalty: "elasticnet", Alpha: 0.5, L1Ratio: 0.7, Tol: 1e-10},
	} {
		ds := synthetic(500, 12, 4, 2, true, 2)
		m, err := Fit(ds, p)
		if err != nil {
			t.Fatal(err)
		}
		l1, l2 := p.Alpha*1, 0.0
		if p.Penalty == "elasticnet" {
			l1, l2 = p.Alpha*p.L1Ratio, p.Alpha*(1-p.L1Ratio)
		}
		pred := make([]float64, ds.X.Rows)
		if err := m.Predict(ds.X, pred); err != nil {
			t.Fatal(err)
		}
		Z, _, W := standardised(ds)
		b := stdCoef(t, m.Coefficients(), 12)
		zeros := 0
		for j := range b {
			g := 0.0
			for i := range pred {
				g += ds.Weight(i) * Z.At(i, j) * (ds.Y[i] - pred[i])
			}
			g /= W
			switch {
			case b[j] == 0:
				zeros++
				if math.Abs(g) > l1*(1+1e-6) {
					t.Errorf("%s coef %d is 0 but |gradient| %v > %v", p.Penalty, j, math.Abs(g), l1)
				}
			default:
				if e := math.Abs(g - l2*b[j] - l1*math.Copysign(1, b[j])); e > 1e-6 {
					t.Errorf("%s coef %d = %v violates optimality by %v", p.Penalty, j, b[j], e)
				}
			}
		}
		if zeros == 0 {
			t.Errorf("%s: no coefficient is zero", p.Penalty)
		}
	}
}

func TestLassoZeroesIrrelevantFeatures(t *testing.T) {
	ds := synthetic(2000, 20, 4, 1, false, 3)
	m, err := Fit(ds, Params{Penalty: "lasso", Alpha: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	for j, c := range m.Coefficients() {
		if j < 4 {
			// The true effect per sd is j+1, shrunk by about alpha.
			if want := float64(j+1) - 0.1; math.Abs(c.Std-want) > 0.1 {
				t.Errorf("relevant feature %d: std coef %v, expected about %v", j, c.Std, want)
			}
		} else if c.Value != 0 {
			t.Errorf("irrelevant feature %d has coefficient %v, expected exactly 0", j, c.Value)
		}
	}
	if !m.Info().Converged {
		t.Error("lasso did not converge")
	}
}

func TestWeightsActLikeRepeatedRows(t *testing.T) {
	ds := synthetic(200, 6, 3, 1, false, 4)
	rng := rand.New(rand.NewPCG(9, 9))
	weighted := &model.Dataset{X: ds.X, Y: ds.Y, Features: ds.Features, W: make([]float64, 200)}
	rep := &model.Dataset{X: data.NewMatrix(0, 6), Features: ds.Features}
	for i := 0; i < 200; i++ {
		k := rng.IntN(4) // 0..3 copies; weight 0 drops the row
		weighted.W[i] = float64(k)
		for c := 0; c < k; c++ {
			rep.X.Values = append(rep.X.Values, ds.X.Row(i)...)
			rep.X.Rows++
			rep.Y = append(rep.Y, ds.Y[i])
		}
	}
	for _, p := range []Params{{Penalty: "lasso", Alpha: 0.05, Tol: 1e-12}, {Penalty: "ridge", Alpha: 1}} {
		a, err := Fit(weighted, p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Fit(rep, p)
		if err != nil {
			t.Fatal(err)
		}
		ca, cb := a.Coefficients(), b.Coefficients()
		for j := range ca {
			if math.Abs(ca[j].Value-cb[j].Value) > 1e-9*math.Max(1, math.Abs(cb[j].Value)) {
				t.Errorf("%s coef %d: weighted %v, repeated rows %v", p.Penalty, j, ca[j].Value, cb[j].Value)
			}
		}
	}
}

// mixedData has a numeric feature with NaN, a constant feature and a
// categorical feature with levels 0..3, where level 3 never occurs.
// y = 10 + 2·a + (−1, 0, 3) by level exactly, no noise.
func mixedData() *model.Dataset {
	nan := math.NaN()
	rows := [][]float64{
		{1, 5, 0}, {2, 5, 1}, {3, 5, 2}, {nan, 5, 0}, {4, 5, 1},
		{5, 5, 2}, {nan, 5, 1}, {6, 5, 0}, {7, 5, 2}, {8, 5, 1},
	}
	ds := &model.Dataset{X: data.NewMatrix(len(rows), 3), Features: []model.Feature{
		{Name: "a"}, {Name: "const"}, {Name: "cat", Categorical: true, Levels: 4},
	}}
	for i, r := range rows {
		copy(ds.X.Row(i), r)
		a := r[0]
		if a != a {
			a = 4.5 // the NaN rows' target pretends a = mean of observed a
		}
		ds.Y = append(ds.Y, 10+2*a+[]float64{-1, 0, 3}[int(r[2])])
	}
	return ds
}

func TestPreprocessingImputesAndOneHotEncodes(t *testing.T) {
	ds := mixedData()
	m, err := Fit(ds, Params{Penalty: "none"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	coef := map[string]float64{}
	for _, c := range m.Coefficients() {
		names = append(names, c.Feature)
		coef[c.Feature] = c.Value
	}
	if got, want := strings.Join(names, ","), "a,a=missing,cat=0,cat=1,cat=2"; got != want {
		t.Fatalf("design columns %s, expected %s (constant column and unseen level dropped)", got, want)
	}
	if math.Abs(coef["a"]-2) > 1e-9 || math.Abs(coef["a=missing"]) > 1e-9 {
		t.Errorf("a: coef %v and missing %v, expected 2 and 0", coef["a"], coef["a=missing"])
	}
	// The imputed mean of a is 4.5; the exact fit reproduces every target.
	nan := math.NaN()
	X := &data.Matrix{Rows: 7, Cols: 3, Values: []float64{
		1, 5, 0, // as in training
		nan, 5, 2, // imputed a = 4.5
		2, 99, 1, // the dropped constant column is ignored
		2, 5, 3, // level never seen in training: no indicator
		2, 5, nan, // missing code: no indicator
		2, 5, 17, // out-of-range code: no indicator
		2, 5, 1.5, // non-integer code: no indicator
	}}
	out := make([]float64, 7)
	if err := m.Predict(X, out); err != nil {
		t.Fatal(err)
	}
	// Without an indicator, the prediction is the intercept plus 2·a, and
	// the intercept absorbs the levels' weighted average.
	base := m.Intercept() + 2*2
	want := []float64{10 + 2 - 1, 10 + 9 + 3, 10 + 4 + 0, base, base, base, base}
	for i := range want {
		if math.Abs(out[i]-want[i]) > 1e-9 {
			t.Errorf("row %d: predicted %v, expected %v", i, out[i], want[i])
		}
	}
	if c := coef["cat=0"] + m.Intercept() + 2*2; math.Abs(c-(10+4-1)) > 1e-9 {
		t.Errorf("intercept + cat=0 + 2·2 = %v, expected 13", c)
	}
}

func TestNoInterceptPassesThroughOrigin(t *testing.T) {
	ds := synthetic(100, 3, 3, 0, false, 5)
	for i := range ds.Y { // y = 2·x0 − x2, exactly through the origin
		ds.Y[i] = 2*ds.X.At(i, 0) - ds.X.At(i, 2)
	}
	m, err := Fit(ds, Params{Penalty: "none", NoIntercept: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Intercept() != 0 {
		t.Errorf("intercept %v, expected exactly 0", m.Intercept())
	}
	want := []float64{2, 0, -1}
	for j, c := range m.Coefficients() {
		if math.Abs(c.Value-want[j]) > 1e-10 {
			t.Errorf("coef %d: %v, expected %v", j, c.Value, want[j])
		}
	}
}

func TestFitIsDeterministic(t *testing.T) {
	ds := mixedData()
	ds.W = []float64{1, 2, 1, 0.5, 1, 1, 3, 1, 1, 2}
	var first [3][]byte
	for run := 0; run < 3; run++ {
		lin, err := Fit(ds, Params{Penalty: "elasticnet", Alpha: 0.01})
		if err != nil {
			t.Fatal(err)
		}
		pois, err := FitPoisson(ds, PoissonParams{Penalty: "lasso", Alpha: 0.01})
		if err != nil {
			t.Fatal(err)
		}
		cls := &model.Dataset{X: ds.X, Features: ds.Features, W: ds.W, Y: make([]float64, 10)}
		for i, y := range ds.Y {
			if y > 19 {
				cls.Y[i] = 1
			}
		}
		logi, err := FitLogistic(cls, LogisticParams{})
		if err != nil {
			t.Fatal(err)
		}
		for k, m := range []any{lin, logi, pois} {
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if run == 0 {
				first[k] = b
			} else if !bytes.Equal(b, first[k]) {
				t.Errorf("model %d: run %d wrote different JSON:\n%s\n%s", k, run, first[k], b)
			}
		}
	}
}

func TestJSONRoundTripPredictsIdentically(t *testing.T) {
	ds := mixedData()
	cls := &model.Dataset{X: ds.X, Features: ds.Features, Y: []float64{0, 1, 1, 0, 0, 1, 1, 0, 1, 1}}
	lin, err := Fit(ds, Params{Penalty: "ridge", Alpha: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	logi, err := FitLogistic(cls, LogisticParams{C: 2})
	if err != nil {
		t.Fatal(err)
	}
	pois, err := FitPoisson(ds, PoissonParams{})
	if err != nil {
		t.Fatal(err)
	}
	X := &data.Matrix{Rows: 3, Cols: 3, Values: []float64{1.5, 5, 2, math.NaN(), 1, 3, 7, 5, math.NaN()}}
	for _, pair := range []struct{ a, b model.Predictor }{
		{lin, &Model{}}, {logi, &LogisticModel{}}, {pois, &PoissonModel{}},
	} {
		b, err := json.Marshal(pair.a)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, pair.b); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		b2, err := json.Marshal(pair.b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, b2) {
			t.Errorf("re-marshalled JSON differs:\n%s\n%s", b, b2)
		}
		p1, p2 := make([]float64, 3), make([]float64, 3)
		if err := pair.a.Predict(X, p1); err != nil {
			t.Fatal(err)
		}
		if err := pair.b.Predict(X, p2); err != nil {
			t.Fatal(err)
		}
		for i := range p1 {
			if p1[i] != p2[i] || p1[i] != p1[i] {
				t.Errorf("row %d: %v before, %v after the round trip", i, p1[i], p2[i])
			}
		}
	}
	// The wrong kind is refused.
	b, _ := json.Marshal(lin)
	if err := json.Unmarshal(b, &LogisticModel{}); err == nil || !strings.Contains(err.Error(), "kind") {
		t.Errorf("reading a linear model as logistic: error %v", err)
	}
}

func TestUnmarshalRejectsBrokenModels(t *testing.T) {
	m, err := Fit(mixedData(), Params{})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := json.Marshal(m)
	for _, c := range []struct{ from, to, want string }{
		{`"version":1`, `"version":2`, "version"},
		{`"kind":"value"`, `"kind":"cubic"`, "kind"},
		{`"feature":0`, `"feature":9`, "feature 9"},
		{`"scale":`, `"scale":-`, "scale"},
		{`"impute":[`, `"impute":[1,`, "impute"},
		{`"levels":4`, `"levels":1`, "level"},
		{`"alpha":0.001`, `"alpha":0.001,"extra":1`, "unknown field"},
	} {
		bad := strings.Replace(string(good), c.from, c.to, 1)
		if bad == string(good) {
			t.Fatalf("%q not in %s", c.from, good)
		}
		err := json.Unmarshal([]byte(bad), &Model{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s → %s: error %v, expected one mentioning %q", c.from, c.to, err, c.want)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	m, err := Fit(mixedData(), Params{})
	if err != nil {
		f.Fatal(err)
	}
	good, _ := json.Marshal(m)
	f.Add(good)
	f.Add([]byte(`{"kind":"linear","version":1,"features":[{"name":"c","categorical":true,"levels":2}],"impute":[0],"terms":[{"feature":0,"kind":"level","level":1,"mean":0.5,"scale":0.5,"coef":1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Model
		if err := json.Unmarshal(b, &m); err != nil {
			return
		}
		X := data.NewMatrix(2, len(m.Features()))
		for i := range X.Values {
			X.Values[i] = float64(i%3) - 0.5
		}
		out := make([]float64, 2)
		if err := m.Predict(X, out); err != nil {
			t.Fatalf("a model that loads must predict finite rows: %v", err)
		}
	})
}

func TestPredictRejectsBadInput(t *testing.T) {
	m, err := Fit(mixedData(), Params{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		X    *data.Matrix
		n    int
		want string
	}{
		{data.NewMatrix(2, 4), 2, "4 feature columns, the model expects 3"},
		{data.NewMatrix(2, 3), 3, "output has 3 elements for 2 rows"},
		{&data.Matrix{Rows: 1, Cols: 3, Values: []float64{math.Inf(1), 5, 0}}, 1, `row 0, feature "a": value +Inf`},
		{nil, 0, "no feature matrix"},
	} {
		err := m.Predict(c.X, make([]float64, c.n))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, expected one containing %q", err, c.want)
		}
	}
}

func TestFitRejectsBadInput(t *testing.T) {
	with := func(edit func(ds *model.Dataset)) *model.Dataset {
		ds := mixedData()
		edit(ds)
		return ds
	}
	cases := []struct {
		name string
		fit  func() error
		want string
	}{
		{"inf feature", func() error {
			_, err := Fit(with(func(ds *model.Dataset) { ds.X.Set(2, 0, math.Inf(-1)) }), Params{})
			return err
		}, `row 2, feature "a": value -Inf is not finite`},
		{"bad code", func() error {
			_, err := Fit(with(func(ds *model.Dataset) { ds.X.Set(4, 2, 4) }), Params{})
			return err
		}, `row 4, feature "cat": categorical code 4 is not an integer in 0..3`},
		{"negative weight", func() error {
			_, err := Fit(with(func(ds *model.Dataset) { ds.W = make([]float64, 10); ds.W[3] = -1 }), Params{})
			return err
		}, "weight of row 3 is -1"},
		{"zero weights", func() error {
			_, err := Fit(with(func(ds *model.Dataset) { ds.W = make([]float64, 10) }), Params{})
			return err
		}, "weights sum to 0"},
		{"nan target", func() error {
			_, err := Fit(with(func(ds *model.Dataset) { ds.Y[1] = math.NaN() }), Params{})
			return err
		}, "target of row 1 is NaN"},
		{"bad penalty", func() error { _, err := Fit(mixedData(), Params{Penalty: "l3"}); return err }, `unknown penalty "l3"`},
		{"bad ratio", func() error {
			_, err := Fit(mixedData(), Params{Penalty: "elasticnet", L1Ratio: 1.5})
			return err
		}, "l1_ratio 1.5"},
		{"negative alpha", func() error { _, err := Fit(mixedData(), Params{Alpha: -1}); return err }, "strength -1"},
		{"logistic target", func() error { _, err := FitLogistic(mixedData(), LogisticParams{}); return err }, "target of row 0 is 11: expected 0 or 1"},
		{"logistic one class", func() error {
			_, err := FitLogistic(with(func(ds *model.Dataset) { ds.Y = make([]float64, 10) }), LogisticParams{})
			return err
		}, "one class only"},
		{"logistic C and alpha", func() error {
			_, err := FitLogistic(mixedData(), LogisticParams{C: 1, Alpha: 1})
			return err
		}, "not both"},
		{"poisson negative", func() error {
			_, err := FitPoisson(with(func(ds *model.Dataset) { ds.Y[5] = -2 }), PoissonParams{})
			return err
		}, "target of row 5 is -2"},
		{"too wide", func() error {
			_, err := Fit(with(func(ds *model.Dataset) { ds.Features[2].Levels = 5000 }), Params{})
			return err
		}, "more than 4096 design columns"},
	}
	for _, c := range cases {
		err := c.fit()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, expected one containing %q", c.name, err, c.want)
		}
	}
}

func TestLogisticSeparableDataStaysFinite(t *testing.T) {
	ds := &model.Dataset{X: &data.Matrix{Rows: 6, Cols: 1, Values: []float64{1, 2, 3, 4, 5, 6}},
		Y: []float64{0, 0, 0, 1, 1, 1}, Features: []model.Feature{{Name: "x"}}}
	m, err := FitLogistic(ds, LogisticParams{Penalty: "none", MaxIter: 30})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, 6)
	if err := m.Predict(ds.X, out); err != nil {
		t.Fatal(err)
	}
	for i, p := range out {
		if math.IsNaN(p) || (ds.Y[i] == 1) != (p > 0.5) {
			t.Errorf("row %d: probability %v for class %v", i, p, ds.Y[i])
		}
	}
	// With a penalty the same data has a finite optimum and converges.
	m2, err := FitLogistic(ds, LogisticParams{})
	if err != nil {
		t.Fatal(err)
	}
	if !m2.Info().Converged {
		t.Error("penalised fit of separable data did not converge")
	}
}

func TestNothingToLearnPredictsTheMean(t *testing.T) {
	nan := math.NaN()
	ds := &model.Dataset{X: &data.Matrix{Rows: 4, Cols: 2, Values: []float64{3, nan, 3, nan, 3, nan, 3, nan}},
		Y: []float64{1, 2, 3, 6}, Features: []model.Feature{{Name: "c"}, {Name: "gone"}}}
	for _, p := range []Params{{}, {Penalty: "lasso"}, {Penalty: "none", NoIntercept: true}} {
		m, err := Fit(ds, p)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]float64, 4)
		if err := m.Predict(ds.X, out); err != nil {
			t.Fatal(err)
		}
		// With an intercept: the mean of y. Without: the constant column
		// stands in for it (b = Σ3y/Σ9 = 1), and predicts 3 too.
		want := 3.0
		if math.Abs(out[0]-want) > 1e-12 {
			t.Errorf("%+v: predicts %v, expected %v", p, out[0], want)
		}
	}
	for _, noIntercept := range []bool{false, true} {
		cls := &model.Dataset{X: data.NewMatrix(4, 0), Y: []float64{0, 1, 1, 1}}
		m, err := FitLogistic(cls, LogisticParams{NoIntercept: noIntercept})
		if err != nil {
			t.Fatal(err)
		}
		out := make([]float64, 4)
		if err := m.Predict(cls.X, out); err != nil {
			t.Fatal(err)
		}
		want := map[bool]float64{false: 0.75, true: 0.5}[noIntercept]
		if math.Abs(out[0]-want) > 1e-9 {
			t.Errorf("no features, noIntercept=%v: probability %v, expected %v", noIntercept, out[0], want)
		}
	}
}

// TestMonotoneConstraint fits y = 2·x0 − x1 + noise with x1 declared
// non-decreasing: the constraint is active, so the fit must equal the fit
// without x1, and x0's sign constraint (satisfied anyway) changes nothing.
func TestMonotoneConstraint(t *testing.T) {
	ds := synthetic(400, 3, 0, 0.5, true, 6)
	for i := range ds.Y {
		ds.Y[i] += 2*ds.X.At(i, 0) - ds.X.At(i, 1)
	}
	ds.Features[0].Monotone = 1
	ds.Features[1].Monotone = 1
	without := &model.Dataset{X: data.NewMatrix(400, 2), Y: ds.Y, W: ds.W,
		Features: []model.Feature{ds.Features[0], ds.Features[2]}}
	for i := 0; i < 400; i++ {
		without.X.Set(i, 0, ds.X.At(i, 0))
		without.X.Set(i, 1, ds.X.At(i, 2))
	}
	for _, p := range []Params{{Penalty: "none", Tol: 1e-13}, {Penalty: "ridge", Alpha: 0.1, Tol: 1e-13}, {Penalty: "lasso", Alpha: 0.05, Tol: 1e-13}} {
		m, err := Fit(ds, p)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := Fit(without, p)
		if err != nil {
			t.Fatal(err)
		}
		c, rc := m.Coefficients(), ref.Coefficients()
		if c[1].Value != 0 {
			t.Errorf("%s: monotone +1 feature has coefficient %v, expected exactly 0", p.Penalty, c[1].Value)
		}
		if math.Abs(c[0].Value-rc[0].Value) > 1e-8 || math.Abs(c[2].Value-rc[1].Value) > 1e-8 || math.Abs(m.Intercept()-ref.Intercept()) > 1e-8 {
			t.Errorf("%s: constrained fit %v %v, fit without the feature %v %v", p.Penalty, c, m.Intercept(), rc, ref.Intercept())
		}
	}
	// Logistic: a protective feature declared non-increasing keeps its
	// negative coefficient; declared non-decreasing it is clamped to 0.
	cls := &model.Dataset{X: ds.X, W: ds.W, Features: ds.Features, Y: make([]float64, 400)}
	for i := range cls.Y {
		if ds.X.At(i, 0)-ds.X.At(i, 1) > -1 {
			cls.Y[i] = 1
		}
	}
	for _, mono := range []int{-1, 1} {
		cls.Features = append([]model.Feature(nil), ds.Features...)
		cls.Features[1].Monotone = mono
		m, err := FitLogistic(cls, LogisticParams{})
		if err != nil {
			t.Fatal(err)
		}
		got := m.Coefficients()[1].Value
		if (mono < 0 && !(got < -0.1)) || (mono > 0 && got != 0) {
			t.Errorf("logistic, monotone %d: coefficient %v", mono, got)
		}
		if !m.Info().Converged {
			t.Errorf("logistic, monotone %d: did not converge", mono)
		}
	}
}

func TestUnfittedModelsReportErrors(t *testing.T) {
	X := data.NewMatrix(1, 1)
	for _, m := range []interface {
		model.Predictor
		json.Marshaler
		Coefficients() []Coef
	}{&Model{}, &LogisticModel{}, &PoissonModel{}} {
		if err := m.Predict(X, make([]float64, 1)); err == nil || !strings.Contains(err.Error(), "not fitted") {
			t.Errorf("%T.Predict: error %v", m, err)
		}
		if _, err := json.Marshal(m); err == nil {
			t.Errorf("%T: marshalled an unfitted model", m)
		}
		if m.Coefficients() != nil {
			t.Errorf("%T: coefficients of an unfitted model", m)
		}
	}
}

func TestLogisticAlphaIsCPerWeight(t *testing.T) {
	ds, _ := readSet(t, "cls", true)
	sumW := 0.0
	for _, w := range ds.W {
		sumW += w
	}
	a, err := FitLogistic(ds, LogisticParams{C: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := FitLogistic(ds, LogisticParams{Alpha: 1 / (0.3 * sumW)})
	if err != nil {
		t.Fatal(err)
	}
	ca, cb := a.Coefficients(), b.Coefficients()
	for j := range ca {
		if math.Abs(ca[j].Value-cb[j].Value) > 1e-12*math.Max(1, math.Abs(ca[j].Value)) {
			t.Errorf("coef %d: C form %v, alpha form %v", j, ca[j].Value, cb[j].Value)
		}
	}
}
