package train

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"promocast/backtest"
	"promocast/data"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn/gbdt"
	"promocast/spec"
	"promocast/synth"
)

// shop is a small synthetic shop: 8 SKUs over half a year of days.
func shop(t *testing.T) (*data.Frame, *spec.Spec) {
	return shopUntil(t, time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC))
}

// shopUntil is shop's 8 SKUs from 2024-01-01 to end.
func shopUntil(t *testing.T, end time.Time) (*data.Frame, *spec.Spec) {
	t.Helper()
	return shopOf(t, 8, end)
}

// shopOf is a synthetic shop of skus SKUs from 2024-01-01 to end.
func shopOf(t *testing.T, skus int, end time.Time) (*data.Frame, *spec.Spec) {
	t.Helper()
	s, err := synth.Generate(synth.Config{Seed: 3, SKUs: skus, PlanDays: 7,
		Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), End: end})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Parse([]byte(synth.Spec()))
	if err != nil {
		t.Fatal(err)
	}
	return s.History, sp
}

// TestZeroOptions checks that the zero Options train ChooseModel's learner
// with the default horizon, calibrated intervals and the metrics a model
// file keeps.
func TestZeroOptions(t *testing.T) {
	hist, sp := shop(t)
	res, err := Run(hist, sp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	if want := ChooseModel(res.Panel, Options{}.Learn, true).Model; res.Chosen.Model != want || m.Kind != ensemble.Kind {
		t.Errorf("shipped %s (kind %s), want ChooseModel's %s deployed as a %s", res.Chosen.Model, m.Kind, want, ensemble.Kind)
	}
	for _, k := range []string{"default_weight_gbdt", "default_weight_gbdt_log", "default_wape_gbdt", "default_wape_gbdt_log"} {
		if _, ok := res.Metrics[k]; !ok {
			t.Errorf("the model file does not record the default's choice: no %s in %v", k, res.Metrics)
		}
	}
	if m.Effects == nil || len(m.Effects.Series) == 0 {
		t.Error("the model has no promotion-effect model")
	}
	// 8 SKUs × 182 days: a small panel's trees, recorded and trained with.
	want := gbdt.PanelParams(observed(res.Panel))
	if want.MaxLeaves != 15 || res.Metrics["default_max_leaves"] != 15 || res.Metrics["default_rounds"] != float64(want.Rounds) {
		t.Errorf("settings for %d rows: %+v; the model file records %v", observed(res.Panel), want, res.Metrics)
	}
	for _, mem := range m.Predictor.(*ensemble.Blend).Members {
		inner := mem.Predictor
		if lm, ok := inner.(*forecast.LogModel); ok {
			inner = lm.Inner
		}
		g := inner.(*gbdt.Model)
		for _, tr := range g.Trees {
			leaves := 0
			for _, f := range tr.Feature {
				if f < 0 {
					leaves++
				}
			}
			if leaves > want.MaxLeaves {
				t.Fatalf("member %s grew a tree of %d leaves, more than the %d it was given", mem.Kind, leaves, want.MaxLeaves)
			}
		}
		if len(g.Trees) != want.Rounds {
			t.Errorf("member %s has %d trees, want %d", mem.Kind, len(g.Trees), want.Rounds)
		}
	}
	if m.Horizon != DefaultHorizon || m.Gap != 0 || m.Calibration == nil {
		t.Errorf("horizon %d, gap %d, calibration %v", m.Horizon, m.Gap, m.Calibration)
	}
	if len(res.Chosen.Folds) != DefaultFolds {
		t.Errorf("%d calibration folds, want %d", len(res.Chosen.Folds), DefaultFolds)
	}
	for _, k := range []string{"backtest_wape", "backtest_wape_promo", "backtest_mase", "backtest_bias"} {
		if _, ok := res.Metrics[k]; !ok {
			t.Errorf("metrics lack %s: %v", k, res.Metrics)
		}
	}
	if res.File().Model != m {
		t.Error("the model file holds another model")
	}
}

// TestMetricScalesThePoint checks that --metric mape, rmse and the
// balanced default ship the default's blend scaled by the point scale
// chosen on every calibration fold, record it in the model file, and
// scale it the way each metric rewards: MAPE's below the balanced one's,
// which is below RMSE's, since an over-forecast costs MAPE more than an
// under-forecast of the same units, WAPE charges both alike and squared
// error rewards the mean. --metric wape ships no scale, and neither does
// any metric on a panel whose calibration folds hold fewer than
// ensemble.MinScaleRows rows.
func TestMetricScalesThePoint(t *testing.T) {
	big, bigSpec := shopOf(t, 80, time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC))
	scales := map[string]float64{}
	for _, metric := range []string{ensemble.MetricWAPE, ensemble.MetricBalanced, ensemble.MetricMAPE, ensemble.MetricRMSE} {
		res, err := Run(big, bigSpec, Options{Metric: metric, NoEffects: true})
		if err != nil {
			t.Fatal(err)
		}
		b := res.Model.Predictor.(*ensemble.Blend)
		recorded, ok := res.Metrics["default_point_scale"]
		if metric == ensemble.MetricWAPE {
			if ok || b.Scale != 0 || res.Default.PointScale() != 1 {
				t.Errorf("wape: scale %v recorded (%v), blend scale %v", recorded, ok, b.Scale)
			}
			continue
		}
		if !ok || recorded != b.Scale || recorded != res.Default.PointScale() || recorded == 1 {
			t.Errorf("%s: recorded scale %v (%v), blend %v, chosen %v", metric, recorded, ok, b.Scale, res.Default.PointScale())
		}
		scales[metric] = b.Scale
	}
	if !(scales[ensemble.MetricMAPE] < scales[ensemble.MetricBalanced] && scales[ensemble.MetricBalanced] < scales[ensemble.MetricRMSE]) {
		t.Errorf("scales mape %v, balanced %v, rmse %v: want them rising in that order", scales[ensemble.MetricMAPE], scales[ensemble.MetricBalanced], scales[ensemble.MetricRMSE])
	}
	hist, sp := shop(t) // 8 SKUs: too few calibration rows to choose a scale from
	res, err := Run(hist, sp, Options{Metric: ensemble.MetricMAPE, NoEffects: true})
	if err != nil {
		t.Fatal(err)
	}
	_, recorded := res.Metrics["default_point_scale"]
	if sc := res.Model.Predictor.(*ensemble.Blend).Scale; res.Default.PointScale() != 1 || (sc != 0 && sc != 1) || recorded {
		t.Errorf("8 SKUs, mape: scale %v (recorded %v), want none from fewer than %d rows", res.Default.PointScale(), recorded, ensemble.MinScaleRows)
	}
}

