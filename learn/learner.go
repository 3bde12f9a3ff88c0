package learn

import (
	"fmt"
	"strings"

	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn/route"
	"promocast/model"
	"promocast/tune"
)

// LogGBDT names gbdt trained on the log of the target
// (forecast.LogTarget), a forecasting learner only.
const LogGBDT = "gbdt_log"

// Models returns every name New accepts: the learners that forecast
// (Names(Panel)), gbdt_log, then the presets (Presets(Panel)).
func Models() []string {
	out := append(Names(Panel), LogGBDT)
	return append(out, Presets(Panel)...)
}

// New returns the training function of the named learner on a panel.
func New(name string, opt Options) (forecast.Fit, error) {
	if name == LogGBDT {
		g, _ := Lookup(GBDT)
		return forecast.LogTarget(panelFit(g, opt)), nil
	}
	l, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown model %q: expected one of %s", name, strings.Join(Models(), ", "))
	}
	if !l.Learns(Panel) {
		return nil, fmt.Errorf("model %s does %s only: a forecast needs a regressor, one of %s", name, l.Task(), strings.Join(Models(), ", "))
	}
	return panelFit(l, opt), nil
}

// panelFit returns the Fit that trains l for regression on a panel.
func panelFit(l Learner, opt Options) forecast.Fit {
	return func(ds *model.Dataset) (model.Predictor, error) { return l.Train(ds, Regression, Panel, opt) }
}

// Decode rebuilds a predictor of the named learner from its JSON. It also
// reads blends (kind "blend") and partitioned models (kind "partitioned"),
// decoding their members through itself.
func Decode(name string, raw []byte) (model.Predictor, error) {
	var p model.Predictor
	var err error
	switch name {
	case route.Kind:
		p, err = route.Decode(raw, Decode)
	case ensemble.Kind:
		p, err = ensemble.DecodeBlend(raw, Decode)
	case LogGBDT:
		g, _ := Lookup(GBDT)
		p, err = forecast.DecodeLogModel(raw, func(raw []byte) (model.Predictor, error) {
			p, _, err := g.Decode(raw)
			return p, err
		})
	default:
		l, ok := Lookup(name)
		if !ok {
			return nil, fmt.Errorf("unknown model kind %q: this promocast knows %s", name, strings.Join(Models(), ", "))
		}
		p, _, err = l.Decode(raw)
	}
	if err != nil {
		return nil, fmt.Errorf("decode %s model: %w", name, err)
	}
	return p, nil
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

// Tuned returns o with a setting a search drew for learner name applied
// to that learner's family.
func (o Options) Tuned(name string, p tune.Params) Options {
	if l, ok := Lookup(name); ok {
		return l.Tuned(o, p)
	}
	return o
}

// DefaultCandidates are the learners the default model (ensemble.Default)
// chooses between: boosted trees on the scaled target (squared loss, which
// fits the mean) and on its log (which fits the median of a right-skewed
// target and is not pulled up by one promotional spike).
func DefaultCandidates(opt Options) []ensemble.Candidate {
	var out []ensemble.Candidate
	for _, n := range []string{"gbdt", "gbdt_log"} {
		fit, _ := New(n, opt) // both are registered above
		out = append(out, ensemble.Candidate{Name: n, Fit: fit})
	}
	return out
}
