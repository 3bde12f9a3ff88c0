package uplift

import (
	"encoding/json"
	"fmt"

	"promocast/data"
	"promocast/learn"
	"promocast/learn/gbdt"
	"promocast/model"
)

// Base learner names accepted by Base.Learner.
const (
	BaseGBDT   = "gbdt"   // gradient-boosted trees (gbdt.Train)
	BaseLinear = "linear" // logistic regression for 0/1 outcomes, ridge otherwise (package linear)
)

// Base is the learner the meta-learners are built from: it fits the
// outcome models (logistic loss for a 0/1 outcome, squared otherwise) and
// the effect models of the X- and DR-learners (squared loss). The zero
// value is gbdt with small, shallow trees (see DefaultBases).
type Base struct {
	// Name labels the base learner in tables; empty means a name made from
	// the settings.
	Name string `json:"name,omitempty"`
	// Learner is BaseGBDT (default) or BaseLinear.
	Learner string `json:"learner"`
	// GBDT configures gbdt; Objective is set by the role of each model
	// and Threads is ignored in favour of Config.Threads.
	GBDT gbdt.Params `json:"gbdt"`
	// Alpha is the ridge penalty of linear models per unit of weight; 0
	// means 0.001.
	Alpha float64 `json:"alpha,omitempty"`
}

// DefaultBases returns the base learners Fit chooses among when
// Config.Bases is empty: shallow boosted trees of two sizes, with a large
// least leaf so that noise in a few customers cannot carve a segment, and
// a linear model.
func DefaultBases() []Base {
	return []Base{
		{Name: "gbdt-d2", Learner: BaseGBDT, GBDT: gbdt.Params{Rounds: 150, LearningRate: 0.05, MaxDepth: 2, MaxLeaves: 4, MinChildWeight: 20, RowSubsample: 0.8}},
		{Name: "gbdt-d4", Learner: BaseGBDT, GBDT: gbdt.Params{Rounds: 150, LearningRate: 0.05, MaxDepth: 4, MaxLeaves: 12, MinChildWeight: 40, RowSubsample: 0.8}},
		{Name: "linear", Learner: BaseLinear},
	}
}

// label returns b's name for tables.
func (b Base) label() string {
	if b.Name != "" {
		return b.Name
	}
	if b.Learner == BaseLinear {
		return "linear"
	}
	return fmt.Sprintf("gbdt(depth %d, %d rounds)", b.GBDT.MaxDepth, b.GBDT.Rounds)
}

func (b Base) validate() (Base, error) {
	switch b.Learner {
	case "":
		b.Learner = BaseGBDT
	case BaseGBDT, BaseLinear:
	default:
		return b, fmt.Errorf("uplift: unknown base learner %q: expected %s or %s", b.Learner, BaseGBDT, BaseLinear)
	}
	if b.Learner == BaseGBDT && b.GBDT == (gbdt.Params{}) {
		b.GBDT = DefaultBases()[0].GBDT
	}
	return b, nil
}

// fitter fits base models for one meta-learner fit.
type fitter struct {
	base    Base
	threads int
	seed    uint64
}

// outcome fits E[y | x] on ds: a probability when binary.
func (f fitter) outcome(ds *model.Dataset, binary bool) (*component, error) {
	if !binary {
		return f.regression(ds)
	}
	kind := kindGBDT
	if f.base.Learner == BaseLinear {
		kind = kindLogistic
	}
	return f.fit(ds, kind, learn.Classification)
}

// regression fits E[y | x] by squared loss.
func (f fitter) regression(ds *model.Dataset) (*component, error) {
	kind := kindGBDT
	if f.base.Learner == BaseLinear {
		kind = kindLinear
	}
	return f.fit(ds, kind, learn.Regression)
}

// fit trains the registry's learner kind on ds for task with the base's
// settings: ridge or logistic regression with its alpha, or its boosted
// trees with the squared loss for regression and f's threads and seed.
func (f fitter) fit(ds *model.Dataset, kind, task string) (*component, error) {
	var o learn.Options
	o.Linear.Alpha, o.Logistic.Alpha = f.alpha(), f.alpha()
	o.GBDT = f.base.GBDT
	o.GBDT.Objective = gbdt.Squared
	o.GBDT.Threads, o.GBDT.Seed = f.threads, f.seed
	l, _ := learn.Lookup(kind)
	p, err := l.Train(ds, task, learn.Table, o)
	if err != nil {
		return nil, err
	}
	return &component{Kind: kind, p: p}, nil
}

func (f fitter) alpha() float64 {
	if f.base.Alpha == 0 {
		return 0.001
	}
	return f.base.Alpha
}

// Component kinds in model files: package learn's names, which decode
// them.
const (
	kindGBDT     = learn.GBDT
	kindLinear   = learn.Linear
	kindLogistic = learn.Logistic
)

// component is one fitted model inside an uplift model: its kind and the
// learner's own JSON.
type component struct {
	Kind string
	p    model.Predictor
}

func (c *component) predict(X *data.Matrix) ([]float64, error) {
	out := make([]float64, X.Rows)
	if err := c.p.Predict(X, out); err != nil {
		return nil, err
	}
	return out, nil
}

type componentJSON struct {
	Kind  string          `json:"kind"`
	Model json.RawMessage `json:"model"`
}

// MarshalJSON writes {"kind": ..., "model": ...}.
func (c *component) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(c.p)
	if err != nil {
		return nil, err
	}
	return json.Marshal(componentJSON{Kind: c.Kind, Model: b})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *component) UnmarshalJSON(b []byte) error {
	var cj componentJSON
	if err := json.Unmarshal(b, &cj); err != nil {
		return err
	}
	l, ok := learn.Lookup(cj.Kind)
	if !ok {
		return fmt.Errorf("unknown model kind %q: expected %s, %s or %s", cj.Kind, kindGBDT, kindLinear, kindLogistic)
	}
	p, _, err := l.Decode(cj.Model)
	c.Kind, c.p = cj.Kind, p
	return err
}
