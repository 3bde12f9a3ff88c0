package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"promocast/export"
	"promocast/ingest"
	"promocast/uplift"
)

func upliftCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "uplift",
		Short: "Who should get the offer: uplift models, their evaluation and targeting under costs",
		Long: `Uplift targeting from a campaign log: one row per customer with the arm they
were in (a control and one or more treatments), an outcome (0/1 such as a
visit, or an amount such as spend) and their features.

fit chooses among S-, T-, X- and DR-learners by cross-validated Qini; evaluate
scores a model on held-out customers (Qini and uplift curves, uplift@k, the
randomisation check, the features that drive the uplift); target picks for
each customer the treatment, or none, worth more than it costs, under a budget
or a count, and values the policy beside treating everyone and no one.`,
		Example: `  promocast uplift fit --data train.csv --treatment segment --control "No E-Mail" \
      --outcome visit --drop conversion,spend --out uplift.json
  promocast uplift evaluate --model uplift.json --data test.csv --report uplift.html --curves curves.csv
  promocast uplift target --model uplift.json --data test.csv \
      --cost "Mens E-Mail=0.05,Womens E-Mail=0.05" --value 1 --budget 500 --out targets.csv
  promocast uplift predict --model uplift.json --data customers.csv --out uplift.csv`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(upliftFitCmd(e), upliftPredictCmd(e), upliftEvaluateCmd(e), upliftTargetCmd(e))
	return cmd
}

