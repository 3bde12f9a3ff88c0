package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCampaign writes a small randomised campaign log: the "mail" arm
// lifts the visit rate of customers with a high score, "sms" does nothing.
func writeCampaign(t *testing.T, path string, n int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("id,score,channel,arm,visit\n")
	arms := []string{"none", "mail", "sms"}
	for i := 0; i < n; i++ {
		score := rng.Float64()
		arm := rng.IntN(3)
		p := 0.2
		if arm == 1 {
			p += 0.4 * score
		}
		visit := 0
		if rng.Float64() < p {
			visit = 1
		}
		fmt.Fprintf(&b, "%d,%.4f,%s,%s,%d\n", i, score, []string{"web", "phone"}[rng.IntN(2)], arms[arm], visit)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUpliftCommands(t *testing.T) {
	dir := t.TempDir()
	train, test := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	writeCampaign(t, train, 3000, 1)
	writeCampaign(t, test, 2000, 2)
	model := filepath.Join(dir, "m.json")
	code, out, errs := run(t, "uplift", "fit", "--data", train, "--treatment", "arm", "--outcome", "visit", "--drop", "id",
		"--learner", "t", "--out", model, "--log-level", "warn")
	if code != exitOK || !strings.Contains(out, "t-learner") || !strings.Contains(out, `control "none"`) {
		t.Fatalf("fit exited %d: %s %s", code, out, errs)
	}
	report, curves := filepath.Join(dir, "r.html"), filepath.Join(dir, "c.csv")
	code, out, errs = run(t, "uplift", "evaluate", "--model", model, "--data", test, "--report", report, "--curves", curves)
	if code != exitOK || !strings.Contains(out, "Qini (normalised)") || !strings.Contains(out, "drivers of mail") {
		t.Fatalf("evaluate exited %d: %s %s", code, out, errs)
	}
	if html, err := os.ReadFile(report); err != nil || !strings.Contains(string(html), "<svg") || !strings.Contains(string(html), "Qini curve: mail") {
		t.Errorf("report: %v", err)
	}
	if c, err := os.ReadFile(curves); err != nil || strings.Count(string(c), "\n") != 1+2*101 {
		t.Errorf("curves: %d lines, %v", strings.Count(string(c), "\n"), err)
	}
	targets := filepath.Join(dir, "t.csv")
	code, out, errs = run(t, "uplift", "target", "--model", model, "--data", test, "--cost", "mail=0.05,sms=0.05", "--budget", "20", "--out", targets)
	if code != exitOK || !strings.Contains(out, "treat everyone: mail") || !strings.Contains(out, "policy with sms only") {
		t.Fatalf("target exited %d: %s %s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(mustRead(t, targets)), "\n")
	if lines[0] != "uplift:mail,uplift:sms,treatment" || len(lines) != 2001 {
		t.Fatalf("targets file: header %q, %d lines", lines[0], len(lines))
	}
	treated := 0
	for _, l := range lines[1:] {
		if !strings.HasSuffix(l, ",none") {
			treated++
		}
	}
	if treated != 400 { // 20 / 0.05: the budget buys exactly 400 treatments
		t.Errorf("%d customers treated under a budget of 400 treatments", treated)
	}
	pred := filepath.Join(dir, "p.csv")
	if code, _, errs := run(t, "uplift", "predict", "--model", model, "--data", test, "--out", pred); code != exitOK {
		t.Fatalf("predict exited %d: %s", code, errs)
	}

	bad := []struct {
		args []string
		want string
	}{
		{[]string{"uplift", "target", "--model", model, "--data", test, "--cost", "letter=0.3"}, `"letter"`},
		{[]string{"uplift", "target", "--model", model, "--data", test, "--budget", "5", "--count", "3"}, "not both"},
		{[]string{"uplift", "fit", "--data", train, "--treatment", "channel", "--outcome", "visit", "--out", model}, `"channel"`},
		{[]string{"uplift", "fit", "--data", train, "--treatment", "arm", "--outcome", "channel", "--out", model}, `outcome column "channel" holds "web"`},
		{[]string{"uplift", "fit", "--data", train, "--treatment", "arm", "--outcome", "visit", "--base", "svm", "--out", model}, "--base"},
	}
	for _, c := range bad {
		code, _, errs := run(t, c.args...)
		if code == exitOK || !strings.Contains(errs, c.want) {
			t.Errorf("%v exited %d: %s (want %s)", c.args, code, errs, c.want)
		}
	}
	one := filepath.Join(dir, "one.csv")
	if err := os.WriteFile(one, []byte("x,arm,visit\n1,mail,1\n2,mail,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "uplift", "fit", "--data", one, "--treatment", "arm", "--outcome", "visit", "--out", model); code != exitFailure ||
		!strings.Contains(errs, `treatment column "arm" holds only the value "mail"`) {
		t.Errorf("one-valued treatment exited %d: %s", code, errs)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
