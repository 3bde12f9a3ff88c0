package tabular

import (
	"fmt"
	"strings"

	"promocast/learn/gbdt"
	"promocast/learn/linear"
	"promocast/learn/nn"
	"promocast/learn/svm"
)

// Learner names accepted by Config.Learner and stored in model files.
const (
	LearnerGBDT     = "gbdt"     // histogram gradient boosting (gbdt.Train)
	LearnerForest   = "rf"       // random forest (gbdt.TrainForest)
	LearnerTree     = "tree"     // one CART decision tree (gbdt.TrainCART)
	LearnerLinear   = "linear"   // ridge, lasso or elastic net (linear.Fit); regression only
	LearnerLogistic = "logistic" // logistic regression (linear.FitLogistic); classification only
	LearnerSVM      = "svm"      // linear SVM: svm.FitClassifier (Platt probabilities) or svm.FitRegressor (SVR)
	LearnerMLP      = "mlp"      // multilayer perceptron with entity embeddings (nn.Fit)
)

// Learners returns the learner names in the order the help text lists them.
func Learners() []string {
	return []string{LearnerGBDT, LearnerForest, LearnerTree, LearnerLinear, LearnerLogistic, LearnerSVM, LearnerMLP}
}

// Config says what to learn from a table and with which learner. The zero
// value of every learner's params means that learner's defaults; only the
// params of Learner are read.
type Config struct {
	// Target names the column to predict. Required.
	Target string
	// Drop names columns that are not features (ids, leaks). The target is
	// never a feature.
	Drop []string
	// Task is Regression, Classification or "" (auto). Auto means
	// classification when the target column holds text, when Learner is
	// logistic or when GBDT.Objective is logistic; regression otherwise.
	// A numeric target can be a class label only with an explicit
	// Classification task or a classifying learner.
	Task string
	// Learner is one of Learners(); "" means gbdt.
	Learner string
	// GBDT configures gbdt. For classification its Objective must be ""
	// or logistic and becomes logistic.
	GBDT gbdt.Params
	// Forest configures rf and tree; Classification is set from the task.
	Forest gbdt.ForestParams
	// Linear configures linear.
	Linear linear.Params
	// Logistic configures logistic.
	Logistic linear.LogisticParams
	// SVM configures svm; its loss follows the task when empty.
	SVM svm.Params
	// MLP configures mlp; classification sets its loss to logistic. Its
	// early stopping holds out the last rows of the table as given.
	MLP nn.Params
}

// Check reports an unknown learner or task, a missing target name, or a
// task the learner cannot do (e.g. logistic with Task Regression), all of
// which Fit and CrossValidate would refuse before reading any data.
func (c Config) Check() error {
	_, err := c.withDefaults()
	return err
}

// withDefaults returns c with Learner filled in, or an error for a name
// that is not known or a task the learner cannot do.
func (c Config) withDefaults() (Config, error) {
	if c.Target == "" {
		return c, fmt.Errorf("no target column given")
	}
	if c.Learner == "" {
		c.Learner = LearnerGBDT
	}
	known := false
	for _, l := range Learners() {
		known = known || l == c.Learner
	}
	if !known {
		return c, fmt.Errorf("unknown learner %q: expected one of %s", c.Learner, strings.Join(Learners(), ", "))
	}
	switch c.Task {
	case "", Regression, Classification:
	default:
		return c, fmt.Errorf("unknown task %q: expected %s, %s or empty for auto", c.Task, Regression, Classification)
	}
	implied := ""
	switch {
	case c.Learner == LearnerLogistic:
		implied = Classification
	case c.Learner == LearnerLinear:
		implied = Regression
	case c.Learner == LearnerGBDT && c.GBDT.Objective == gbdt.Logistic:
		implied = Classification
	case c.Learner == LearnerGBDT && c.GBDT.Objective != "":
		implied = Regression
	}
	if implied != "" && c.Task != "" && c.Task != implied {
		what := "learner " + c.Learner
		if c.Learner == LearnerGBDT {
			what = "objective " + c.GBDT.Objective
		}
		return c, fmt.Errorf("%s does %s, but the task is %s", what, implied, c.Task)
	}
	if c.Task == "" {
		c.Task = implied
	}
	return c, nil
}
