package linear

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"promocast/data"
	"promocast/model"
)

// readSet reads testdata/<name>_train.csv and _test.csv as written by
// testdata/make_reference.py: a column "name#L" is categorical with L
// levels, an empty cell is NaN, the training file ends with y and w.
func readSet(t *testing.T, name string, weighted bool) (*model.Dataset, *data.Matrix) {
	t.Helper()
	train := readCSV(t, name+"_train.csv")
	test := readCSV(t, name+"_test.csv")
	header := train[0]
	nf := len(header) - 2
	feats := make([]model.Feature, nf)
	for j, h := range header[:nf] {
		if base, levels, ok := strings.Cut(h, "#"); ok {
			l, err := strconv.Atoi(levels)
			if err != nil {
				t.Fatal(err)
			}
			feats[j] = model.Feature{Name: base, Categorical: true, Levels: l}
		} else {
			feats[j] = model.Feature{Name: h}
		}
	}
	ds := &model.Dataset{X: data.NewMatrix(len(train)-1, nf), Features: feats}
	for i, rec := range train[1:] {
		for j := 0; j < nf; j++ {
			ds.X.Set(i, j, parseCell(t, rec[j]))
		}
		ds.Y = append(ds.Y, parseCell(t, rec[nf]))
		if weighted {
			ds.W = append(ds.W, parseCell(t, rec[nf+1]))
		}
	}
	X := data.NewMatrix(len(test)-1, nf)
	for i, rec := range test[1:] {
		for j := 0; j < nf; j++ {
			X.Set(i, j, parseCell(t, rec[j]))
		}
	}
	return ds, X
}

func readCSV(t *testing.T, file string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return recs
}

