package svm

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"promocast/data"
	"promocast/model"
)

// reference is testdata/reference.json, written by make_reference.py.
type reference struct {
	Sklearn string `json:"sklearn"`
	Fits    []struct {
		Set          string    `json:"set"`
		Loss         string    `json:"loss"`
		C            float64   `json:"c"`
		Epsilon      float64   `json:"epsilon"`
		Terms        []string  `json:"terms"`
		Coef         []float64 `json:"coef"`
		Intercept    float64   `json:"intercept"`
		TestDecision []float64 `json:"test_decision"`
		Objective    float64   `json:"objective"`
		Platt        []float64 `json:"platt"`
	} `json:"fits"`
}

// readSet reads testdata/<name>_train.csv and _test.csv: a column "name#L"
// is categorical with L levels, an empty cell is NaN, the training file
// ends with y and w.
func readSet(t *testing.T, name string) (*model.Dataset, *data.Matrix) {
	t.Helper()
	train := readCSV(t, name+"_train.csv")
	test := readCSV(t, name+"_test.csv")
	nf := len(train[0]) - 2
	feats := make([]model.Feature, nf)
	for j, h := range train[0][:nf] {
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
		ds.W = append(ds.W, parseCell(t, rec[nf+1]))
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

// relErr is |a − b| / max(1, |b|).
func relErr(a, b float64) float64 { return math.Abs(a-b) / math.Max(1, math.Abs(b)) }

// TestReference compares fits at a tight tolerance with scikit-learn
// 1.2.1's LinearSVC and LinearSVR on the same standardised columns: the
// columns kept, the weights, the intercept, test decision values, the
// primal objective and (for classifiers) the Platt sigmoid. The solvers
// visit rows in different orders, so they agree only as far as both
// converged: the tolerances below are what tol 1e-10 achieves.
func TestReference(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	for _, rf := range ref.Fits {
		t.Run(rf.Set+"/"+rf.Loss, func(t *testing.T) {
			ds, X := readSet(t, rf.Set)
			p := Params{Loss: rf.Loss, C: rf.C, Epsilon: rf.Epsilon, Tol: 1e-10, MaxIter: 1000000}
			var (
				coefs     []Coef
				icpt      float64
				info      FitInfo
				dec       = make([]float64, X.Rows)
				platt     *Platt
				decisions func(*data.Matrix, []float64) error
			)
			if strings.HasPrefix(rf.Set, "cls") {
				m, err := FitClassifier(ds, p)
				if err != nil {
					t.Fatal(err)
				}
				coefs, icpt, info, decisions = m.Coefficients(), m.fit.intercept, m.Info(), m.Decision
				pl := m.Platt()
				platt = &pl
			} else {
				m, err := FitRegressor(ds, p)
				if err != nil {
					t.Fatal(err)
				}
				coefs, icpt, info, decisions = m.Coefficients(), m.fit.intercept, m.Info(), m.Predict
			}
			if !info.Converged {
				t.Fatalf("not converged after %d sweeps", info.Iterations)
			}
			if len(coefs) != len(rf.Terms) {
				t.Fatalf("%d terms, scikit-learn has %d: %v", len(coefs), len(rf.Terms), rf.Terms)
			}
			worst := 0.0
			for j, c := range coefs {
				if c.Name != rf.Terms[j] {
					t.Errorf("term %d is %q, reference %q", j, c.Name, rf.Terms[j])
				}
				worst = math.Max(worst, relErr(c.Std, rf.Coef[j]))
			}
			worst = math.Max(worst, relErr(icpt, rf.Intercept))
			if err := decisions(X, dec); err != nil {
				t.Fatal(err)
			}
			worstDec := 0.0
			for i, d := range dec {
				worstDec = math.Max(worstDec, relErr(d, rf.TestDecision[i]))
			}
			objErr := math.Abs(info.Objective-rf.Objective) / rf.Objective
			t.Logf("%d sweeps; max rel error: weights %.2g, test decisions %.2g; objective %.2g", info.Iterations, worst, worstDec, objErr)
			if worst > 1e-7 || worstDec > 1e-7 {
				t.Errorf("weights differ by %.3g, decisions by %.3g relative: want ≤ 1e-7", worst, worstDec)
			}
			if objErr > 1e-9 {
				t.Errorf("objective %v, scikit-learn's weights give %v", info.Objective, rf.Objective)
			}
			if platt != nil {
				ea, eb := relErr(platt.A, rf.Platt[0]), relErr(platt.B, rf.Platt[1])
				t.Logf("platt A %v (ref %v), B %v (ref %v)", platt.A, rf.Platt[0], platt.B, rf.Platt[1])
				if ea > 1e-5 || eb > 1e-5 {
					t.Errorf("platt (%v, %v), scikit-learn (%v, %v)", platt.A, platt.B, rf.Platt[0], rf.Platt[1])
				}
			}
		})
	}
}