func upliftFitCmd(e *env) *cobra.Command {
	var dataPath, out, learner string
	var cols uplift.Columns
	var bases []string
	var c uplift.Config
	cmd := &cobra.Command{
		Use:   "fit --data LOG --treatment COL --outcome COL --out MODEL",
		Short: "Fit an uplift model on a campaign log",
		Long: `Fit an uplift model. Every column but the treatment, the outcome and --drop is
a feature (numbers as they are, text as categories). With --learner auto (the
default) every learner is cross-validated on every base learner and the one with
the best mean normalised Qini is refitted on all rows. The randomisation check
runs first and warns when the arms differ in their customers.`,
		Example: `  promocast uplift fit --data hillstrom.csv.gz --treatment segment --control "No E-Mail" \
      --outcome visit --drop conversion,spend --out uplift.json
  promocast uplift fit --data log.csv --treatment arm --outcome spend --learner dr --base gbdt-d4 --out dr.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dataPath == "" || cols.Treatment == "" || cols.Outcome == "" || out == "" {
				return usagef("--data, --treatment, --outcome and --out are required")
			}
			all := map[string]uplift.Base{}
			for _, b := range uplift.DefaultBases() {
				all[b.Name] = b
			}
			for _, name := range bases {
				b, ok := all[name]
				if !ok {
					return usagef("--base %q: expected one of gbdt-d2, gbdt-d4, linear", name)
				}
				c.Bases = append(c.Bases, b)
			}
			c.Learner = learner
			f, err := ingest.Read(dataPath, ingest.Options{})
			if err != nil {
				return err
			}
			d, err := uplift.FromFrame(f, cols)
			if err != nil {
				return err
			}
			b := uplift.CheckBalance(d)
			for _, w := range b.Warnings {
				e.log.Warn(w)
			}
			c.Progress = func(msg string) { e.log.Info("cross-validating", "step", msg) }
			start := time.Now()
			m, err := uplift.Fit(d, c)
			if err != nil {
				return err
			}
			if err := uplift.Write(out, m); err != nil {
				return err
			}
			if len(m.Selection) > 0 {
				printTable(e.stdout, uplift.SelectionTable(m.Selection, m.Treatments()))
			}
			fmt.Fprintf(e.stdout, "fitted the %s-learner on %s: %d customers, arms %s (control %q), outcome %s; %s; wrote %s\n",
				m.Learner, m.Base.Name, m.Rows, strings.Join(m.Arms, ", "), m.Arms[0], cols.Outcome, time.Since(start).Round(time.Second), out)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&dataPath, "data", "", "campaign log: CSV, CSV.gz or Parquet")
	upliftColumnFlags(fs, &cols)
	fs.StringVar(&learner, "learner", uplift.LearnerAuto, "s, t, x, dr or auto (cross-validated Qini)")
	fs.StringSliceVar(&bases, "base", nil, "base learners to build from: gbdt-d2, gbdt-d4, linear (default: gbdt-d2 for one learner, all for auto)")
	fs.IntVar(&c.Folds, "folds", 3, "cross-validation folds for the choice")
	fs.IntVar(&c.CrossFit, "cross-fit", 2, "folds the DR-learner cross-fits its outcome and propensity models on")
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of the folds and the learners")
	fs.IntVar(&c.Threads, "threads", 0, "goroutines per boosted model (0: all cores); results do not depend on it")
	fs.StringVar(&out, "out", "", "model file to write (JSON)")
	return cmd
}

func upliftColumnFlags(fs *pflag.FlagSet, cols *uplift.Columns) {
	fs.StringVar(&cols.Treatment, "treatment", "", "column holding each customer's arm")
	fs.StringVar(&cols.Control, "control", "", "value of the treatment column that means no treatment (default: the one value named control, none, no, 0 or 'No …')")
	fs.StringVar(&cols.Outcome, "outcome", "", "numeric outcome column (0/1 or an amount)")
	fs.StringSliceVar(&cols.Drop, "drop", nil, "columns that are not features: ids, other outcomes (comma-separated)")
}

// upliftFileFlags registers --model, --data and --report.
func upliftFileFlags(fs *pflag.FlagSet, modelPath, dataPath, reportPath *string, dataHelp string) {
	fs.StringVar(modelPath, "model", "", "uplift model file")
	fs.StringVar(dataPath, "data", "", dataHelp)
	fs.StringVar(reportPath, "report", "", "HTML report to write")
}

// upliftInput reads a model and a table encoded for it.
func upliftInput(modelPath, dataPath string) (*uplift.Model, *uplift.Data, error) {
	if modelPath == "" || dataPath == "" {
		return nil, nil, usagef("--model and --data are required")
	}
	m, err := uplift.Read(modelPath)
	if err != nil {
		return nil, nil, err
	}
	f, err := ingest.Read(dataPath, ingest.Options{})
	if err != nil {
		return nil, nil, err
	}
	d, err := m.Encode(f)
	return m, d, err
}

// policyFlags are the costs, value and caps of a targeting policy.
type policyFlags struct {
	costs  string
	value  float64
	budget float64
	count  int
}

func (p *policyFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&p.costs, "cost", "", `cost of each treatment per customer, "name=cost,name=cost" (unnamed: 0)`)
	fs.Float64Var(&p.value, "value", 1, "value of one unit of the outcome (e.g. the margin of a visit)")
	fs.Float64Var(&p.budget, "budget", 0, "total cost the policy may spend (0: no cap)")
	fs.IntVar(&p.count, "count", 0, "most customers to treat (0: no cap)")
}

func (p *policyFlags) config(m *uplift.Model) (uplift.PolicyConfig, error) {
	costs, err := uplift.ParseCosts(p.costs, m.Treatments())
	if err != nil {
		return uplift.PolicyConfig{}, usagef("--cost: %v", err)
	}
	if p.budget > 0 && p.count > 0 {
		return uplift.PolicyConfig{}, usagef("give --budget or --count, not both")
	}
	return uplift.PolicyConfig{Value: p.value, Costs: costs, Budget: p.budget, Count: p.count}, nil
}

func upliftPredictCmd(e *env) *cobra.Command {
	var modelPath, dataPath, out string
	var pf policyFlags
	cmd := &cobra.Command{
		Use:   "predict --model MODEL --data TABLE --out FILE",
		Short: "Predict each customer's uplift for every treatment",
		Long: `Write, in the table's row order, one column of predicted uplift per treatment
("uplift:<treatment>"), and with --cost, --budget or --count the treatment the
policy chooses for each customer ("treatment"; the control's name for none).`,
		Example: `  promocast uplift predict --model uplift.json --data customers.csv --out uplift.csv
  promocast uplift predict --model uplift.json --data customers.csv --cost "Mens E-Mail=0.05" --count 1000 --out picks.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("--out is required")
			}
			m, d, err := upliftInput(modelPath, dataPath)
			if err != nil {
				return err
			}
			tau, err := m.Uplift(d.X)
			if err != nil {
				return err
			}
			var policy *uplift.Policy
			if cmd.Flags().Changed("cost") || pf.budget > 0 || pf.count > 0 {
				cfg, err := pf.config(m)
				if err != nil {
					return err
				}
				if policy, err = uplift.Choose(tau, m.Arms, cfg); err != nil {
					return err
				}
			}
			fr, err := uplift.Predictions(m.Arms, tau, policy)
			if err != nil {
				return err
			}
			if err := export.Write(out, fr); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "predicted the uplift of %d treatments for %d customers; wrote %s\n", len(tau), d.Rows(), out)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&modelPath, "model", "", "uplift model file")
	fs.StringVar(&dataPath, "data", "", "customers: CSV, CSV.gz or Parquet with the training features")
	fs.StringVar(&out, "out", "", "predictions file: .csv, .csv.gz, .json or .parquet")
	pf.register(fs)
	return cmd
}

func upliftEvaluateCmd(e *env) *cobra.Command {
	var modelPath, dataPath, reportPath, curvesPath string
	var seed uint64
	cmd := &cobra.Command{
		Use:   "evaluate --model MODEL --data HELDOUT",
		Short: "Score an uplift model on held-out customers",
		Long: `Score the model on customers it was not fitted on, who have the treatment and
outcome columns: per treatment the normalised Qini and AUUC, uplift@10/20/30/50%
and the difference in means; the randomisation check; the features that drive
the uplift. --curves writes the Qini and uplift curves as CSV, --report an HTML
page with them drawn.`,
		Example: `  promocast uplift evaluate --model uplift.json --data test.csv --report uplift.html --curves curves.csv`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, d, err := upliftInput(modelPath, dataPath)
			if err != nil {
				return err
			}
			ev, err := m.Evaluate(d, seed)
			if err != nil {
				return err
			}
			for _, w := range ev.Balance.Warnings {
				e.log.Warn(w)
			}
			printTable(e.stdout, uplift.MetricsTable(ev.Metrics))
			for _, dr := range ev.Drivers {
				fmt.Fprintf(e.stdout, "\ndrivers of %s (surrogate R² %.3f)\n", dr.Arm, dr.Fidelity)
				t := uplift.DriversTable(dr)
				if len(t.Rows) > 5 {
					t.Rows = t.Rows[:5]
				}
				printTable(e.stdout, t)
			}
			if curvesPath != "" {
				if err := export.WriteFile(curvesPath, func(w io.Writer) error { return uplift.WriteCurves(w, ev.Metrics) }); err != nil {
					return err
				}
			}
			if reportPath != "" {
				r := uplift.Report("Uplift evaluation", ev, nil, m.Arms)
				if err := export.WriteFile(reportPath, r.Write); err != nil {
					return err
				}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	upliftFileFlags(fs, &modelPath, &dataPath, &reportPath, "held-out customers with the treatment and outcome columns")
	fs.StringVar(&curvesPath, "curves", "", "CSV of the Qini and uplift curves to write")
	fs.Uint64Var(&seed, "seed", 1, "seed of the sample the drivers are computed on")
	return cmd
}

func upliftTargetCmd(e *env) *cobra.Command {
	var modelPath, dataPath, out, reportPath string
	var pf policyFlags
	cmd := &cobra.Command{
		Use:   "target --model MODEL --data CUSTOMERS --cost COSTS",
		Short: "Choose a treatment (or none) per customer under costs and a budget",
		Long: `Give each customer the treatment whose value (--value per outcome unit times the
predicted uplift) minus its --cost is largest, or none when none is positive,
spending at most --budget or treating at most --count customers. Prints the
policy beside its single-treatment versions, treating everyone and treating no
one: customers per treatment, cost, the model's expected incremental outcome and,
when the customers have the treatment and outcome columns (held-out campaign
data), the inverse propensity weighted estimate of each policy's incremental
outcome and net value with 95% intervals.`,
		Example: `  promocast uplift target --model uplift.json --data test.csv \
      --cost "Mens E-Mail=0.05,Womens E-Mail=0.05" --budget 500 --report targeting.html
  promocast uplift target --model uplift.json --data customers.csv --cost "Womens E-Mail=0.1" --value 2 --count 5000 --out targets.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, d, err := upliftInput(modelPath, dataPath)
			if err != nil {
				return err
			}
			cfg, err := pf.config(m)
			if err != nil {
				return err
			}
			values, policy, err := m.Compare(d, cfg)
			if err != nil {
				return err
			}
			printTable(e.stdout, uplift.PolicyTable(values, m.Arms))
			if !d.Labelled() {
				fmt.Fprintln(e.stdout, "(no treatment and outcome columns: IPW values need held-out campaign data)")
			}
			if out != "" {
				fr, err := uplift.Predictions(m.Arms, policy.Uplift, policy)
				if err != nil {
					return err
				}
				if err := export.Write(out, fr); err != nil {
					return err
				}
			}
			if reportPath != "" {
				if err := export.WriteFile(reportPath, uplift.Report("Uplift targeting", nil, values, m.Arms).Write); err != nil {
					return err
				}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	upliftFileFlags(fs, &modelPath, &dataPath, &reportPath, "customers to target (with treatment and outcome columns, also valued)")
	fs.StringVar(&out, "out", "", "assignments file: uplift per treatment and the chosen treatment per customer")
	pf.register(fs)
	return cmd
}

// printTable writes a table aligned in columns.
func printTable(w io.Writer, t uplift.Table) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.Header, "\t"))
	for _, r := range t.Rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}
