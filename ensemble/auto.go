package ensemble

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"promocast/backtest"
	"promocast/forecast"
	"promocast/metric"
)

// Candidate is a model for Auto to backtest.
type Candidate struct {
	// Name labels the candidate on the leaderboard; names must be unique
	// and must not be "blend".
	Name string
	// Kind names the learner in model files (as package learn knows it);
	// empty means Name.
	Kind string
	// Fit trains the candidate.
	Fit forecast.Fit
}

func (c Candidate) kind() string {
	if c.Kind == "" {
		return c.Name
	}
	return c.Kind
}

// Entry is one row of the leaderboard. Metrics are those of
// backtest.Report: fractions except MASE; NaN when undefined.
type Entry struct {
	Model        string
	WAPE         float64
	WAPEPromo    float64
	WAPENonPromo float64
	MASE         float64
	Bias         float64
	// Seconds is the wall time of the model's backtest (training and
	// predicting every fold, beside other candidates' folds when folds
	// are fitted concurrently: backtest.Report.Seconds). For the blend, it is the weight search plus
	// the backtests of the members with positive final weight: what the
	// blend costs to train.
	Seconds float64
	// Blend marks the rows of the honest blend and stack.
	Blend bool
}

// Result is what Auto found.
type Result struct {
	// Board holds one entry per candidate and one for the blend, sorted by
	// overall WAPE (NaN last); ties keep the candidates' order, the blend
	// after them.
	Board []Entry
	// Reports are the backtests in the candidates' order, then the
	// blend's, the best-mean's and the stack's (their Segments are empty
	// and Coverage NaN).
	Reports []*backtest.Report
	// Weights are the blend's nested and final weights; nil with fewer
	// than two candidates.
	Weights *Nested
	// BestMean are the best-mean's nested and final weights; nil with
	// fewer than two candidates.
	BestMean *Nested
	// Stack are the stack's nested and final weights, without and with a
	// promotion; nil with fewer than two candidates.
	Stack *StackWeights
	// Winner is Board[0].Model.
	Winner string

	candidates []Candidate
}

// BlendName, BestMeanName and StackName are the names of the blend, the
// best-mean and the stack on the leaderboard.
const (
	BlendName    = "blend"
	BestMeanName = "best_mean"
	StackName    = "stack"
)

// Auto backtests every candidate on the prepared panel with backtest.Run,
// adds three honest combinations of them, each with weights per fold
// chosen on earlier folds only: the blend (weights fitted to least
// absolute error, see NestedWeights), the best-mean (the leaders averaged,
// see NestedBestMean) and the stack (blend weights per promotion state,
// see NestedStack), and ranks them all by overall WAPE. With more than one
// candidate it runs one extra, older fold that no model is scored on: it
// gives the first scored fold's weights data to be chosen on, so every
// model, the combinations included, is scored on the same opt.Folds folds.
// With one candidate there are no combinations.
func Auto(pr *forecast.Prepared, opt backtest.Options, candidates []Candidate) (*Result, error) {
	return autoBy(pr, opt, candidates, MetricWAPE)
}

