package cli

import (
	"strings"

	"github.com/spf13/pflag"

	"promocast/ensemble"
	"promocast/learn"
	"promocast/train"
)

// modelFlags are the flags that choose and tune a learner.
type modelFlags struct {
	model   string
	alpha   float64
	l1Ratio float64
	// candidates are the models auto compares; empty means autoCandidates.
	candidates []string
	// metric is what the default model chooses its candidates by.
	metric string
}

// register adds the flags; an empty def means the model train chooses for
// the data.
func (m *modelFlags) register(fs *pflag.FlagSet, def string) {
	usage := "model: " + strings.Join(append(learn.Names(learn.Panel), ensemble.LogGBDT), ", ") +
		"; presets " + strings.Join(learn.Presets(learn.Panel), ", ") + "; train also takes auto"
	if def == "" {
		usage += " (default: the model chosen for the data)"
	}
	fs.StringVar(&m.model, "model", def, usage)
	fs.Float64Var(&m.alpha, "alpha", 0, "penalty strength of ridge, lasso and elasticnet (0: the default, 0.001)")
	fs.Float64Var(&m.l1Ratio, "l1-ratio", 0, "L1 share of the elasticnet penalty (0: the default, 0.5)")
	fs.StringVar(&m.metric, "metric", ensemble.MetricBalanced, "what the default model chooses its candidates by: balanced (WAPE and MAPE, each relative to the best candidate's; its forecasts then scaled to the point where the two sum least), wape (the median point, unscaled), mape (forecasts scaled to the point MAPE rewards, below the median), or rmse (squared error, forecasts scaled to the mean: for totals that should not run low); no scale is chosen from fewer than 1,000 calibration rows")
	fs.StringSliceVar(&m.candidates, "candidates", nil, "models auto compares and combines (default "+strings.Join(train.DefaultCandidates, ",")+")")
}

// checkMetric refuses an unknown --metric.
func (m *modelFlags) checkMetric() error {
	if err := ensemble.CheckMetric(m.metric); err != nil {
		return usagef("--%v", err)
	}
	return nil
}

// autoList returns the models auto compares: --candidates, checked, or
// train.DefaultCandidates.
func (m *modelFlags) autoList() ([]string, error) {
	if len(m.candidates) == 0 {
		return train.DefaultCandidates, nil
	}
	seen := map[string]bool{}
	for _, c := range m.candidates {
		if _, err := ensemble.New(c, learn.Options{}); err != nil {
			return nil, usagef("--candidates: %q is not a model auto can train; expected some of %s", c, strings.Join(train.DefaultCandidates, ", "))
		}
		if seen[c] {
			return nil, usagef("--candidates: %s is listed twice", c)
		}
		seen[c] = true
	}
	if len(m.candidates) < 2 {
		return nil, usagef("--candidates: auto needs at least two models to compare and combine, got %s", m.candidates[0])
	}
	return m.candidates, nil
}

// checkModel refuses a learner name package learn does not know.
func checkModel(name string) error {
	if name == ensemble.DefaultName {
		return nil
	}
	if _, err := ensemble.New(name, learn.Options{}); err != nil {
		return usageError{err}
	}
	return nil
}

func (m *modelFlags) options() learn.Options {
	var o learn.Options
	o.Linear.Alpha = m.alpha
	o.Linear.L1Ratio = m.l1Ratio
	return o
}
