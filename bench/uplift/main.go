// Command uplift reproduces the Hillstrom uplift table: promocast's uplift
// learners on the same five stratified 50/50 splits as
// ../shared/bench/hillstrom_peer.py (split indices written by splits.py),
// with the learner and base chosen by cross-validation inside each
// training half, and a three-arm targeting policy with costs valued on
// the test halves. run.sh runs it beside the peer in one command.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat"

	"promocast/data"
	"promocast/export"
	"promocast/ingest"
	"promocast/report"
	"promocast/uplift"
)

const control = "No E-Mail"

func main() {
	dataPath := flag.String("data", "", "hillstrom.csv.gz")
	splitDir := flag.String("splits", "", "folder with the split files splits.py wrote: womens.csv, mens.csv, all.csv")
	out := flag.String("out", "", "folder for the HTML report with the Qini curves (optional)")
	costs := flag.String("costs", "0.05,0.1", "costs of one email to try, in visits (the value of a visit is 1), comma-separated")
	share := flag.Float64("budget-share", 0.3, "budget of the capped policy, as the share of customers it could email")
	seed := flag.Uint64("seed", 1, "seed of the cross-validation folds and the learners")
	first := flag.Int("first", 0, "score only the first N splits, for a quick look (0: all)")
	flag.Parse()
	var cs []float64
	for _, c := range strings.Split(*costs, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(c), 64)
		if err != nil || v < 0 {
			log.Fatalf("--costs: %q is not a cost", c)
		}
		cs = append(cs, v)
	}
	if err := run(*dataPath, *splitDir, *out, cs, *share, *seed, *first); err != nil {
		log.Fatal(err)
	}
}

type result struct {
	name       string
	qini, at30 []float64
}

