package cli

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"promocast/effect"
	"promocast/export"
	"promocast/forecast"
)

func effectsCmd(e *env) *cobra.Command {
	var modelPath, dataPath, specPath, outPath string
	cmd := &cobra.Command{
		Use:   "effects --model MODEL --data HISTORY",
		Short: "Compare the model's promotion effects with a log-log regression",
		Long: `effects asks the model, for every series at the first period it forecasts,
how units respond to each lever with the others off — the price elasticity
fitted on a 0–30% discount sweep, and the lift of switching each flag on — and
sets beside them the within-series log-log regression of the same history:
ln(units) = a_series + e·ln(price) + Σ g·flag. The share of series with a
negative elasticity is a basic sanity check of a demand model.

The probe asks some series about values they never had in training — a
discount deeper than their deepest (and their group's), a flag they never had
on; the "beyond history" column counts them, and their effects are the
model's extrapolation.`,
		Example: `  promocast effects --model model.json --data sales.csv.gz`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := loadModelInputs(modelPath, specPath, dataPath, "-")
			if err != nil {
				return err
			}
			mf, hist := in.file, in.hist
			sc, err := mf.Model.NewScorer(hist)
			if err != nil {
				return err
			}
			probed, err := effect.Probe(sc)
			if err != nil {
				return err
			}
			w := e.stdout
			// The regression is a reference beside the model: where the
			// history cannot give one, the model's effects still print.
			ref := map[string]effect.Coef{}
			coefs, n, lerr := effect.LogLog(sc.Panel())
			if lerr != nil {
				fmt.Fprintf(w, "model %s (%s); no log-log regression to compare with: %v\n\n", modelPath, mf.Model.Kind, lerr)
			} else {
				fmt.Fprintf(w, "model %s (%s) against a log-log regression on %d history rows:\n\n", modelPath, mf.Model.Kind, n)
			}
			for _, c := range coefs {
				ref[c.Name] = c
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "lever\tmodel\tseries\tbeyond history\tlog-log regression\t")
			var warned []string
			for _, p := range probed {
				if p.Elasticities != nil || p.NegativeShare != 0 {
					reg := "-"
					if c, ok := ref["ln("+p.Lever+")"]; ok && !math.IsNaN(c.Estimate) {
						reg = fmt.Sprintf("%.2f ± %.2f", c.Estimate, c.StdErr)
					}
					fmt.Fprintf(tw, "%s elasticity\tmedian %.2f, negative for %.0f%%\t%d\t%d\t%s\t\n", p.Lever, p.Median, 100*p.NegativeShare, len(p.Elasticities), p.Beyond, reg)
					continue
				}
				reg := "-"
				if c, ok := ref[p.Lever]; ok && !math.IsNaN(c.Estimate) {
					lift, lo, hi := c.Interval(p.On - p.Off)
					reg = fmt.Sprintf("%s (%s .. %s)", liftPercent(lift), liftPercent(lo), liftPercent(hi))
				}
				fmt.Fprintf(tw, "%s = %g lift\t%+.1f%% (median %+.1f%%)\t%d\t%d\t%s\t\n", p.Lever, p.On, 100*p.Lift, 100*p.MedianLift, p.Series, p.Beyond, reg)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, p := range probed {
				if p.Beyond > 0 {
					warned = append(warned, fmt.Sprintf("  %s: %d of %d series probed beyond their history, e.g. %s", p.Lever, p.Beyond, p.Series, p.Warning))
				}
			}
			if len(warned) > 0 {
				fmt.Fprintf(w, "\nbeyond the history (the model extrapolates there):\n%s\n", strings.Join(warned, "\n"))
			}
			return writeEffectModel(w, mf.Model.Effects, outPath)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&modelPath, "model", "", "model file")
	fs.StringVar(&dataPath, "data", "", "sales history the model was trained on")
	fs.StringVar(&specPath, "spec", "", "dataset spec, for attribute and event files (default: the model's)")
	fs.StringVar(&outPath, "out", "", "CSV of every series' elasticities and lifts with their 95% intervals (optional)")
	return cmd
}

// liftPercent prints a lift as a signed percentage, above +1000% as
// ">+1000%": a band that wide says only that the lift is not determined.
func liftPercent(l float64) string {
	if l > 10 {
		return ">+1000%"
	}
	return fmt.Sprintf("%+.1f%%", 100*l)
}

// writeEffectModel prints the model's promotion-effect model, lever by
// lever, and writes every series' effects to out when given.
func writeEffectModel(w io.Writer, e *forecast.Effects, out string) error {
	if e == nil {
		fmt.Fprintln(w, "\nthe model has no promotion-effect model (its training history gave none to estimate, see train's warning, or it was trained before effects were estimated): its uplift is the predictor's plan minus baseline rows")
		return nil
	}
	read := "effects on units"
	if e.Offset != 0 {
		read = "read in units at each series' recent level" // files whose effects multiply units + κ·scale
	}
	fmt.Fprintf(w, "\neffect model the uplift uses (%s: cross-fitted trees for the baseline and each lever; series pooled to their group and the panel; %s):\n", e.Method, read)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "lever\tpanel (95% interval)\tseries median\tseries P10 .. P90\tseries\twith the lever on\t")
	for _, s := range effect.Summarise(e) {
		name, f := s.Column.Name+" lift", liftPercent
		if s.Column.LogPrice {
			name, f = s.Column.Name+" elasticity", func(v float64) string { return fmt.Sprintf("%.2f", v) }
		}
		on := "-"
		if s.Column.Own {
			on = fmt.Sprint(s.Promoted)
		}
		fmt.Fprintf(tw, "%s\t%s (%s .. %s)\t%s\t%s .. %s\t%d\t%s\t\n", name, f(s.Panel), f(s.Low), f(s.High),
			f(s.Median), f(s.P10), f(s.P90), s.Series, on)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range e.Restated {
		fmt.Fprintf(w, "%s: not in the effect model: in training it moved with %s (their variation left by the controls correlates above 0.95), so %s's effect carries both; the history cannot tell what %s does apart from it\n",
			r.Name, r.By, r.By, r.Name)
	}
	if out == "" {
		return nil
	}
	if err := export.Write(out, effect.Frame(e)); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s\n", out)
	return nil
}
