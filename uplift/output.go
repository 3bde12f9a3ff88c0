package uplift

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"promocast/data"
	"promocast/report"
)

// Evaluation is a model's evaluation on labelled held-out customers.
type Evaluation struct {
	// Learner and Base say which model was evaluated.
	Learner string `json:"learner"`
	Base    string `json:"base"`
	// Rows is the number of customers evaluated.
	Rows int `json:"rows"`
	// Metrics evaluates each treatment's ranking.
	Metrics []ArmMetrics `json:"metrics"`
	// Balance is the randomisation check of the evaluated customers.
	Balance *Balance `json:"balance"`
	// Drivers explains each treatment's uplift on those customers.
	Drivers []Drivers `json:"drivers"`
	// Selection is the model's cross-validation table, if it has one.
	Selection []Candidate `json:"selection,omitempty"`
}

// Evaluate scores m on the labelled customers of d (customers it was not
// fitted on): Qini and uplift curves per treatment, the randomisation
// check and the drivers (on at most 2000 customers drawn by seed).
func (m *Model) Evaluate(d *Data, seed uint64) (*Evaluation, error) {
	if !d.Labelled() {
		return nil, fmt.Errorf("uplift: evaluation needs the treatment column %q and the outcome column %q", m.Columns.Treatment, m.Columns.Outcome)
	}
	tau, err := m.Uplift(d.X)
	if err != nil {
		return nil, err
	}
	am, err := Score(d.Y, d.T, m.Arms, tau)
	if err != nil {
		return nil, err
	}
	dr, err := m.Drivers(d.X, 0, seed)
	if err != nil {
		return nil, err
	}
	return &Evaluation{Learner: m.Learner, Base: m.Base.label(), Rows: d.Rows(), Metrics: am, Balance: CheckBalance(d), Drivers: dr, Selection: m.Selection}, nil
}

