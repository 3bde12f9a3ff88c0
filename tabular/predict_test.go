package tabular

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadInputAndPredictTable checks the predict path of a stored table:
// a text feature whose values look like numbers is read as text (its
// codes keep their zeros and match the levels the model learned), the kept
// columns come first in the output, the predictions are Predict's, and a
// kept column that is missing or named like the predictions is refused by
// name.
func TestReadInputAndPredictTable(t *testing.T) {
	train := mustFrame(t,
		num("x", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
		str("store", "007", "070", "007", "070", "007", "070", "007", "070", "007", "070", "007", "070"),
		num("y", 1, 12, 3, 14, 5, 16, 7, 18, 9, 20, 11, 22))
	m, err := Fit(train, Config{Target: "y", Learner: LearnerLinear})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(path, []byte("id,x,store,unused\na1,2,070,5\na2,3,007,6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := m.ReadInput(path, []string{"id"})
	if err != nil {
		t.Fatal(err)
	}
	if got := in.Column("store").Str; got == nil || got[0] != "070" {
		t.Fatalf("store read as %+v, want the text 070", in.Column("store"))
	}
	if in.Column("unused") != nil {
		t.Error("a column the model does not use and keep does not name was read")
	}
	out, err := m.PredictTable(in, []string{"id"}, "out.csv")
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Predict(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(out.Names(), ","); got != "id,"+PredictionColumn || out.Column("id").Str[1] != "a2" {
		t.Fatalf("output columns %s, ids %v", got, out.Column("id").Str)
	}
	for i, p := range out.Column(PredictionColumn).Num {
		if p != want[i] {
			t.Errorf("row %d: table has %v, Predict %v", i, p, want[i])
		}
	}
	// Store 070 sells about 10 more at the same x.
	if d := out.Column(PredictionColumn).Num[0] - out.Column(PredictionColumn).Num[1]; d < 5 {
		t.Errorf("store 070 at x=2 predicted only %.2f above store 007 at x=3: the codes lost their zeros?", d)
	}
	for _, keep := range [][]string{{"nope"}, {PredictionColumn}} {
		if _, err := m.PredictTable(in, keep, "out.csv"); err == nil || !strings.Contains(err.Error(), keep[0]) {
			t.Errorf("keep %v: %v, want an error naming it", keep, err)
		}
	}
}
