package learn

import (
	"promocast/learn/gbdt"
	"promocast/learn/linear"
	"promocast/learn/nn"
	"promocast/learn/svm"
	"promocast/tune"
)

// TuneSpace is the settings tune searches for a forecasting learner, as
// its family declares them for panels; false for a learner without one.
func TuneSpace(name string) (tune.Space, bool) {
	switch name {
	case "gbdt":
		return gbdt.PanelSpace(), true
	case "rf":
		return gbdt.ForestPanelSpace(), true
	case "svr":
		return svm.PanelSpace(), true
	case "mlp":
		return nn.PanelSpace(), true
	case "ridge":
		return linear.PanelSpace(linear.PenaltyRidge), true
	case "lasso":
		return linear.PanelSpace(linear.PenaltyLasso), true
	case "elasticnet":
		return linear.PanelSpace(linear.PenaltyElasticNet), true
	}
	return nil, false
}

// Tuned returns o with a setting a search drew for learner name applied
// to that learner's family.
func (o Options) Tuned(name string, p tune.Params) Options {
	switch name {
	case "gbdt":
		o.GBDT.ApplyTune(p)
	case "rf":
		o.Forest.ApplyTune(p)
	case "svr":
		o.SVM.ApplyTune(p)
	case "mlp":
		o.MLP.ApplyTune(p)
	case "ridge", "lasso", "elasticnet":
		o.Linear.ApplyTune(p)
	}
	return o
}