// WriteCurves writes the sampled curves as CSV: one row per treatment and
// share of customers targeted (0, 0.01, …, 1), with the Qini curve, the
// uplift curve, the random line and the perfect ranking's Qini curve.
func WriteCurves(w io.Writer, metrics []ArmMetrics) error {
	if _, err := io.WriteString(w, "treatment,share,qini,uplift,random,perfect\n"); err != nil {
		return err
	}
	for _, a := range metrics {
		c := a.Curve
		for j := range c.Share {
			line := csvField(a.Arm) + "," + num(c.Share[j]) + "," + num(c.Qini[j]) + "," + num(c.Uplift[j]) + "," + num(c.Random[j]) + "," + num(c.Perfect[j]) + "\n"
			if _, err := io.WriteString(w, line); err != nil {
				return err
			}
		}
	}
	return nil
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

func csvField(s string) string {
	for _, r := range s {
		if r == ',' || r == '"' || r == '\n' || r == '\r' {
			return strconv.Quote(s)
		}
	}
	return s
}

// f4 formats a figure for tables; NaN is "-".
func f4(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

// Table is a header and rows of formatted cells, for the terminal and
// reports.
type Table struct {
	Header []string
	Rows   [][]string
}

func (t Table) cells() ([]string, [][]string) { return t.Header, t.Rows }

// MetricsTable returns the per-treatment metrics as a table.
func MetricsTable(metrics []ArmMetrics) Table {
	h := []string{"treatment", "treated", "control", "difference in means", "Qini (normalised)", "AUUC (normalised)"}
	for _, k := range Ks() {
		h = append(h, fmt.Sprintf("uplift@%g%%", k*100))
	}
	var rows [][]string
	for _, a := range metrics {
		r := []string{a.Arm, strconv.Itoa(a.Treated), strconv.Itoa(a.Control), f4(a.ATE), f4(a.Qini), f4(a.AUUC)}
		for _, p := range a.UpliftAt {
			r = append(r, f4(p.Uplift))
		}
		rows = append(rows, r)
	}
	return Table{Header: h, Rows: rows}
}

// SelectionTable returns the cross-validation table as a table.
func SelectionTable(cands []Candidate, treatments []string) Table {
	h := []string{"learner", "base", "mean Qini", "sd over folds"}
	for _, t := range treatments {
		h = append(h, "Qini "+t)
	}
	var rows [][]string
	for _, c := range cands {
		r := []string{c.Learner, c.Base, f4(c.Mean), f4(c.SD)}
		for _, q := range c.Qini {
			r = append(r, f4(q))
		}
		rows = append(rows, r)
	}
	return Table{Header: h, Rows: rows}
}

// BalanceTable returns the largest balance rows (at most n) as a header
// and rows.
func BalanceTable(b *Balance, n int) Table {
	h := []string{"feature", "treatment", "control mean", "treated mean", "standardised difference"}
	var rows [][]string
	for i, r := range b.Rows {
		if i == n {
			break
		}
		rows = append(rows, []string{r.Feature, r.Arm, f4(r.Control), f4(r.Treated), fmt.Sprintf("%.3f", r.SMD)})
	}
	return Table{Header: h, Rows: rows}
}

// DriversTable returns one treatment's drivers as a table.
func DriversTable(d Drivers) Table {
	h := []string{"feature", "mean |SHAP|", "direction"}
	var rows [][]string
	for _, f := range d.Features {
		dir := "-"
		switch {
		case f.Direction > 0.1:
			dir = fmt.Sprintf("higher → more uplift (r %.2f)", f.Direction)
		case f.Direction < -0.1:
			dir = fmt.Sprintf("higher → less uplift (r %.2f)", f.Direction)
		case !math.IsNaN(f.Direction):
			dir = fmt.Sprintf("mixed (r %.2f)", f.Direction)
		}
		rows = append(rows, []string{f.Feature, f4(f.MeanAbs), dir})
	}
	return Table{Header: h, Rows: rows}
}

// PolicyTable returns policy values as a table.
func PolicyTable(values []PolicyValue, arms []string) Table {
	h := []string{"policy"}
	for _, a := range arms[1:] {
		h = append(h, a)
	}
	h = append(h, "cost", "model: incremental outcome", "IPW: incremental outcome", "95% interval", "IPW: net value", "95% interval")
	var rows [][]string
	for _, v := range values {
		r := []string{v.Name}
		for _, c := range v.Count[1:] {
			r = append(r, strconv.Itoa(c))
		}
		r = append(r, f2(v.Cost), f2(v.Predicted), f2(v.Incremental), interval(v.IncrementalLo, v.IncrementalHi), f2(v.Net), interval(v.NetLo, v.NetHi))
		rows = append(rows, r)
	}
	return Table{Header: h, Rows: rows}
}

func f2(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func interval(lo, hi float64) string {
	if math.IsNaN(lo) {
		return "-"
	}
	return "[" + f2(lo) + ", " + f2(hi) + "]"
}

// Report renders an evaluation (nil to leave it out) and policy values
// (nil to leave them out) as a self-contained HTML page with the Qini and
// uplift curves drawn inline.
func Report(title string, e *Evaluation, values []PolicyValue, arms []string) *report.Report {
	r := report.New(title)
	if e != nil {
		r.Text(fmt.Sprintf("%s-learner on %s, evaluated on %d customers (the figures are honest only if the model was not fitted on them).", e.Learner, e.Base, e.Rows))
		r.Heading("Uplift by treatment")
		r.Table(MetricsTable(e.Metrics).cells())
		for _, a := range e.Metrics {
			labels := make([]string, len(a.Curve.Share))
			for j, s := range a.Curve.Share {
				labels[j] = fmt.Sprintf("%g%%", s*100)
			}
			r.Chart(report.Chart{Title: "Qini curve: " + a.Arm + " (incremental outcome against share of customers targeted)", X: labels,
				Lines: []report.Line{{Name: "model", Y: a.Curve.Qini}, {Name: "random", Y: a.Curve.Random, Dash: true}}})
			r.Chart(report.Chart{Title: "Uplift curve: " + a.Arm, X: labels, Lines: []report.Line{{Name: "model", Y: a.Curve.Uplift}}})
		}
		r.Heading("Randomisation check")
		if e.Balance.Randomised {
			r.Text(fmt.Sprintf("Every feature is balanced across the arms (largest standardised difference %.3f, at most %.1f): consistent with a randomised test.", e.Balance.MaxAbsSMD, BalanceThreshold))
		}
		for _, w := range e.Balance.Warnings {
			r.Text("Warning: " + w + ".")
		}
		r.Table(BalanceTable(e.Balance, 10).cells())
		r.Heading("What drives the uplift")
		for _, d := range e.Drivers {
			r.Text(fmt.Sprintf("%s: mean absolute SHAP value of a surrogate that follows the model's uplift with R² %.3f.", d.Arm, d.Fidelity))
			r.Table(DriversTable(d).cells())
		}
		if len(e.Selection) > 0 {
			r.Heading("Learner choice (cross-validated Qini on the training data)")
			r.Table(SelectionTable(e.Selection, arms[1:]).cells())
		}
	}
	if values != nil {
		r.Heading("Targeting")
		r.Text("Customers per treatment, total cost, the model's expected incremental outcome and, on labelled held-out customers, the inverse propensity weighted estimate with its 95% interval.")
		r.Table(PolicyTable(values, arms).cells())
	}
	return r
}

// Predictions returns a frame with one column of predicted uplift per
// treatment, "uplift:<treatment>", and, when costs are given, the chosen
// arm of the policy in column "treatment" (nil policy to leave it out).
func Predictions(arms []string, tau [][]float64, policy *Policy) (*data.Frame, error) {
	var cols []*data.Column
	for k, t := range tau {
		cols = append(cols, &data.Column{Name: "uplift:" + arms[k+1], Kind: data.Number, Num: t})
	}
	if policy != nil {
		c := &data.Column{Name: "treatment", Kind: data.String, Str: make([]string, len(policy.Arm))}
		for i, a := range policy.Arm {
			c.Str[i] = arms[a]
		}
		cols = append(cols, c)
	}
	return data.NewFrame("predictions", cols)
}
