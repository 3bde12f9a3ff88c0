// Package backtest scores forecasting models honestly: rolling-origin folds
// that train only on periods up to each origin and score the periods
// origin+gap+1 .. origin+gap+horizon, as a real forecast made at that origin
// would be scored.
//
// With Folds N, Horizon H and Gap G on a history ending at period T, fold k
// (0-based, oldest first) has origin T − G − H·(N − k): the folds' scored
// windows tile the last N·H periods without overlap. Metrics are reported
// overall, per fold, for promotion and non-promotion periods, and per level
// of any key or static column. Interval coverage is measured honestly too:
// each fold's P10–P90 interval is calibrated (package interval) only on the
// residuals of the folds before it.
package backtest

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"promocast/data"
	"promocast/forecast"
	"promocast/internal/parallel"
	"promocast/interval"
	"promocast/metric"
)

// Options choose the folds and the segments.
type Options struct {
	Folds   int // number of origins, ≥ 1
	Horizon int // periods scored per fold, ≥ 1
	Gap     int // periods between origin and the first scored period, ≥ 0
	// Segments are key or static columns to break the metrics down by.
	Segments []string
	// Progress, when set, is called as each fold of each model is fitted,
	// with the number of that model's folds fitted so far; with Concurrent
	// above 1 from the fitting goroutines, one call at a time.
	Progress func(model string, fold, folds int)
	// Fitted, when set, returns a fold fitted elsewhere (FitFold on
	// another machine) for a candidate and origin; Run fits the fold
	// itself when it returns nil and no error. With Concurrent above 1 it
	// is called from several goroutines at once.
	Fitted func(candidate string, origin int) (*Fold, error)
	// Concurrent is how many folds are fitted at once, of one candidate
	// or the next (each fold is independent, so the reports are the same
	// whatever it is); 0 or 1 fits one at a time. Fitting folds side by side keeps the
	// cores busy through a learner's serial stretches, at the memory of
	// that many training sets, so Run fits one at a time when the features
	// take more than MaxConcurrentBytes.
	Concurrent int
}

// Candidate is a model to backtest: a name and how to fit it.
type Candidate struct {
	Name string
	Fit  forecast.Fit
}

// Prediction is one scored row.
type Prediction struct {
	Series   int
	Period   int
	Fold     int
	Actual   float64
	Forecast float64
	Scale    float64 // the series' size at the row (1 + recent level)
	Promoted bool
	// P10 and P90 bound the row's interval when the fold is calibrated on
	// the folds before it; NaN in the first fold, which has none.
	P10, P90 float64
	// Expected is the row's expected units under the same calibration:
	// the forecast times the earlier folds' ratio of actuals to forecasts
	// (interval.Calibration.Expected); NaN in the first fold.
	Expected float64
}

// FoldScores are one fold's metrics.
type FoldScores struct {
	Origin    string // label of the origin period
	TrainRows int
	Scores    metric.Scores
}

// SegmentScores are the metrics of one level of a segment column.
type SegmentScores struct {
	Column, Level string
	Scores        metric.Scores
}

// Report is one model's backtest.
type Report struct {
	Model       string
	Overall     metric.Scores
	Promo       metric.Scores // rows where any lever is promoted
	NonPromo    metric.Scores
	Folds       []FoldScores
	Segments    []SegmentScores
	Predictions []Prediction
	// Importance is the gain importance of each feature in the last fold's
	// model, largest first; empty for models without it.
	Importance []FeatureScore
	// Coverage is the share of actuals inside the P10–P90 interval when
	// each fold is calibrated on the folds before it (folds 2..N scored);
	// CoverageN counts the rows scored. NaN with a single fold.
	Coverage  float64
	CoverageN int
	// Seconds is the wall time from the start of the candidate's first
	// fold to the end of its last; other candidates' folds may have been
	// fitted beside them (Options.Concurrent).
	Seconds float64
}

// FeatureScore is one feature's importance.
type FeatureScore struct {
	Feature string
	Score   float64
}

// importancer is a model that scores its features (gbdt models do).
type importancer interface {
	Importance(kind string) ([]float64, error)
}

// importance ranks the features of a fitted model by gain, normalised to
// sum to 1.
func importance(pred any, names []string) []FeatureScore {
	im, ok := pred.(importancer)
	if !ok {
		return nil
	}
	gain, err := im.Importance("gain")
	if err != nil || len(gain) != len(names) {
		return nil
	}
	total := 0.0
	for _, g := range gain {
		total += g
	}
	if total <= 0 {
		return nil
	}
	out := make([]FeatureScore, len(gain))
	for j, g := range gain {
		out[j] = FeatureScore{names[j], g / total}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Score > out[b].Score })
	return out
}