// autoBy is Auto with the best-mean ranking its members by metric.
func autoBy(pr *forecast.Prepared, opt backtest.Options, candidates []Candidate, metric string) (*Result, error) {
	if len(candidates) == 0 {
		return nil, fmt.Errorf("auto: no candidate models")
	}
	seen := map[string]bool{}
	for _, c := range candidates {
		switch {
		case c.Name == "" || c.Name == BlendName || c.Name == BestMeanName || c.Name == StackName || seen[c.Name]:
			return nil, fmt.Errorf("auto: candidate name %q is empty, reserved or repeated", c.Name)
		case c.Fit == nil:
			return nil, fmt.Errorf("auto: candidate %s has no fit", c.Name)
		}
		seen[c.Name] = true
	}
	res := &Result{candidates: candidates}
	run := opt
	run.Folds = FoldsFitted(len(candidates), opt.Folds)
	warm := run.Folds - opt.Folds
	secs := make([]float64, len(candidates))
	bc := make([]backtest.Candidate, len(candidates))
	for k, c := range candidates {
		bc[k] = backtest.Candidate{Name: c.Name, Fit: c.Fit}
	}
	full, err := backtest.Run(pr, run, bc)
	if errors.Is(err, backtest.ErrShortHistory) && warm > 0 {
		return nil, fmt.Errorf("auto: %w: the %d fold(s) asked for and %d before them, on which the candidates are compared, so that each scored fold's choice is made on earlier folds", err, opt.Folds, warm)
	}
	if err != nil {
		return nil, fmt.Errorf("auto: %w", err)
	}
	for k, rep := range full {
		secs[k] = rep.Seconds
		scored := rep
		if warm > 0 {
			if scored, err = rep.Since(pr, run, warm); err != nil {
				return nil, fmt.Errorf("auto: %w", err)
			}
		}
		res.Reports = append(res.Reports, scored)
		res.Board = append(res.Board, entry(scored, secs[k]))
	}
	if len(candidates) > 1 {
		start := time.Now()
		nw, err := NestedWeights(full)
		if err != nil {
			return nil, fmt.Errorf("auto: %w", err)
		}
		if err := res.addCombined(pr, run, warm, full, BlendName, nw.Blended, secs, start, nw.Final); err != nil {
			return nil, err
		}
		res.Weights = nw
		start = time.Now()
		bm, err := NestedBestMeanBy(full, BestTrim, metric)
		if err != nil {
			return nil, fmt.Errorf("auto: %w", err)
		}
		if err := res.addCombined(pr, run, warm, full, BestMeanName, bm.Blended, secs, start, bm.Final); err != nil {
			return nil, err
		}
		res.BestMean = bm
		start = time.Now()
		sw, err := NestedStack(full)
		if err != nil {
			return nil, fmt.Errorf("auto: %w", err)
		}
		used := make([]float64, len(candidates))
		for k := range used {
			used[k] = sw.Off.Final[k] + sw.On.Final[k]
		}
		if err := res.addCombined(pr, run, warm, full, StackName, sw.Blended, secs, start, used); err != nil {
			return nil, err
		}
		res.Stack = sw
	}
	sort.SliceStable(res.Board, func(a, b int) bool {
		wa, wb := res.Board[a].WAPE, res.Board[b].WAPE
		if math.IsNaN(wb) {
			return !math.IsNaN(wa)
		}
		return wa < wb
	})
	res.Winner = res.Board[0].Model
	return res, nil
}

// FoldsFitted is how many rolling origins Auto (and Default) fit each of
// n candidates on to score folds folds: one more, the unscored warm-up
// fold, when there is more than one candidate to combine.
func FoldsFitted(n, folds int) int {
	if n > 1 {
		return folds + 1
	}
	return folds
}

// addCombined scores a combination of the candidates' backtests (the
// blend or the stack), whose forecasts forecasts gives, and adds it to the
// reports and the board. Its seconds are those since start (its weight
// search) plus the backtests of the members final weighs above 0.
func (res *Result) addCombined(pr *forecast.Prepared, run backtest.Options, warm int, full []*backtest.Report, name string,
	forecasts func([]*backtest.Report) ([]float64, error), secs []float64, start time.Time, final []float64) error {
	f, err := forecasts(full)
	if err != nil {
		return fmt.Errorf("auto: %w", err)
	}
	rep, err := combinedReport(pr, run, full[0], name, f)
	if err != nil {
		return fmt.Errorf("auto: %w", err)
	}
	if rep, err = rep.Since(pr, run, warm); err != nil {
		return fmt.Errorf("auto: %w", err)
	}
	s := time.Since(start).Seconds()
	for k, w := range final {
		if w > 0 {
			s += secs[k]
		}
	}
	res.Reports = append(res.Reports, rep)
	e := entry(rep, s)
	e.Blend = true
	res.Board = append(res.Board, e)
	return nil
}

