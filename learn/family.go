package learn

import (
	"encoding/json"
	"fmt"
	"strings"

	"promocast/learn/gbdt"
	"promocast/learn/linear"
	"promocast/learn/naive"
	"promocast/learn/nn"
	"promocast/learn/svm"
	"promocast/model"
	"promocast/tune"
)

// Tasks a learner can do.
const (
	// Regression predicts a number.
	Regression = "regression"
	// Classification predicts the probability of the positive class of a
	// two-class target.
	Classification = "classification"
)

// The learners' names, one per learner; Lookup also takes the presets
// (e.g. lasso, svr) listed in the package doc.
const (
	GBDT          = "gbdt"           // histogram gradient boosting (gbdt.Train)
	Forest        = "rf"             // random forest (gbdt.TrainForest)
	Tree          = "tree"           // one CART decision tree (gbdt.TrainCART)
	Linear        = "linear"         // ridge, lasso or elastic net (linear.Fit); regression only
	Logistic      = "logistic"       // logistic regression (linear.FitLogistic); classification only
	SVM           = "svm"            // linear SVM: svm.FitRegressor (SVR) or svm.FitClassifier (Platt probabilities)
	MLP           = "mlp"            // multilayer perceptron with entity embeddings (nn.Fit)
	SeasonalNaive = "seasonal_naive" // last year's value (naive.SeasonalNaive); panels only
	MovingAverage = "moving_average" // recent mean (naive.MovingAverage); panels only
)

// Mode is the kind of data a learner is trained on. Some families default
// and search differently on the two: a forecasting panel is large, lists
// its rows in time order and pools many series; a table is what the user
// gives, as it is.
type Mode int

const (
	// Table is a plain table (package tabular).
	Table Mode = iota
	// Panel is a forecasting panel (ensemble.New, for package forecast).
	Panel
)

// family is one learner: the tasks it does, how it trains and decodes, and
// the settings tune searches for it.
type family struct {
	name                       string
	regression, classification bool
	// panelOnly families read a panel's lag features and cannot learn a
	// table.
	panelOnly bool
	// train fits the family to ds; o has the name's preset applied.
	train func(ds *model.Dataset, classify bool, mode Mode, o Options) (model.Predictor, error)
	// decode rebuilds a trained predictor from its JSON and returns the
	// features it reads.
	decode func(raw []byte) (model.Predictor, []model.Feature, error)
	// space is what tune searches in mode; fixed holds only the settings
	// the name's preset fixes. Nil: nothing to search.
	space func(mode Mode, fixed Options) tune.Space
	// tune applies a setting a search drew to the family's params.
	tune func(o *Options, p tune.Params)
}

// preset is a name that stands for a family with a task or a setting
// fixed: "lasso" is linear with the lasso penalty, "svr" is svm for
// regression. Model files keep the name they were trained under.
type preset struct {
	name, family, task string
	set                func(*Options)
}

// families returns the registry in the order help texts list it.
func families() []family {
	return []family{
		{name: GBDT, regression: true, classification: true,
			train: func(ds *model.Dataset, classify bool, _ Mode, o Options) (model.Predictor, error) {
				p := o.GBDT
				if classify {
					p.Objective = gbdt.Logistic
				}
				return gbdt.Train(ds, nil, p)
			},
			decode: decodeWith(func(m *gbdt.Model) []model.Feature { return m.Features }),
			space:  modeSpace(gbdt.PanelSpace, gbdt.TableSpace),
			tune:   func(o *Options, p tune.Params) { o.GBDT.ApplyTune(p) }},
		{name: Forest, regression: true, classification: true,
			train:  forestTrain(gbdt.TrainForest),
			decode: decodeWith(func(m *gbdt.Forest) []model.Feature { return m.Features }),
			space:  modeSpace(gbdt.ForestPanelSpace, gbdt.ForestTableSpace),
			tune:   func(o *Options, p tune.Params) { o.Forest.ApplyTune(p) }},
		{name: Tree, regression: true, classification: true,
			train:  forestTrain(gbdt.TrainCART),
			decode: decodeWith(func(m *gbdt.Forest) []model.Feature { return m.Features }),
			space:  func(Mode, Options) tune.Space { return gbdt.TreeTableSpace() },
			tune:   func(o *Options, p tune.Params) { o.Forest.ApplyTune(p) }},
		{name: Linear, regression: true,
			train: func(ds *model.Dataset, _ bool, _ Mode, o Options) (model.Predictor, error) {
				return linear.Fit(ds, o.Linear)
			},
			decode: decodeWith(func(m *linear.Model) []model.Feature { return m.Features() }),
			space: func(mode Mode, fixed Options) tune.Space {
				if mode == Panel || fixed.Linear.Penalty != "" {
					return linear.PanelSpace(fixed.Linear.Penalty)
				}
				return linear.TableSpace()
			},
			tune: func(o *Options, p tune.Params) { o.Linear.ApplyTune(p) }},
		{name: Logistic, classification: true,
			train: func(ds *model.Dataset, _ bool, _ Mode, o Options) (model.Predictor, error) {
				return linear.FitLogistic(ds, o.Logistic)
			},
			decode: decodeWith(func(m *linear.LogisticModel) []model.Feature { return m.Features() }),
			space:  func(Mode, Options) tune.Space { return linear.TableSpace() },
			tune:   func(o *Options, p tune.Params) { o.Logistic.ApplyTune(p) }},
		{name: SVM, regression: true, classification: true,
			train:  svmTrain,
			decode: svmDecode,
			space:  modeSpace(svm.PanelSpace, svm.TableSpace),
			tune:   func(o *Options, p tune.Params) { o.SVM.ApplyTune(p) }},
		{name: MLP, regression: true, classification: true,
			train: func(ds *model.Dataset, classify bool, _ Mode, o Options) (model.Predictor, error) {
				p := o.MLP
				if classify {
					p.Loss = nn.LossLogistic
				}
				return nn.Fit(ds, p)
			},
			decode: decodeWith(func(m *nn.Model) []model.Feature { return m.Features }),
			space:  modeSpace(nn.PanelSpace, nn.TableSpace),
			tune:   func(o *Options, p tune.Params) { o.MLP.ApplyTune(p) }},
		{name: SeasonalNaive, regression: true, panelOnly: true,
			train: func(ds *model.Dataset, _ bool, _ Mode, _ Options) (model.Predictor, error) {
				return naive.SeasonalNaive(ds.Features)
			},
			decode: decodeWith(func(*naive.Model) []model.Feature { return nil })},
		{name: MovingAverage, regression: true, panelOnly: true,
			train: func(ds *model.Dataset, _ bool, _ Mode, _ Options) (model.Predictor, error) {
				return naive.MovingAverage(ds.Features)
			},
			decode: decodeWith(func(*naive.Model) []model.Feature { return nil })},
	}
}