// Residuals returns the report's predictions as calibration residuals.
func (r *Report) Residuals() []interval.Residual {
	out := make([]interval.Residual, len(r.Predictions))
	for i, p := range r.Predictions {
		out[i] = interval.Residual{Forecast: p.Forecast, Actual: p.Actual, Scale: p.Scale, Promoted: p.Promoted}
	}
	return out
}

// coverage calibrates fold k on folds 0..k-1, counts the actuals of fold
// k inside its P10–P90 interval and sets its rows' expected units, for
// k = 1..folds-1.
func (r *Report) coverage(folds int) error {
	r.Coverage = math.NaN()
	for i := range r.Predictions {
		r.Predictions[i].P10, r.Predictions[i].P90, r.Predictions[i].Expected = math.NaN(), math.NaN(), math.NaN()
	}
	res := r.Residuals()
	in, n := 0, 0
	q := make([]float64, 3)
	start := 0
	for k := 1; k < folds; k++ {
		for start < len(res) && r.Predictions[start].Fold < k {
			start++
		}
		if start == 0 {
			continue // the folds before k scored no row (a gap in the data): nothing to calibrate on
		}
		cal, err := interval.Fit(res[:start], interval.Options{})
		if err != nil {
			return err
		}
		for i := start; i < len(res) && r.Predictions[i].Fold == k; i++ {
			x := res[i]
			cal.Quantiles(x.Forecast, x.Scale, x.Promoted, q)
			r.Predictions[i].P10, r.Predictions[i].P90 = q[0], q[2]
			r.Predictions[i].Expected = cal.Expected(x.Forecast, x.Promoted)
			n++
			if x.Actual >= q[0] && x.Actual <= q[2] {
				in++
			}
		}
	}
	if n > 0 {
		r.Coverage, r.CoverageN = float64(in)/float64(n), n
	}
	return nil
}

// Origins returns the fold origins, oldest first.
func Origins(last int, opt Options) []int {
	o := make([]int, opt.Folds)
	for k := range o {
		o[k] = last - opt.Gap - opt.Horizon*(opt.Folds-k)
	}
	return o
}

