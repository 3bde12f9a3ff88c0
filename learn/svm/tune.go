package svm

import "promocast/tune"

// PanelSpace is the support-vector regression settings tune searches on a
// forecasting panel.
func PanelSpace() tune.Space {
	return tune.Space{
		"c":       tune.LogUniform(0.01, 100),
		"epsilon": tune.Uniform(0, 0.3),
		"loss":    tune.Choice(LossEpsilonInsensitive, LossSquaredEpsilonInsensitive),
	}
}

// TableSpace is the settings tune searches for an SVM of a table.
func TableSpace() tune.Space { return tune.Space{"c": tune.LogUniform(0.01, 100)} }

// ApplyTune sets the settings a search drew, keeping the others.
func (p *Params) ApplyTune(t tune.Params) {
	p.C = t.Float("c", p.C)
	p.Epsilon = t.Float("epsilon", p.Epsilon)
	p.Loss = t.Text("loss", p.Loss)
}
