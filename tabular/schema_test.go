package tabular

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"promocast/data"
)

func TestPrepareEncodesColumns(t *testing.T) {
	f := mustFrame(t,
		num("price", 1.5, math.NaN(), 3),
		str("color", "red", "", "blue"),
		str("promo", "TRUE", "false", ""),
		str("id", "a", "b", "c"),
		num("units", 10, 20, 30),
	)
	s, ds, err := Prepare(f, Config{Target: "units", Drop: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Feature{
		{Name: "price", Type: TypeNumber},
		{Name: "color", Type: TypeCategory, Levels: []string{"blue", "red"}},
		{Name: "promo", Type: TypeBool},
	}
	if len(s.Features) != len(want) {
		t.Fatalf("features %+v, want %+v", s.Features, want)
	}
	for j := range want {
		if s.Features[j].Name != want[j].Name || s.Features[j].Type != want[j].Type ||
			strings.Join(s.Features[j].Levels, ",") != strings.Join(want[j].Levels, ",") {
			t.Errorf("feature %d = %+v, want %+v", j, s.Features[j], want[j])
		}
	}
	if s.Target != (Target{Name: "units", Task: Regression}) {
		t.Errorf("target %+v", s.Target)
	}
	nan := math.NaN()
	wantX := []float64{1.5, 1, 1, nan, nan, 0, 3, 0, nan}
	for i, v := range ds.X.Values {
		if !(v == wantX[i] || math.IsNaN(v) && math.IsNaN(wantX[i])) {
			t.Errorf("X[%d] = %v, want %v", i, v, wantX[i])
		}
	}
	if !ds.Features[1].Categorical || ds.Features[1].Levels != 2 || ds.Features[2].Categorical {
		t.Errorf("model features %+v", ds.Features)
	}
	if got := ds.Y; got[0] != 10 || got[2] != 30 {
		t.Errorf("Y = %v", got)
	}
}

func TestPositiveClass(t *testing.T) {
	cases := []struct {
		col      *data.Column
		pos, neg string
	}{
		{str("y", "FALSE", "TRUE", "FALSE"), "TRUE", "FALSE"},
		{str("y", "true", "false"), "true", "false"},
		{str("y", "yes", "no"), "yes", "no"},
		{str("y", "1", "2"), "1", "2"}, // text: "1" means yes
		{str("y", "cat", "dog", ""), "dog", "cat"},
		{num("y", 2, 0, 2), "2", "0"}, // numbers: the larger
		{num("y", 1, 0, math.NaN()), "1", "0"},
	}
	for _, c := range cases {
		f := mustFrame(t, num("x", make([]float64, c.col.Len())...), c.col)
		s, err := newSchema(f, "y", Classification, nil)
		if err != nil {
			t.Errorf("%v: %v", c.col, err)
			continue
		}
		if s.Target.Positive != c.pos || s.Target.Negative != c.neg {
			t.Errorf("%v: positive %q negative %q, want %q %q", c.col, s.Target.Positive, s.Target.Negative, c.pos, c.neg)
		}
	}
}

func TestPrepareErrors(t *testing.T) {
	x := num("x", 1, 2, 3)
	cases := []struct {
		name string
		f    *data.Frame
		c    Config
		want string
	}{
		{"no target column", mustFrame(t, x, num("y", 1, 2, 3)), Config{Target: "z"}, `test.csv: no column "z" (the target)`},
		{"three classes", mustFrame(t, x, str("y", "a", "b", "c")), Config{Target: "y"}, `more than two values ("a", "b", "c"`},
		{"one class", mustFrame(t, x, str("y", "a", "a", "")), Config{Target: "y"}, "1 distinct value"},
		{"text regression", mustFrame(t, x, str("y", "a", "b", "a")), Config{Target: "y", Learner: LearnerLinear}, `row 1, target column "y": "a" is not a number`},
		{"missing target", mustFrame(t, x, num("y", 1, math.NaN(), 3)), Config{Target: "y"}, `row 2: target column "y" is empty`},
		{"missing label", mustFrame(t, x, str("y", "a", "", "b")), Config{Target: "y"}, `row 2: target column "y" is empty: expected "b" or "a"`},
		{"drop unknown", mustFrame(t, x, num("y", 1, 2, 3)), Config{Target: "y", Drop: []string{"q"}}, `no column "q" (the column to drop)`},
		{"drop target", mustFrame(t, x, num("y", 1, 2, 3)), Config{Target: "y", Drop: []string{"y"}}, "is the target"},
		{"no features", mustFrame(t, num("y", 1, 2, 3)), Config{Target: "y"}, "no feature columns"},
		{"unknown learner", mustFrame(t, x, num("y", 1, 2, 3)), Config{Target: "y", Learner: "xgboost"}, `unknown learner "xgboost"`},
		{"task clash", mustFrame(t, x, num("y", 1, 0, 1)), Config{Target: "y", Learner: LearnerLogistic, Task: Regression}, "learner logistic does classification"},
		{"no target", mustFrame(t, x), Config{}, "no target column"},
		{"empty text column", mustFrame(t, x, str("e", "", "", ""), num("y", 1, 2, 3)), Config{Target: "y"}, `column "e" is empty on every row`},
		{"constant target", mustFrame(t, x, num("y", 4, 4, 4)), Config{Target: "y"}, `target column "y" is 4 on every row: there is nothing to learn`},
		{"empty number column", mustFrame(t, x, num("e", math.NaN(), math.NaN(), math.NaN()), num("y", 1, 2, 3)), Config{Target: "y"}, `column "e" is empty on every row`},
	}
	for _, c := range cases {
		_, _, err := Prepare(c.f, c.c)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestMatrixForNewTable(t *testing.T) {
	train := mustFrame(t, num("a", 1, 2), str("c", "x", "y"), str("b", "TRUE", "FALSE"), num("t", 0, 1))
	s, _, err := Prepare(train, Config{Target: "t"})
	if err != nil {
		t.Fatal(err)
	}
	// Other column order, no target, an extra column, an unseen level and
	// a bool cell that is not TRUE/FALSE.
	test := mustFrame(t, str("b", "false", "maybe"), str("extra", "q", "r"), str("c", "z", "y"), num("a", 5, 6))
	X, err := s.Matrix(test)
	if err != nil {
		t.Fatal(err)
	}
	got := X.Values
	if got[0] != 5 || !math.IsNaN(got[1]) || got[2] != 0 || got[3] != 6 || got[4] != 1 || !math.IsNaN(got[5]) {
		t.Errorf("matrix %v, want [5 NaN 0 6 1 NaN]", got)
	}
	_, err = s.Matrix(mustFrame(t, num("a", 1), str("c", "x")))
	if err == nil || !strings.Contains(err.Error(), `no column "b" (the bool feature)`) {
		t.Errorf("missing column: %v", err)
	}
	_, err = s.Matrix(mustFrame(t, str("a", "one"), str("c", "x"), str("b", "TRUE")))
	if err == nil || !strings.Contains(err.Error(), `row 1, column "a" (the numeric feature): "one" is not a number`) {
		t.Errorf("text in numeric feature: %v", err)
	}
}

// TestUnseenLevels names the text columns whose cells hold levels training
// never saw, with their count and the first, and leaves out empty cells
// and known levels.
func TestUnseenLevels(t *testing.T) {
	s, _, err := Prepare(mustFrame(t, str("c", "a", "b", "a"), num("x", 1, 2, 3), num("y", 1, 2, 3)), Config{Target: "y"})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Unseen(mustFrame(t, str("c", "a", "d", "", "e"), num("x", 1, 2, 3, 4)))
	want := []Unseen{{Column: "c", Cells: 2, Row: 2, Value: "d"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("unseen %+v, want %+v", got, want)
	}
	if got := s.Unseen(mustFrame(t, str("c", "b", "a", ""), num("x", 1, 2, 3))); got != nil {
		t.Errorf("known levels read as unseen: %+v", got)
	}
	b, _, err := Prepare(mustFrame(t, str("f", "TRUE", "false", "True"), num("y", 1, 2, 3)), Config{Target: "y"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.Unseen(mustFrame(t, str("f", "yes", "FALSE", ""))), []Unseen{{Column: "f", Cells: 1, Row: 1, Value: "yes"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("true/false column: unseen %+v, want %+v", got, want)
	}
}
