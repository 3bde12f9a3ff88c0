package learn

import (
	"testing"

	"promocast/tune"
)

// TestTuneOptions checks the svr and mlp search parameters reach the
// learner options under the names their families' spaces declare.
func TestTuneOptions(t *testing.T) {
	svrSpace, _ := TuneSpace("svr")
	mlpSpace, _ := TuneSpace("mlp")
	for name := range svrSpace {
		if name != "c" && name != "epsilon" && name != "loss" {
			t.Errorf("svr space has %q, which Tuned does not read", name)
		}
	}
	o := Options{}.Tuned("svr", tune.Params{"c": 0.5, "epsilon": 0.1, "loss": "squared_epsilon_insensitive"})
	if o.SVM.C != 0.5 || o.SVM.Epsilon != 0.1 || o.SVM.Loss != "squared_epsilon_insensitive" {
		t.Errorf("svr options %+v", o.SVM)
	}
	for name := range mlpSpace {
		if name != "learning_rate" && name != "dropout" && name != "width" && name != "batch_size" {
			t.Errorf("mlp space has %q, which Tuned does not read", name)
		}
	}
	o = Options{}.Tuned("mlp", tune.Params{"learning_rate": 0.002, "dropout": 0.2, "width": 128, "batch_size": 256})
	if o.MLP.LearningRate != 0.002 || o.MLP.Dropout != 0.2 || o.MLP.BatchSize != 256 || len(o.MLP.Hidden) != 2 || o.MLP.Hidden[0] != 128 || o.MLP.Hidden[1] != 64 {
		t.Errorf("mlp options %+v", o.MLP)
	}
}
