package tabular_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"promocast/data"
	"promocast/export"
	"promocast/ingest"
	"promocast/internal/cli"
	"promocast/tabular"
)

// writeTable writes a small classification table: the label is "TRUE" when
// x + (promo ? 0.5 : 0) + effect(region) > 1.
func writeTable(t *testing.T, path string, n int) {
	t.Helper()
	x, id := make([]float64, n), make([]float64, n)
	region, promo, label := make([]string, n), make([]string, n), make([]string, n)
	effect := map[string]float64{"east": 0, "west": 0.4}
	for i := 0; i < n; i++ {
		x[i] = math.Mod(float64(i)*0.618034, 1.5)
		id[i] = float64(1000 + i)
		region[i] = []string{"east", "west"}[i%2]
		promo[i] = []string{"FALSE", "TRUE", "FALSE"}[i%3]
		v := x[i] + effect[region[i]]
		if promo[i] == "TRUE" {
			v += 0.5
		}
		label[i] = "FALSE"
		if v > 1 {
			label[i] = "TRUE"
		}
	}
	f, err := data.NewFrame(path, []*data.Column{
		{Name: "id", Kind: data.Number, Num: id},
		{Name: "x", Kind: data.Number, Num: x},
		{Name: "region", Kind: data.String, Str: region},
		{Name: "promo", Kind: data.String, Str: promo},
		{Name: "bought", Kind: data.String, Str: label},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := export.Write(path, f); err != nil {
		t.Fatal(err)
	}
}

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLIFitPredictCV(t *testing.T) {
	dir := t.TempDir()
	train, test := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	writeTable(t, train, 400)
	writeTable(t, test, 50)
	modelPath, predPath := filepath.Join(dir, "m.json"), filepath.Join(dir, "pred.csv")

	code, out, errs := run("tabular", "fit", "--data", train, "--target", "bought", "--drop", "id",
		"--model", "gbdt", "--rounds", "50", "--threads", "1", "--out", modelPath)
	if code != 0 || !strings.Contains(out, `probability of "TRUE" vs "FALSE"`) || !strings.Contains(out, "400 rows, 3 features") {
		t.Fatalf("fit: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "training") {
		t.Errorf("fit logged no progress: %q", errs)
	}
	code, out, errs = run("tabular", "predict", "--model", modelPath, "--data", test, "--keep", "id", "--out", predPath)
	if code != 0 {
		t.Fatalf("predict: exit %d\n%s%s", code, out, errs)
	}
	pred, err := ingest.Read(predPath, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pred.Names(), ","); got != "id,prediction" || pred.Rows() != 50 {
		t.Fatalf("prediction file has columns %s and %d rows", got, pred.Rows())
	}
	// The file holds what the loaded model predicts, in the input's order.
	m, err := tabular.Read(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := ingest.Read(test, ingest.Options{})
	want, err := m.Predict(in)
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	for i, p := range pred.Column("prediction").Num {
		if p != want[i] || pred.Column("id").Num[i] != float64(1000+i) {
			t.Fatalf("row %d: file has id %v prediction %v, model predicts %v", i, pred.Column("id").Num[i], p, want[i])
		}
		if (p >= 0.5) == (in.Column("bought").Str[i] == "TRUE") {
			correct++
		}
	}
	if correct < 45 {
		t.Errorf("only %d of 50 held-out rows classified right", correct)
	}

	code, out, errs = run("tabular", "cv", "--data", train, "--target", "bought", "--model", "logistic", "--folds", "4")
	if code != 0 || !strings.Contains(out, "4-fold cross-validation of logistic") || !strings.Contains(out, "auc") ||
		strings.Count(out, "\n") != 8 || !strings.Contains(errs, "fold 4/4") {
		t.Errorf("cv: exit %d\n%s%s", code, out, errs)
	}
}

func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train.csv")
	writeTable(t, train, 60)
	modelPath := filepath.Join(dir, "m.json")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"tabular", "fit", "--data", train, "--target", "bought"}, 2, "--out is required"},
		{[]string{"tabular", "fit", "--data", train, "--target", "bought", "--model", "xgboost", "--out", modelPath}, 2, `--model "xgboost"`},
		{[]string{"tabular", "fit", "--data", train, "--target", "bought", "--model", "rf", "--learning-rate", "0.3", "--out", modelPath}, 2, "--learning-rate does not apply to --model rf"},
		{[]string{"tabular", "fit", "--data", train, "--target", "bought", "--model", "logistic", "--task", "regression", "--out", modelPath}, 2, "learner logistic does classification"},
		{[]string{"tabular", "fit", "--data", train, "--target", "bought", "--bins", "300", "--out", modelPath}, 2, "--bins 300"},
		{[]string{"tabular", "cv", "--data", train, "--target", "bought", "--folds", "1"}, 2, "--folds 1"},
		{[]string{"tabular", "fit", "--data", train, "--target", "nope", "--out", modelPath}, 1, `no column "nope" (the target)`},
		{[]string{"tabular", "fit", "--data", filepath.Join(dir, "absent.csv"), "--target", "y", "--out", modelPath}, 1, "absent.csv"},
		{[]string{"tabular", "fit", "--data", train, "--target", "bought", "--model", "linear", "--out", modelPath}, 1, `target column "bought": "FALSE" is not a number`},
		{[]string{"tabular", "predict", "--model", train, "--data", train, "--out", filepath.Join(dir, "p.csv")}, 1, "not a promocast tabular model file"},
	}
	for _, c := range cases {
		code, out, errs := run(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q (stdout %q)", c.args[1:], code, errs, c.code, c.want, out)
		}
	}
	if _, err := os.Stat(modelPath); !os.IsNotExist(err) {
		t.Errorf("a failed fit left a model file: %v", err)
	}
	// A model file edited after writing is refused.
	if code, _, errs := run("tabular", "fit", "--data", train, "--target", "bought", "--model", "tree", "--out", modelPath); code != 0 {
		t.Fatal(errs)
	}
	b, _ := os.ReadFile(modelPath)
	os.WriteFile(modelPath, bytes.Replace(b, []byte(`"rows":60`), []byte(`"rows":61`), 1), 0o644)
	code, _, errs := run("tabular", "predict", "--model", modelPath, "--data", train, "--out", filepath.Join(dir, "p.csv"))
	if code != 1 || !strings.Contains(errs, "checksum mismatch") {
		t.Errorf("edited model: exit %d, %q", code, errs)
	}
}

