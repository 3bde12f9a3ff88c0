package cli

import (
	"strings"

	"github.com/spf13/pflag"

	"promocast/learner"
)

// modelFlags are the flags that choose and tune a learner.
type modelFlags struct {
	model   string
	alpha   float64
	l1Ratio float64
}

func (m *modelFlags) register(fs *pflag.FlagSet, def string) {
	fs.StringVar(&m.model, "model", def, "model: "+strings.Join(learner.Names(), ", ")+"; train also takes auto")
	fs.Float64Var(&m.alpha, "alpha", 0, "penalty strength of ridge, lasso and elasticnet (0: the default, 0.001)")
	fs.Float64Var(&m.l1Ratio, "l1-ratio", 0, "L1 share of the elasticnet penalty (0: the default, 0.5)")
}

func (m *modelFlags) options() learner.Options {
	var o learner.Options
	o.Linear.Alpha = m.alpha
	o.Linear.L1Ratio = m.l1Ratio
	return o
}