// Run backtests each candidate on the prepared panel. The prepared features
// must have been built for the same horizon and gap.
func Run(pr *forecast.Prepared, opt Options, candidates []Candidate) ([]*Report, error) {
	if opt.Folds < 1 || opt.Horizon < 1 || opt.Gap < 0 {
		return nil, fmt.Errorf("backtest needs folds ≥ 1, horizon ≥ 1 and gap ≥ 0; got %d, %d, %d", opt.Folds, opt.Horizon, opt.Gap)
	}
	if lag := pr.Builder.Config().MinLag; lag != opt.Horizon+opt.Gap {
		return nil, fmt.Errorf("features were built for gap + horizon = %d, the backtest asks for %d", lag, opt.Horizon+opt.Gap)
	}
	segs, err := segmenters(pr, opt.Segments)
	if err != nil {
		return nil, err
	}
	origins := Origins(pr.Panel.Last, opt)
	if origins[0] < pr.Panel.First {
		return nil, fmt.Errorf("%w: %d folds of horizon %d and gap %d need %d periods of history before the first origin; the history has %d periods",
			ErrShortHistory, opt.Folds, opt.Horizon, opt.Gap, opt.Folds*opt.Horizon+opt.Gap, pr.Panel.Last-pr.Panel.First+1)
	}
	scales := MASEScales(pr, origins)
	concurrent := opt.Concurrent
	if rows, cols := pr.Size(); 8*rows*cols > MaxConcurrentBytes {
		concurrent = 1
	}
	// Every candidate's every fold is one job, candidates in order, all
	// in one pool: with an odd number of folds, the next candidate's
	// first fold fills the slot the last fold would leave idle.
	nf := len(origins)
	fitted := make([]*Fold, len(candidates)*nf)
	errs := make([]error, len(fitted))
	began, ended := make([]time.Time, len(fitted)), make([]time.Time, len(fitted))
	var mu sync.Mutex
	var failed atomic.Bool // jobs not yet begun are skipped once one fails
	done := make([]int, len(candidates))
	parallel.For(len(fitted), concurrent, func(j int) {
		if failed.Load() {
			return
		}
		c, k := candidates[j/nf], j%nf
		began[j] = time.Now()
		f, err := fitFold(pr, opt, c, origins[k])
		ended[j] = time.Now()
		if err != nil {
			errs[j] = fmt.Errorf("%s, fold %d: %w", c.Name, k+1, err)
			failed.Store(true)
			return
		}
		fitted[j] = f
		if opt.Progress != nil {
			mu.Lock()
			done[j/nf]++
			opt.Progress(c.Name, done[j/nf], nf)
			mu.Unlock()
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var reports []*Report
	for ci, c := range candidates {
		rep := &Report{Model: c.Name}
		first, last := began[ci*nf], ended[ci*nf]
		for k, f := range fitted[ci*nf : (ci+1)*nf] {
			if t := began[ci*nf+k]; t.Before(first) {
				first = t
			}
			if t := ended[ci*nf+k]; t.After(last) {
				last = t
			}
			var fm metric.Forecast
			for _, p := range f.Predictions {
				p.Fold = k
				rep.Predictions = append(rep.Predictions, p)
				if err := fm.Add(p.Actual, p.Forecast, scales[k][p.Series]); err != nil {
					return nil, err
				}
			}
			if k == nf-1 {
				rep.Importance = f.Importance
			}
			rep.Folds = append(rep.Folds, FoldScores{Origin: pr.Panel.Grid.Label(origins[k]), TrainRows: f.TrainRows, Scores: fm.Summary()})
		}
		rep.Seconds = last.Sub(first).Seconds()
		rep.summarise(scales, segs)
		if err := rep.coverage(nf); err != nil {
			return nil, err
		}
		reports = append(reports, rep)
	}
	return reports, nil
}

// MaxConcurrentBytes bounds the feature matrix whose folds are fitted side
// by side (Options.Concurrent): each fold in flight holds its learner's
// working arrays (its training rows are a view of the prepared matrix,
// forecast.Prepared.Dataset; on Breakfast, a 0.23 GB matrix, a second
// fold in flight raised training's peak memory by 0.9 GB when each fold
// also copied its rows), so above it folds are fitted one at a time.
const MaxConcurrentBytes = 1 << 30

// fitFold returns the candidate's fold at origin: fitted elsewhere
// (Options.Fitted) when it is, else fitted here.
func fitFold(pr *forecast.Prepared, opt Options, c Candidate, origin int) (*Fold, error) {
	if opt.Fitted != nil {
		f, err := opt.Fitted(c.Name, origin)
		if err != nil || f != nil {
			return f, err
		}
	}
	return FitFold(pr, opt, c, origin)
}

// ErrShortHistory is wrapped by the errors of a history too short for the
// folds asked of it, so that a command can say which of its settings to
// change.
var ErrShortHistory = errors.New("the history is too short for the folds")

// Fold is one candidate's fit at one origin and the rows it scored: the
// unit of work of a backtest, independent of every other fold, so that
// folds can be fitted on different machines (Options.Fitted).
type Fold struct {
	Origin    int // the origin period
	TrainRows int
	// Predictions are the scored rows, in the prepared panel's order;
	// their Fold is 0 and P10, P90 are NaN (Run numbers and calibrates
	// them).
	Predictions []Prediction
	// Importance is the fitted model's gain importance, largest first.
	Importance []FeatureScore
}

// FitFold fits candidate c on the prepared rows up to origin and scores
// the periods origin+gap+1 .. origin+gap+horizon, as Run does for each of
// its folds.
func FitFold(pr *forecast.Prepared, opt Options, c Candidate, origin int) (*Fold, error) {
	ds := pr.Dataset(origin)
	if ds.X.Rows == 0 {
		return nil, fmt.Errorf("%w: origin %s has no training rows: the %d period(s) of history up to it are too few for the features, which read %d periods back and more",
			ErrShortHistory, pr.Panel.Grid.Label(origin), origin-pr.Panel.First+1, pr.Builder.Config().MinLag)
	}
	pred, err := c.Fit(ds)
	if err != nil {
		return nil, err
	}
	refs, X, sc := pr.AtOrigin(origin, origin+opt.Gap+1, origin+opt.Gap+opt.Horizon)
	f, err := forecast.Predict(pred, X, sc)
	if err != nil {
		return nil, err
	}
	out := &Fold{Origin: origin, TrainRows: ds.X.Rows, Predictions: make([]Prediction, len(refs))}
	for i, ref := range refs {
		s := pr.Panel.Series[ref.Series]
		out.Predictions[i] = Prediction{Series: ref.Series, Period: ref.Period, Actual: s.Y[ref.Period-s.Start],
			Forecast: f[i], Scale: sc[i], Promoted: pr.Builder.Promoted(ref.Series, ref.Period), P10: math.NaN(), P90: math.NaN(), Expected: math.NaN()}
	}
	names := make([]string, len(ds.Features))
	for j, f := range ds.Features {
		names[j] = f.Name
	}
	out.Importance = importance(pred, names)
	return out, nil
}

// summarise fills the overall, promotion and segment metrics.
func (r *Report) summarise(scales [][]float64, segs []segmenter) {
	var all, promo, non metric.Forecast
	bySeg := make([]map[string]*metric.Forecast, len(segs))
	for i := range bySeg {
		bySeg[i] = map[string]*metric.Forecast{}
	}
	for _, p := range r.Predictions {
		sc := scales[p.Fold][p.Series]
		all.Add(p.Actual, p.Forecast, sc)
		if p.Promoted {
			promo.Add(p.Actual, p.Forecast, sc)
		} else {
			non.Add(p.Actual, p.Forecast, sc)
		}
		for i, s := range segs {
			lv := s.level(p.Series)
			f := bySeg[i][lv]
			if f == nil {
				f = &metric.Forecast{}
				bySeg[i][lv] = f
			}
			f.Add(p.Actual, p.Forecast, sc)
		}
	}
	r.Overall, r.Promo, r.NonPromo = all.Summary(), promo.Summary(), non.Summary()
	for i, s := range segs {
		levels := make([]string, 0, len(bySeg[i]))
		for lv := range bySeg[i] {
			levels = append(levels, lv)
		}
		sort.Strings(levels)
		for _, lv := range levels {
			r.Segments = append(r.Segments, SegmentScores{Column: s.column, Level: lv, Scores: bySeg[i][lv].Summary()})
		}
	}
}

// MASEScales returns, per fold and series, the in-sample seasonal naive
// error of the series' history up to the fold's origin.
func MASEScales(pr *forecast.Prepared, origins []int) [][]float64 {
	season := pr.Panel.Spec.Season()
	out := make([][]float64, len(origins))
	for k, o := range origins {
		out[k] = make([]float64, len(pr.Panel.Series))
		for si, s := range pr.Panel.Series {
			n := min(len(s.Y), o-s.Start+1)
			if n <= 0 {
				out[k][si] = math.NaN()
				continue
			}
			m := season
			if n <= m {
				m = 1
			}
			out[k][si] = metric.MASEScale(s.Y[:n], m)
		}
	}
	return out
}

// segmenter maps a series to its level of one key or static column.
type segmenter struct {
	column string
	level  func(series int) string
}

func segmenters(pr *forecast.Prepared, cols []string) ([]segmenter, error) {
	p := pr.Panel
	var out []segmenter
	for _, c := range cols {
		found := false
		for k, name := range p.Spec.Keys {
			if name == c {
				k := k
				out = append(out, segmenter{c, func(si int) string { return p.Series[si].Key[k] }})
				found = true
			}
		}
		for k, name := range p.Spec.Static {
			if name == c {
				k := k
				out = append(out, segmenter{c, func(si int) string {
					v := p.Series[si].Static[k]
					switch {
					case math.IsNaN(v):
						return "(missing)"
					case p.Levels[k] != nil:
						return p.Levels[k][int(v)]
					}
					return data.FormatFloat(v)
				}})
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("segment %q is neither a key %v nor a static attribute %v of the spec", c, p.Spec.Keys, p.Spec.Static)
		}
	}
	return out, nil
}

// Since returns r restricted to its folds from first on (0-based, the
// oldest fold is 0), renumbered from 0, with every summary recomputed as
// Run computes it: overall, promotion, per segment and interval coverage.
// opt must be the options r was run with. It lets a comparison spend its
// oldest folds on fitting something (blend weights) and score all models on
// the folds that follow.
func (r *Report) Since(pr *forecast.Prepared, opt Options, first int) (*Report, error) {
	if first < 0 || first >= len(r.Folds) {
		return nil, fmt.Errorf("backtest: cannot keep folds from %d of %d", first+1, len(r.Folds))
	}
	segs, err := segmenters(pr, opt.Segments)
	if err != nil {
		return nil, err
	}
	scales := MASEScales(pr, Origins(pr.Panel.Last, opt))
	out := &Report{Model: r.Model, Folds: append([]FoldScores(nil), r.Folds[first:]...), Importance: r.Importance, Seconds: r.Seconds}
	for _, p := range r.Predictions {
		if p.Fold >= first {
			p.Fold -= first
			out.Predictions = append(out.Predictions, p)
		}
	}
	out.summarise(scales[first:], segs)
	if err := out.coverage(len(out.Folds)); err != nil {
		return nil, err
	}
	return out, nil
}