// TestCLITune searches gbdt settings by cross-validated AUC and saves the
// trials; the best setting must separate the classes of an easy table.
func TestCLITune(t *testing.T) {
	dir := t.TempDir()
	table, trials := filepath.Join(dir, "t.csv"), filepath.Join(dir, "trials.csv")
	writeTable(t, table, 300)
	code, out, errs := run("tabular", "tune", "--data", table, "--target", "bought", "--drop", "id",
		"--model", "gbdt", "--trials", "6", "--folds", "3", "--out", trials)
	if code != 0 {
		t.Fatalf("tune exited %d: %s", code, errs)
	}
	var auc float64
	at := strings.Index(out, "best auc ")
	if at < 0 {
		t.Fatalf("no best auc in %q", out)
	}
	if _, err := fmt.Sscanf(out[at:], "best auc %g", &auc); err != nil || auc < 0.9 || auc > 1 {
		t.Errorf("best cross-validated AUC %v (%v) in %q", auc, err, out)
	}
	b, err := os.ReadFile(trials)
	if err != nil {
		t.Fatal(err)
	}
	// Halving with 6 settings: 6 at a third of the folds, then 2 on all.
	if rows := strings.Count(strings.TrimSpace(string(b)), "\n"); rows != 8 || !strings.Contains(string(b), "learning_rate") {
		t.Errorf("trials file has %d rows:\n%s", rows, b)
	}
	if code, _, _ := run("tabular", "tune", "--data", table, "--target", "bought", "--model", "gbdt", "--method", "grid"); code != 2 {
		t.Errorf("an unknown method exited %d, want 2", code)
	}
	if code, _, errs := run("tabular", "tune", "--data", table, "--target", "bought", "--model", "gbdt", "--metric", "auroc"); code != 2 || !strings.Contains(errs, "--metric") {
		t.Errorf("an unknown metric exited %d: %s", code, errs)
	}
	// A regression target defaults to RMSE, which tune minimises.
	code, out, errs = run("tabular", "tune", "--data", table, "--target", "x", "--drop", "id,bought", "--model", "linear", "--trials", "3", "--method", "random", "--folds", "3")
	if code != 0 || !strings.Contains(out, "best rmse ") {
		t.Errorf("regression tune exited %d: %s %s", code, out, errs)
	}
}
