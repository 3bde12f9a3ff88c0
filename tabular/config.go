package tabular

import (
	"fmt"
	"strings"

	"promocast/learn"
	"promocast/learn/gbdt"
	"promocast/tune"
)

// Learner names accepted by Config.Learner and stored in model files:
// package learn's names, which also accepts its presets (e.g. lasso, svr).
const (
	LearnerGBDT     = learn.GBDT
	LearnerForest   = learn.Forest
	LearnerTree     = learn.Tree
	LearnerLinear   = learn.Linear
	LearnerLogistic = learn.Logistic
	LearnerSVM      = learn.SVM
	LearnerMLP      = learn.MLP
)

// Learners returns the learner names in the order the help text lists them.
func Learners() []string { return learn.Names(learn.Table) }

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
	// Learner is one of Learners() or a preset of package learn; "" means
	// gbdt.
	Learner string
	// Options configure the learners (learn.Options). For classification
	// GBDT.Objective must be "" or logistic and becomes logistic, and mlp
	// holds out the last rows of the table as given for early stopping.
	learn.Options
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
	l, ok := learn.Lookup(c.Learner)
	if !ok || !l.Learns(learn.Table) {
		return c, fmt.Errorf("unknown learner %q: expected one of %s (or %s)", c.Learner, strings.Join(Learners(), ", "), strings.Join(learn.Presets(learn.Table), ", "))
	}
	switch c.Task {
	case "", Regression, Classification:
	default:
		return c, fmt.Errorf("unknown task %q: expected %s, %s or empty for auto", c.Task, Regression, Classification)
	}
	implied := l.Task()
	switch {
	case implied != "":
	case l.Family() == LearnerGBDT && c.GBDT.Objective == gbdt.Logistic:
		implied = Classification
	case l.Family() == LearnerGBDT && c.GBDT.Objective != "":
		implied = Regression
	}
	if implied != "" && c.Task != "" && c.Task != implied {
		what := "learner " + c.Learner
		if l.Task() == "" {
			what = "objective " + c.GBDT.Objective
		}
		return c, fmt.Errorf("%s does %s, but the task is %s", what, implied, c.Task)
	}
	if c.Task == "" {
		c.Task = implied
	}
	return c, nil
}

// TuneSpace is the settings tune searches for a learner of a table, as
// its family declares them for tables; false for an unknown learner.
func TuneSpace(learner string) (tune.Space, bool) {
	l, ok := learn.Lookup(learner)
	if !ok || !l.Learns(learn.Table) {
		return nil, false
	}
	return l.Space(learn.Table)
}

// Tuned returns c with a setting a search drew applied to its learner's
// params.
func (c Config) Tuned(p tune.Params) Config {
	if l, ok := learn.Lookup(c.Learner); ok {
		c.Options = l.Tuned(c.Options, p)
	}
	return c
}