func run(path, splitDir, outDir string, costs []float64, share float64, seed uint64, first int) error {
	f, err := ingest.Read(path, ingest.Options{})
	if err != nil {
		return err
	}
	rep := report.New("Hillstrom: uplift of an email campaign on visits")
	rep.Text("promocast's uplift learners on the five stratified 50/50 splits of the peer script (scikit-learn's StratifiedShuffleSplit, random_state 0, strata arm × visit). " +
		"Learner and base learner are chosen by 3-fold cross-validated Qini inside each training half; the test halves are used only to score.")
	charts := map[string]report.Chart{}
	for _, tr := range []struct{ arm, file, svg string }{{"Womens E-Mail", "womens.csv", "qini_womens.svg"}, {"Mens E-Mail", "mens.csv", "qini_mens.svg"}} {
		c, err := twoArm(f, tr.arm, filepath.Join(splitDir, tr.file), seed, first, rep)
		if err != nil {
			return err
		}
		charts[tr.svg] = c
	}
	if err := threeArm(f, filepath.Join(splitDir, "all.csv"), costs, share, seed, first, rep); err != nil {
		return err
	}
	if outDir == "" {
		return nil
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for name, c := range charts {
		if err := export.WriteBytes(filepath.Join(outDir, name), []byte(c.SVG())); err != nil {
			return err
		}
	}
	return export.WriteFile(filepath.Join(outDir, "hillstrom.html"), rep.Write)
}

// twoArm scores each learner on the treatment against No E-Mail (visit)
// and returns the chosen model's Qini curve on the first split.
func twoArm(f *data.Frame, arm, splitPath string, seed uint64, first int, rep *report.Report) (report.Chart, error) {
	d, err := load(f, []string{arm, control})
	if err != nil {
		return report.Chart{}, err
	}
	train, test, err := readSplits(splitPath, first)
	if err != nil {
		return report.Chart{}, err
	}
	fmt.Printf("promocast %s vs %s, outcome visit, %d splits (%d customers)\n", arm, control, len(train), d.Rows())
	var results []*result
	add := func(name string) *result {
		for _, r := range results {
			if r.name == name {
				return r
			}
		}
		r := &result{name: name}
		results = append(results, r)
		return r
	}
	var split0 *uplift.ArmMetrics
	for s := range train {
		tr, te := d.Subset(train[s]), d.Subset(test[s])
		for _, l := range append(uplift.Learners(), uplift.LearnerAuto) {
			start := time.Now()
			m, err := uplift.Fit(tr, uplift.Config{Learner: l, Seed: seed})
			if err != nil {
				return report.Chart{}, err
			}
			tau, err := m.Uplift(te.X)
			if err != nil {
				return report.Chart{}, err
			}
			am, err := uplift.Score(te.Y, te.T, te.Arms, tau)
			if err != nil {
				return report.Chart{}, err
			}
			name := l + "-learner, " + m.Base.Name
			if l == uplift.LearnerAuto {
				name = "auto (cross-validated choice)"
				fmt.Printf("  split %d: auto chose the %s-learner on %s: Qini %.4f, uplift@30%% %.4f (%s)\n", s, m.Learner, m.Base.Name, am[0].Qini, am[0].At(0.3), time.Since(start).Round(time.Second))
				if s == 0 {
					split0 = &am[0]
				}
			}
			r := add(name)
			r.qini = append(r.qini, am[0].Qini)
			r.at30 = append(r.at30, am[0].At(0.3))
		}
	}
	t := uplift.Table{Header: []string{"promocast learner", "uplift@30%", "Qini (normalised)"}}
	for _, r := range results {
		q, qs := stat.PopMeanStdDev(r.qini, nil)
		a, as := stat.PopMeanStdDev(r.at30, nil)
		fmt.Printf("  %-32s uplift@30%% %.4f ± %.4f   Qini AUC %.4f ± %.4f\n", r.name, a, as, q, qs)
		t.Rows = append(t.Rows, []string{r.name, fmt.Sprintf("%.4f ± %.4f", a, as), fmt.Sprintf("%.4f ± %.4f", q, qs)})
	}
	rep.Heading(arm + " vs " + control + " (visit)")
	rep.Table(t.Header, t.Rows)
	labels := make([]string, len(split0.Curve.Share))
	for j, s := range split0.Curve.Share {
		labels[j] = fmt.Sprintf("%g%%", s*100)
	}
	c := report.Chart{Title: arm + ": Qini curve, split 0 test half", X: labels,
		Lines: []report.Line{{Name: "promocast (auto)", Y: split0.Curve.Qini}, {Name: "random", Y: split0.Curve.Random, Dash: true}}}
	rep.Chart(c)
	return c, nil
}

// threeArm fits on all three arms and values targeting policies with
// costs on the test halves by inverse propensity weighting.
func threeArm(f *data.Frame, splitPath string, costs []float64, share float64, seed uint64, first int, rep *report.Report) error {
	d, err := load(f, nil)
	if err != nil {
		return err
	}
	train, test, err := readSplits(splitPath, first)
	if err != nil {
		return err
	}
	fmt.Printf("promocast three arms (Mens E-Mail, Womens E-Mail, %s), outcome visit worth 1, emails costing %v; %d splits\n", control, costs, len(train))
	type agg struct {
		net, cost []float64
		count     [][]float64
	}
	byName := map[string]*agg{}
	var names []string
	record := func(name string, v uplift.PolicyValue) {
		a, ok := byName[name]
		if !ok {
			a = &agg{count: make([][]float64, len(v.Count))}
			byName[name] = a
			names = append(names, name)
		}
		a.net = append(a.net, v.Net)
		a.cost = append(a.cost, v.Cost)
		for k, c := range v.Count {
			a.count[k] = append(a.count[k], float64(c))
		}
	}
	for s := range train {
		start := time.Now()
		m, err := uplift.Fit(d.Subset(train[s]), uplift.Config{Seed: seed})
		if err != nil {
			return err
		}
		te := d.Subset(test[s])
		tau, err := m.Uplift(te.X)
		if err != nil {
			return err
		}
		prop, err := m.Propensities(te.X)
		if err != nil {
			return err
		}
		for _, cost := range costs {
			c := map[string]float64{"Mens E-Mail": cost, "Womens E-Mail": cost}
			budget := share * float64(te.Rows()) * cost
			scenarios := []struct {
				label  string
				budget float64
			}{{fmt.Sprintf("email %g, no cap", cost), 0}, {fmt.Sprintf("email %g, budget for %g%%", cost, share*100), budget}}
			for _, sc := range scenarios {
				values, _, err := m.Compare(te, uplift.PolicyConfig{Value: 1, Costs: c, Budget: sc.budget})
				if err != nil {
					return err
				}
				for _, v := range values {
					if strings.HasPrefix(v.Name, "treat") && sc.budget > 0 {
						continue // the same as without a cap
					}
					record(sc.label+": "+v.Name, v)
				}
			}
			// Random targeting within the same budget, for each email.
			rng := rand.New(rand.NewPCG(seed, uint64(s)))
			for k := 1; k < len(m.Arms); k++ {
				arm := make([]int, te.Rows())
				for r, i := range rng.Perm(te.Rows()) {
					if float64(r) < share*float64(te.Rows()) {
						arm[i] = k
					}
				}
				v, err := uplift.ValuePolicy("random", arm, tau, te.Y, te.T, prop, 1, []float64{0, cost, cost}, m.Clip)
				if err != nil {
					return err
				}
				record(scenarios[1].label+": random customers, "+m.Arms[k], v)
			}
		}
		fmt.Printf("  split %d: auto chose the %s-learner on %s (%s)\n", s, m.Learner, m.Base.Name, time.Since(start).Round(time.Second))
	}
	t := uplift.Table{Header: []string{"policy", "Mens E-Mail", "Womens E-Mail", "cost", "IPW net value (visits − cost)", "per 1,000 customers"}}
	n := float64(len(test[0]))
	for _, name := range names {
		a := byName[name]
		net, sd := stat.PopMeanStdDev(a.net, nil)
		row := []string{name, fmt.Sprintf("%.0f", stat.Mean(a.count[1], nil)), fmt.Sprintf("%.0f", stat.Mean(a.count[2], nil)),
			fmt.Sprintf("%.1f", stat.Mean(a.cost, nil)), fmt.Sprintf("%.1f ± %.1f", net, sd), fmt.Sprintf("%.2f", net/n*1000)}
		fmt.Printf("  %-66s mens %6s womens %6s cost %7s net %-14s per 1,000 %s\n", row[0], row[1], row[2], row[3], row[4], row[5])
		t.Rows = append(t.Rows, row)
	}
	rep.Heading("Three arms with costs: targeting policies valued on the test halves")
	rep.Text(fmt.Sprintf("A visit is worth 1 and an email costs as shown. Net value is the inverse propensity weighted estimate of the incremental visits minus the cost, on each test half (about %.0f customers), mean ± sd over the five splits. The budget pays for emails to %g%% of the customers.", n, share*100))
	rep.Table(t.Header, t.Rows)
	return nil
}

// load encodes the rows of the given arms (all when nil), in file order.
func load(f *data.Frame, arms []string) (*uplift.Data, error) {
	seg, err := f.Need("segment", "treatment")
	if err != nil {
		return nil, err
	}
	var keep []int
	for i := 0; i < f.Rows(); i++ {
		s := seg.Text(i)
		for _, a := range arms {
			if s == a {
				keep = append(keep, i)
			}
		}
		if arms == nil {
			keep = append(keep, i)
		}
	}
	var cols []*data.Column
	for _, c := range f.Columns {
		n := &data.Column{Name: c.Name, Kind: c.Kind}
		for _, i := range keep {
			if c.Kind == data.String {
				n.Str = append(n.Str, c.Str[i])
			} else {
				n.Num = append(n.Num, c.Num[i])
			}
		}
		cols = append(cols, n)
	}
	sub, err := data.NewFrame(f.Source, cols)
	if err != nil {
		return nil, err
	}
	return uplift.FromFrame(sub, uplift.Columns{Treatment: "segment", Control: control, Outcome: "visit", Drop: []string{"conversion", "spend"}})
}

// readSplits reads the "split,row,role" lines splits.py writes, keeping
// the first `first` splits when first > 0.
func readSplits(path string, first int) (train, test [][]int, err error) {
	defer func() {
		if first > 0 && len(train) > first {
			train, test = train[:first], test[:first]
		}
	}()
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Scan()
	for line := 2; sc.Scan(); line++ {
		parts := strings.Split(sc.Text(), ",")
		if len(parts) != 3 {
			return nil, nil, fmt.Errorf("%s:%d: expected split,row,role", path, line)
		}
		s, err1 := strconv.Atoi(parts[0])
		r, err2 := strconv.Atoi(parts[1])
		if err1 != nil || err2 != nil || s < 0 || s > 100 {
			return nil, nil, fmt.Errorf("%s:%d: bad split or row number", path, line)
		}
		for len(train) <= s {
			train, test = append(train, nil), append(test, nil)
		}
		if parts[2] == "train" {
			train[s] = append(train[s], r)
		} else {
			test[s] = append(test[s], r)
		}
	}
	return train, test, sc.Err()
}