// presets returns the names that fix a family's task or a setting.
func presets() []preset {
	penalty := func(p string) func(*Options) { return func(o *Options) { o.Linear.Penalty = p } }
	return []preset{
		{name: "ridge", family: Linear, set: penalty(linear.PenaltyRidge)},
		{name: "lasso", family: Linear, set: penalty(linear.PenaltyLasso)},
		{name: "elasticnet", family: Linear, set: penalty(linear.PenaltyElasticNet)},
		{name: "gbdt_poisson", family: GBDT, task: Regression, set: func(o *Options) { o.GBDT.Objective = gbdt.Poisson }},
		{name: "svr", family: SVM, task: Regression},
	}
}

// modeSpace returns a space function that reads the family's panel or
// table space by mode.
func modeSpace(panel, table func() tune.Space) func(Mode, Options) tune.Space {
	return func(mode Mode, _ Options) tune.Space {
		if mode == Panel {
			return panel()
		}
		return table()
	}
}

// decodeWith returns a decode function that unmarshals into a new T and
// reads its features with features.
func decodeWith[T any, P interface {
	*T
	model.Predictor
}](features func(P) []model.Feature) func([]byte) (model.Predictor, []model.Feature, error) {
	return func(raw []byte) (model.Predictor, []model.Feature, error) {
		p := P(new(T))
		if err := json.Unmarshal(raw, p); err != nil {
			return nil, nil, err
		}
		return p, features(p), nil
	}
}

// forestTrain returns the train function of rf or tree. On a panel, the
// settings left zero take forestDefaults.
func forestTrain(fit func(*model.Dataset, gbdt.ForestParams) (*gbdt.Forest, error)) func(*model.Dataset, bool, Mode, Options) (model.Predictor, error) {
	return func(ds *model.Dataset, classify bool, mode Mode, o Options) (model.Predictor, error) {
		p := o.Forest
		if mode == Panel {
			p = forestDefaults(p)
		}
		p.Classification = classify
		return fit(ds, p)
	}
}

// svmTrain fits a classifier or a regressor. On a panel the regressor's
// weights are rescaled to sum to svrTotalWeight and its sweeps default to
// svrSweeps (see Options.SVM).
func svmTrain(ds *model.Dataset, classify bool, mode Mode, o Options) (model.Predictor, error) {
	if classify {
		return svm.FitClassifier(ds, o.SVM)
	}
	if mode == Panel {
		p := o.SVM
		if p.MaxIter == 0 {
			p.MaxIter = svrSweeps
		}
		return svm.FitRegressor(scaledWeights(ds, svrTotalWeight), p)
	}
	return svm.FitRegressor(ds, o.SVM)
}

// svmDecode reads a classifier or a regressor by the kind its JSON states.
func svmDecode(raw []byte) (model.Predictor, []model.Feature, error) {
	var probe struct{ Kind string }
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, nil, err
	}
	if probe.Kind == svm.KindClassifier {
		return decodeWith(func(m *svm.Classifier) []model.Feature { return m.Features() })(raw)
	}
	return decodeWith(func(m *svm.Regressor) []model.Feature { return m.Features() })(raw)
}

