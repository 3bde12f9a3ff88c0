package ensemble

import (
	"fmt"
	"strings"

	"promocast/forecast"
	"promocast/learn"
	"promocast/learn/route"
	"promocast/model"
)

// LogGBDT names gbdt trained on the log of the target (forecast.LogTarget),
// a forecasting model only.
const LogGBDT = "gbdt_log"

// Models returns every name New accepts: the learners that forecast
// (learn.Names(learn.Panel)), gbdt_log, then the presets.
func Models() []string {
	out := append(learn.Names(learn.Panel), LogGBDT)
	return append(out, learn.Presets(learn.Panel)...)
}

// New returns the training function of the named forecasting model.
func New(name string, opt learn.Options) (forecast.Fit, error) {
	if name == LogGBDT {
		g, _ := learn.Lookup(learn.GBDT)
		return forecast.LogTarget(panelFit(g, opt)), nil
	}
	l, ok := learn.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown model %q: expected one of %s", name, strings.Join(Models(), ", "))
	}
	if !l.Learns(learn.Panel) {
		return nil, fmt.Errorf("model %s does %s only: a forecast needs a regressor, one of %s", name, l.Task(), strings.Join(Models(), ", "))
	}
	return panelFit(l, opt), nil
}

// panelFit returns the Fit that trains l for regression on a panel.
func panelFit(l learn.Learner, opt learn.Options) forecast.Fit {
	return func(ds *model.Dataset) (model.Predictor, error) {
		return l.Train(ds, learn.Regression, learn.Panel, opt)
	}
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
	case Kind:
		p, err = DecodeBlend(raw, Decode)
	case LogGBDT:
		g, _ := learn.Lookup(learn.GBDT)
		p, err = forecast.DecodeLogModel(raw, func(raw []byte) (model.Predictor, error) {
			p, _, err := g.Decode(raw)
			return p, err
		})
	default:
		l, ok := learn.Lookup(name)
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

// DefaultCandidates are the learners the default model (Default) chooses
// between: boosted trees on the scaled target (squared loss, which fits
// the mean) and on its log (which fits the median of a right-skewed target
// and is not pulled up by one promotional spike).
func DefaultCandidates(opt learn.Options) []Candidate {
	var out []Candidate
	for _, n := range []string{learn.GBDT, LogGBDT} {
		fit, _ := New(n, opt) // both are known above
		out = append(out, Candidate{Name: n, Fit: fit})
	}
	return out
}
