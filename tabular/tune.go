package tabular

import (
	"promocast/learn/gbdt"
	"promocast/learn/linear"
	"promocast/learn/nn"
	"promocast/learn/svm"
	"promocast/tune"
)

// TuneSpace is the settings tune searches for a learner of a table, as
// its family declares them for tables; false for an unknown learner.
func TuneSpace(learner string) (tune.Space, bool) {
	switch learner {
	case LearnerGBDT:
		return gbdt.TableSpace(), true
	case LearnerForest:
		return gbdt.ForestTableSpace(), true
	case LearnerTree:
		return gbdt.TreeTableSpace(), true
	case LearnerLinear, LearnerLogistic:
		return linear.TableSpace(), true
	case LearnerSVM:
		return svm.TableSpace(), true
	case LearnerMLP:
		return nn.TableSpace(), true
	}
	return nil, false
}

// Tuned returns c with a setting a search drew applied to its learner's
// params.
func (c Config) Tuned(p tune.Params) Config {
	switch c.Learner {
	case LearnerGBDT:
		c.GBDT.ApplyTune(p)
	case LearnerForest, LearnerTree:
		c.Forest.ApplyTune(p)
	case LearnerLinear:
		c.Linear.ApplyTune(p)
	case LearnerLogistic:
		c.Logistic.ApplyTune(p)
	case LearnerSVM:
		c.SVM.ApplyTune(p)
	case LearnerMLP:
		c.MLP.ApplyTune(p)
	}
	return c
}