// TestBestShipsLowestWAPE checks that Best ships the candidate whose
// backtest WAPE is lowest, and that its intervals come from that backtest.
func TestBestShipsLowestWAPE(t *testing.T) {
	hist, sp := shop(t)
	var notes []string
	res, err := Run(hist, sp, Options{Model: Best, Candidates: []string{"seasonal_naive", "ridge"}, Folds: 2, NoEffects: true,
		Progress: func(note string, done, total int) {
			notes = append(notes, note)
			if total != 4 {
				t.Errorf("progress total %d, want 2 folds × 2 models", total)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reports) != 2 || len(notes) != 4 {
		t.Fatalf("%d reports, progress %v", len(res.Reports), notes)
	}
	for _, r := range res.Reports {
		if r.Overall.WAPE < res.Chosen.Overall.WAPE {
			t.Errorf("shipped %s (WAPE %.4f) though %s has %.4f", res.Chosen.Model, res.Chosen.Overall.WAPE, r.Model, r.Overall.WAPE)
		}
	}
	if res.Model.Kind != res.Chosen.Model || res.Metrics["backtest_wape"] != res.Chosen.Overall.WAPE {
		t.Errorf("kind %s, metrics %v; chosen %s", res.Model.Kind, res.Metrics, res.Chosen.Model)
	}
}

// TestNoIntervals checks that skipping the backtest ships a model without
// intervals or metrics.
func TestNoIntervals(t *testing.T) {
	hist, sp := shop(t)
	res, err := Run(hist, sp, Options{Model: "ridge", NoIntervals: true, NoEffects: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Model.Kind != "ridge" || res.Model.Calibration != nil || res.Metrics != nil || res.Reports != nil {
		t.Errorf("kind %s, calibration %v, metrics %v, %d reports", res.Model.Kind, res.Model.Calibration, res.Metrics, len(res.Reports))
	}
}

// TestOptionsRefused checks the combinations the pipeline cannot run.
func TestOptionsRefused(t *testing.T) {
	hist, sp := shop(t)
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{Model: Auto, Folds: 1}, "at least 2 calibration folds"},
		{Options{Model: Best, NoIntervals: true}, "needs calibration folds"},
		{Options{Model: "ridge", Candidates: []string{"gbdt"}}, "do not apply to model ridge"},
		{Options{Folds: -1}, "-1 calibration folds"},
		{Options{Model: "xgboost"}, "xgboost"},
	} {
		if _, err := Run(hist, sp, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error with %q", c.opt, err, c.want)
		}
	}
}

// TestFittedElsewhere checks the contract of BacktestFits: the listed fits,
// made by backtest.FitFold on PrepareCompare's features and handed back
// through Options.Fitted, give Compare the same reports as fitting them
// itself, and Compare asks for exactly those fits.
func TestFittedElsewhere(t *testing.T) {
	hist, sp := shop(t)
	opt := Options{Model: Best, Candidates: []string{"seasonal_naive", ensemble.DefaultName}, Folds: 2, Segments: []string{"category"}}
	want, err := Compare(hist, sp, opt)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := PrepareCompare(hist, sp, opt)
	if err != nil {
		t.Fatal(err)
	}
	fits, err := BacktestFits(pr.Panel, opt)
	if err != nil {
		t.Fatal(err)
	}
	folds := map[string]*backtest.Fold{}
	for _, f := range fits {
		bopt := backtest.Options{Folds: f.Folds, Horizon: DefaultHorizon}
		for _, o := range backtest.Origins(pr.Panel.Last, bopt) {
			fold, err := backtest.FitFold(pr, bopt, backtest.Candidate{Name: f.Name, Fit: f.Fit}, o)
			if err != nil {
				t.Fatal(err)
			}
			folds[fmt.Sprint(f.Name, o)] = fold
		}
	}
	if len(fits) != 3 || len(folds) != 2*3+2 {
		t.Fatalf("fits %v, %d folds: want the default's two candidates on 3 origins and seasonal_naive on 2", fits, len(folds))
	}
	asked := 0
	opt.Fitted = func(name string, origin int) (*backtest.Fold, error) {
		f, ok := folds[fmt.Sprint(name, origin)]
		if !ok {
			return nil, fmt.Errorf("%s at %d was not fitted", name, origin)
		}
		asked++
		return f, nil
	}
	got, err := Compare(hist, sp, opt)
	if err != nil {
		t.Fatal(err)
	}
	if asked != len(folds) {
		t.Errorf("Compare took %d of the %d folds fitted", asked, len(folds))
	}
	if !reflect.DeepEqual(reportsText(want.Reports), reportsText(got.Reports)) {
		t.Error("reports differ when the folds are fitted elsewhere")
	}
}

// reportsText prints reports with %v, so that NaNs compare equal,
// leaving out the wall time they took.
func reportsText(reports []*backtest.Report) []string {
	var out []string
	for _, r := range reports {
		cp := *r
		cp.Seconds = 0
		out = append(out, fmt.Sprintf("%+v", cp))
	}
	return out
}

// A history too short for the default's calibration folds trains on the
// folds it holds (the default model's warm-up fold included), and one too
// short for any says what to change.
func TestShortHistoryCalibratesOnTheFoldsItHolds(t *testing.T) {
	hist, sp := shopUntil(t, time.Date(2024, 1, 30, 0, 0, 0, 0, time.UTC))
	res, err := Run(hist, sp, Options{Forecast: forecast.TrainOptions{Horizon: 7}})
	if err != nil {
		t.Fatal(err)
	}
	folds := map[int]bool{}
	for _, p := range res.Chosen.Predictions {
		folds[p.Fold] = true
	}
	if len(folds) < 1 || len(folds) >= DefaultFolds {
		t.Errorf("%d calibration folds of 7 days scored on 30 days: want fewer than the default %d, at least one", len(folds), DefaultFolds)
	}
	if _, err := Run(hist, sp, Options{Forecast: forecast.TrainOptions{Horizon: 20}}); !errors.Is(err, backtest.ErrShortHistory) ||
		!strings.Contains(err.Error(), "and 1 before them, on which the candidates are compared") {
		t.Errorf("30 days of history, a horizon of 20: error %v, want backtest.ErrShortHistory saying the default fits a fold more than asked", err)
	}
}