func entry(r *backtest.Report, secs float64) Entry {
	return Entry{Model: r.Model, WAPE: r.Overall.WAPE, WAPEPromo: r.Promo.WAPE, WAPENonPromo: r.NonPromo.WAPE,
		MASE: r.Overall.MASE, Bias: r.Overall.Bias, Seconds: secs}
}

// Deploy returns the learner kind and the Fit of the winner, to train the
// model to ship on the whole history (forecast.Prepared.Train). A winning
// blend or best-mean trains its members of positive final weight and
// blends them with the final weights, members floored at 0, a best-mean
// scaled by its final point scale when it has one; a winning
// stack does the same with its two sets of final weights. Their kind is
// Kind.
func (r *Result) Deploy() (kind string, fit forecast.Fit) {
	switch r.Winner {
	case BlendName, BestMeanName:
		final := r.Weights.Final
		if r.Winner == BestMeanName {
			final = r.BestMean.Final
		}
		var ms []Weighted
		for k, c := range r.candidates {
			ms = append(ms, Weighted{Kind: c.kind(), Fit: c.Fit, Weight: final[k]})
		}
		if r.Winner == BestMeanName && r.BestMean.Scale != 0 {
			return Kind, ScaledBlend(FitBlend(ms, true), r.BestMean.Scale)
		}
		return Kind, FitBlend(ms, true)
	case StackName:
		var ms []Weighted
		for k, c := range r.candidates {
			ms = append(ms, Weighted{Kind: c.kind(), Fit: c.Fit, Weight: r.Stack.Off.Final[k]})
		}
		return Kind, FitStack(ms, r.Stack.On.Final, true)
	}
	for _, c := range r.candidates {
		if c.Name == r.Winner {
			return c.kind(), c.Fit
		}
	}
	return "", nil
}

// combinedReport scores forecasts f of first's backtest rows like
// backtest.Run scores a model: overall, promotion, non-promotion and
// per-fold metrics with the same MASE scales.
func combinedReport(pr *forecast.Prepared, opt backtest.Options, first *backtest.Report, name string, f []float64) (*backtest.Report, error) {
	origins := backtest.Origins(pr.Panel.Last, opt)
	scales := backtest.MASEScales(pr, origins)
	rep := &backtest.Report{Model: name, Coverage: math.NaN(), Predictions: make([]backtest.Prediction, len(f))}
	folds := make([]metric.Forecast, len(origins))
	var all, promo, non metric.Forecast
	for i, p := range first.Predictions {
		p.Forecast = f[i]
		rep.Predictions[i] = p
		if p.Fold >= len(origins) {
			return nil, fmt.Errorf("backtest row %d is in fold %d of %d", i, p.Fold+1, len(origins))
		}
		sc := scales[p.Fold][p.Series]
		for _, acc := range []*metric.Forecast{&all, &folds[p.Fold]} {
			if err := acc.Add(p.Actual, p.Forecast, sc); err != nil {
				return nil, fmt.Errorf("blend, backtest row %d: %w", i, err)
			}
		}
		if p.Promoted {
			promo.Add(p.Actual, p.Forecast, sc)
		} else {
			non.Add(p.Actual, p.Forecast, sc)
		}
	}
	rep.Overall, rep.Promo, rep.NonPromo = all.Summary(), promo.Summary(), non.Summary()
	for k := range origins {
		fs := backtest.FoldScores{Origin: pr.Panel.Grid.Label(origins[k]), Scores: folds[k].Summary()}
		if k < len(first.Folds) {
			fs.TrainRows = first.Folds[k].TrainRows
		}
		rep.Folds = append(rep.Folds, fs)
	}
	return rep, nil
}