// Learner is a name resolved against the registry: a family, and the task
// and settings the name fixes when it is a preset.
type Learner struct {
	name string
	fam  family
	pre  preset
}

// Lookup resolves a learner name or preset; false for an unknown name.
func Lookup(name string) (Learner, bool) {
	for _, f := range families() {
		if f.name == name {
			return Learner{name: name, fam: f}, true
		}
	}
	for _, p := range presets() {
		if p.name == name {
			l, _ := Lookup(p.family)
			l.name, l.pre = name, p
			return l, true
		}
	}
	return Learner{}, false
}

// Names returns the learners' names that can learn in mode, in the order
// the package doc lists them; presets are not among them (Presets).
func Names(mode Mode) []string {
	var out []string
	for _, f := range families() {
		if (Learner{name: f.name, fam: f}).Learns(mode) {
			out = append(out, f.name)
		}
	}
	return out
}

// Presets returns the names that stand for a learner with a task or a
// setting fixed and can learn in mode, in the order the package doc lists
// them.
func Presets(mode Mode) []string {
	var out []string
	for _, p := range presets() {
		if l, _ := Lookup(p.name); l.Learns(mode) {
			out = append(out, p.name)
		}
	}
	return out
}

// Name returns the name l was looked up by.
func (l Learner) Name() string { return l.name }

// Family returns the learner's own name: the family a preset stands for.
func (l Learner) Family() string { return l.fam.name }

// Learns reports whether l can learn in mode: on a table, at least one
// of its tasks; on a panel, regression.
func (l Learner) Learns(mode Mode) bool {
	if mode == Panel {
		return l.Does(Regression)
	}
	return !l.fam.panelOnly
}

// Does reports whether l can do task.
func (l Learner) Does(task string) bool {
	if l.pre.task != "" {
		return task == l.pre.task
	}
	switch task {
	case Regression:
		return l.fam.regression
	case Classification:
		return l.fam.classification
	}
	return false
}

// Task returns the only task l does, or "" when it does both.
func (l Learner) Task() string {
	switch {
	case l.Does(Regression) && l.Does(Classification):
		return ""
	case l.Does(Regression):
		return Regression
	}
	return Classification
}

// Train fits l to ds for task, reading its family's settings from o (with
// the preset's settings applied over them).
func (l Learner) Train(ds *model.Dataset, task string, mode Mode, o Options) (model.Predictor, error) {
	if !l.Does(task) {
		return nil, fmt.Errorf("%s does not do %s; for %s use one of %s", l.name, task, task, strings.Join(doers(task, mode), ", "))
	}
	if l.pre.set != nil {
		l.pre.set(&o)
	}
	return l.fam.train(ds, task == Classification, mode, o)
}

// doers returns the learners that do task in mode.
func doers(task string, mode Mode) []string {
	var out []string
	for _, n := range Names(mode) {
		if l, _ := Lookup(n); l.Does(task) {
			out = append(out, n)
		}
	}
	return out
}

// Decode rebuilds a trained predictor of l from its JSON and returns the
// features it reads (nil for the naive forecasters).
func (l Learner) Decode(raw []byte) (model.Predictor, []model.Feature, error) {
	return l.fam.decode(raw)
}

// Space returns the settings tune searches for l in mode, as its family
// declares them; false when it has none.
func (l Learner) Space(mode Mode) (tune.Space, bool) {
	if l.fam.space == nil {
		return nil, false
	}
	var fixed Options
	if l.pre.set != nil {
		l.pre.set(&fixed)
	}
	return l.fam.space(mode, fixed), true
}

// Tuned returns o with a setting a search drew applied to l's family's
// params.
func (l Learner) Tuned(o Options, p tune.Params) Options {
	if l.fam.tune != nil {
		l.fam.tune(&o, p)
	}
	return o
}

// TuneSpace is the settings tune searches for a forecasting learner, as
// its family declares them for panels; false for a learner without one.
func TuneSpace(name string) (tune.Space, bool) {
	l, ok := Lookup(name)
	if !ok || !l.Learns(Panel) {
		return nil, false
	}
	return l.Space(Panel)
}

// Tunable returns the names, learners then presets, that have a search
// space in mode.
func Tunable(mode Mode) []string {
	var out []string
	for _, n := range append(Names(mode), Presets(mode)...) {
		if l, _ := Lookup(n); l.fam.space != nil {
			out = append(out, n)
		}
	}
	return out
}

// Tuned returns o with a setting a search drew for learner name applied
// to that learner's family.
func (o Options) Tuned(name string, p tune.Params) Options {
	if l, ok := Lookup(name); ok {
		return l.Tuned(o, p)
	}
	return o
}
