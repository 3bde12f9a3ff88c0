package tabular

import (
	"fmt"

	"promocast/data"
	"promocast/learn"
	"promocast/model"
)

// Model is a trained tabular model: the schema that encodes a table, the
// learner's name and the trained learner.
type Model struct {
	// Learner is the learner's name, one of Learners().
	Learner string
	// Schema encodes tables for Predictor.
	Schema Schema
	// Rows is the number of training rows.
	Rows int
	// Predictor is the trained learner: *gbdt.Model for gbdt, *gbdt.Forest
	// for rf and tree, *linear.Model for linear, *linear.LogisticModel for
	// logistic, *svm.Regressor or *svm.Classifier for svm, *nn.Model for
	// mlp.
	Predictor model.Predictor
}

// Prepare infers the schema of f for c and encodes f into a training set.
func Prepare(f *data.Frame, c Config) (*Schema, *model.Dataset, error) {
	c, err := c.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	return prepare(f, c)
}

// prepare is Prepare for a config with defaults filled in.
func prepare(f *data.Frame, c Config) (*Schema, *model.Dataset, error) {
	s, err := newSchema(f, c.Target, c.Task, c.Drop)
	if err != nil {
		return nil, nil, err
	}
	ds, err := s.Dataset(f)
	if err != nil {
		return nil, nil, err
	}
	return s, ds, nil
}

// Fit trains c's learner on table f.
func Fit(f *data.Frame, c Config) (*Model, error) {
	c, err := c.withDefaults()
	if err != nil {
		return nil, err
	}
	s, ds, err := prepare(f, c)
	if err != nil {
		return nil, err
	}
	// Training does not refer to f, so a caller that drops the frame lets
	// the collector reclaim it while the learner runs.
	src := f.Source
	p, err := train(ds, s.Target.Task, c)
	if err != nil {
		return nil, fmt.Errorf("%s: train %s: %w", src, c.Learner, err)
	}
	return &Model{Learner: c.Learner, Schema: *s, Rows: ds.X.Rows, Predictor: p}, nil
}

// train fits c's learner (c has defaults filled in) to ds for task.
func train(ds *model.Dataset, task string, c Config) (model.Predictor, error) {
	l, _ := learn.Lookup(c.Learner) // withDefaults checked the name
	return l.Train(ds, task, learn.Table, c.Options)
}

// Predict encodes table f with the model's schema and returns one
// prediction per row, in f's row order: the predicted target of a
// regressor, the probability of Schema.Target.Positive of a classifier.
// The target column need not be present; columns the model does not use
// are ignored.
func (m *Model) Predict(f *data.Frame) ([]float64, error) {
	X, err := m.Schema.Matrix(f)
	if err != nil {
		return nil, err
	}
	out := make([]float64, X.Rows)
	if err := m.Predictor.Predict(X, out); err != nil {
		return nil, fmt.Errorf("%s: predict: %w", f.Source, err)
	}
	return out, nil
}
