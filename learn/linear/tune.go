package linear

import "promocast/tune"

// PanelSpace is the penalty settings tune searches for a penalty
// ("ridge", "lasso" or "elasticnet") on a forecasting panel.
func PanelSpace(penalty string) tune.Space {
	switch penalty {
	case PenaltyLasso:
		return tune.Space{"alpha": tune.LogUniform(1e-6, 0.1)}
	case PenaltyElasticNet:
		return tune.Space{"alpha": tune.LogUniform(1e-6, 0.1), "l1_ratio": tune.Uniform(0.05, 0.95)}
	}
	return tune.Space{"alpha": tune.LogUniform(1e-5, 1)}
}

// TableSpace is the settings tune searches for a linear or logistic
// model of a table: the penalty's kind and strength.
func TableSpace() tune.Space {
	return tune.Space{"alpha": tune.LogUniform(1e-5, 1), "penalty": tune.Choice("ridge", "lasso")}
}

// ApplyTune sets the settings a search drew, keeping the others.
func (p *Params) ApplyTune(t tune.Params) {
	p.Alpha = t.Float("alpha", p.Alpha)
	p.L1Ratio = t.Float("l1_ratio", p.L1Ratio)
	p.Penalty = t.Text("penalty", p.Penalty)
}

// ApplyTune sets the settings a search drew, keeping the others.
func (p *LogisticParams) ApplyTune(t tune.Params) {
	p.Alpha = t.Float("alpha", p.Alpha)
	p.Penalty = t.Text("penalty", p.Penalty)
}