func parseCell(t *testing.T, s string) float64 {
	t.Helper()
	if s == "" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// reference is one case of a <set>_ref.csv file.
type reference struct {
	intercept float64
	coef      map[string]float64
	pred      []float64
}

func readReference(t *testing.T, name string) map[string]*reference {
	t.Helper()
	out := map[string]*reference{}
	for _, rec := range readCSV(t, name+"_ref.csv")[1:] {
		r := out[rec[0]]
		if r == nil {
			r = &reference{coef: map[string]float64{}}
			out[rec[0]] = r
		}
		v := parseCell(t, rec[3])
		switch rec[1] {
		case "intercept":
			r.intercept = v
		case "coef":
			r.coef[rec[2]] = v
		case "pred":
			r.pred = append(r.pred, v)
		}
	}
	return out
}

// coefModel is what every model type offers for comparison.
type coefModel interface {
	model.Predictor
	Intercept() float64
	Coefficients() []Coef
}

// compare checks a fitted model against a reference case: intercept,
// coefficients by name (a column the model dropped must be 0 in the
// reference), and predictions on the test rows, all within relative
// tolerance tol. It returns the largest relative error seen.
func compare(t *testing.T, name string, m coefModel, ref *reference, X *data.Matrix, tol float64) float64 {
	t.Helper()
	worst := 0.0
	check := func(what string, got, want float64) {
		t.Helper()
		e := math.Abs(got-want) / math.Max(1, math.Abs(want))
		worst = math.Max(worst, e)
		if !(e <= tol) {
			t.Errorf("%s %s: got %.12g, scikit-learn %.12g (rel. error %.2g > %.2g)", name, what, got, want, e, tol)
		}
	}
	if ref == nil {
		t.Fatalf("%s: no reference", name)
	}
	check("intercept", m.Intercept(), ref.intercept)
	seen := map[string]bool{}
	for _, c := range m.Coefficients() {
		want, ok := ref.coef[c.Feature]
		if !ok {
			t.Errorf("%s: model has column %q, the reference does not", name, c.Feature)
			continue
		}
		seen[c.Feature] = true
		check("coef "+c.Feature, c.Value, want)
	}
	for k, v := range ref.coef {
		if !seen[k] && v != 0 {
			t.Errorf("%s: reference column %q = %v is missing from the model", name, k, v)
		}
	}
	out := make([]float64, X.Rows)
	if err := m.Predict(X, out); err != nil {
		t.Fatal(err)
	}
	if len(ref.pred) != X.Rows {
		t.Fatalf("%s: %d reference predictions for %d rows", name, len(ref.pred), X.Rows)
	}
	for i := range out {
		check("prediction "+strconv.Itoa(i), out[i], ref.pred[i])
	}
	return worst
}

func TestRegressionMatchesScikitLearn(t *testing.T) {
	cases := []struct {
		set, kind string
		p         Params
		tol       float64
	}{
		{"reg", "ols", Params{Penalty: "none"}, 1e-12},
		{"reg", "ridge", Params{Penalty: "ridge", Alpha: 0.1}, 1e-12},
		{"reg", "lasso", Params{Penalty: "lasso", Alpha: 0.1, Tol: 1e-12, MaxIter: 100000}, 1e-10},
		{"reg", "enet", Params{Penalty: "elasticnet", Alpha: 0.1, L1Ratio: 0.3, Tol: 1e-12, MaxIter: 100000}, 1e-10},
		{"mixed", "ridge", Params{Penalty: "ridge", Alpha: 0.05}, 1e-12},
		{"mixed", "lasso", Params{Penalty: "lasso", Alpha: 0.02, Tol: 1e-12, MaxIter: 100000}, 1e-10},
	}
	for _, c := range cases {
		for _, weighted := range []bool{false, true} {
			name := c.set + "_" + c.kind + map[bool]string{false: "_u", true: "_w"}[weighted]
			t.Run(name, func(t *testing.T) {
				ds, X := readSet(t, c.set, weighted)
				m, err := Fit(ds, c.p)
				if err != nil {
					t.Fatal(err)
				}
				if !m.Info().Converged {
					t.Errorf("did not converge in %d sweeps", m.Info().Iterations)
				}
				ref := readReference(t, c.set)[c.kind+map[bool]string{false: "_u", true: "_w"}[weighted]]
				worst := compare(t, name, m, ref, X, c.tol)
				t.Logf("largest relative error %.2g after %d sweeps", worst, m.Info().Iterations)
			})
		}
	}
}

func TestGLMMatchesScikitLearn(t *testing.T) {
	cases := []struct {
		set, kind string
		fit       func(ds *model.Dataset) (coefModel, FitInfo, error)
		tol       float64
	}{
		{"cls", "l2", logisticFitter(LogisticParams{C: 0.5}), 1e-7},
		{"cls", "l2strong", logisticFitter(LogisticParams{C: 0.01}), 1e-7},
		{"cls", "none", logisticFitter(LogisticParams{Penalty: "none"}), 1e-7},
		{"cls", "l1", logisticFitter(LogisticParams{Penalty: "l1", C: 0.05}), 1e-8},
		{"pois", "ridge", poissonFitter(PoissonParams{Alpha: 0.05}), 1e-12},
	}
	for _, c := range cases {
		for _, weighted := range []bool{false, true} {
			suffix := map[bool]string{false: "_u", true: "_w"}[weighted]
			t.Run(c.set+"_"+c.kind+suffix, func(t *testing.T) {
				ds, X := readSet(t, c.set, weighted)
				m, info, err := c.fit(ds)
				if err != nil {
					t.Fatal(err)
				}
				if !info.Converged {
					t.Errorf("did not converge in %d iterations", info.Iterations)
				}
				worst := compare(t, c.set+"_"+c.kind+suffix, m, readReference(t, c.set)[c.kind+suffix], X, c.tol)
				t.Logf("largest relative error %.2g after %d Newton steps", worst, info.Iterations)
			})
		}
	}
}

func logisticFitter(p LogisticParams) func(*model.Dataset) (coefModel, FitInfo, error) {
	return func(ds *model.Dataset) (coefModel, FitInfo, error) {
		m, err := FitLogistic(ds, p)
		if err != nil {
			return nil, FitInfo{}, err
		}
		return m, m.Info(), nil
	}
}

func poissonFitter(p PoissonParams) func(*model.Dataset) (coefModel, FitInfo, error) {
	return func(ds *model.Dataset) (coefModel, FitInfo, error) {
		m, err := FitPoisson(ds, p)
		if err != nil {
			return nil, FitInfo{}, err
		}
		return m, m.Info(), nil
	}
}
