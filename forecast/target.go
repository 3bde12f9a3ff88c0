package forecast

import (
	"encoding/json"
	"fmt"
	"math"

	"promocast/data"
	"promocast/model"
)

// LevelFeature names the feature that holds log(1+level) = log(scale), the
// series' recent size at each row; LogTarget reads the row's scale from it.
const LevelFeature = "level_log"

// LogTarget returns a Fit that trains fit on the log of the target instead
// of the target itself: on z = log((1+y)/scale) = log(Y + 1/scale), where
// Y = y/scale is what every Fit is given and scale = exp(level_log). The
// predictor it returns predicts exp(ẑ) − 1/scale, so its output is in the
// same units as any other learner's (Y) and every caller (backtests,
// forecasts, blends, intervals) is unchanged.
//
// A squared loss in log space fits the conditional median of a right-skewed
// target rather than its mean: one promotional spike pulls a squared-loss
// fit on units far up, and a log fit barely, which is why forecasters of
// promotional demand fit log1p units. The median is also what minimises
// WAPE and what MAPE rewards. Weights are kept (the scale), so large series
// still count more, as they do in WAPE.
func LogTarget(fit Fit) Fit {
	return func(ds *model.Dataset) (model.Predictor, error) {
		col := levelColumn(ds.Features)
		z := make([]float64, len(ds.Y))
		for i, y := range ds.Y {
			z[i] = math.Log(math.Max(y, 0) + invScale(ds.X, i, col))
		}
		inner, err := fit(&model.Dataset{X: ds.X, Y: z, W: ds.W, Features: ds.Features})
		if err != nil {
			return nil, err
		}
		return &LogModel{Inner: inner, Level: col}, nil
	}
}

// invScale is 1/scale of row i: exp(−level_log), or 1 when there is no
// level column (a table that is not a forecasting panel: the plain
// log(1 + y) target).
func invScale(X *data.Matrix, i, col int) float64 {
	if col < 0 {
		return 1
	}
	return math.Exp(-X.At(i, col))
}

func levelColumn(fs []model.Feature) int {
	for j, f := range fs {
		if f.Name == LevelFeature {
			return j
		}
	}
	return -1
}

// LogModel is a predictor trained on the log target (LogTarget). Its
// inner predictor's output, and its SHAP values, are in log space.
type LogModel struct {
	Inner model.Predictor
	// Level is the column of the level_log feature, -1 for none (scale 1).
	Level int
}

// Predict writes exp(ẑ) − 1/scale per row: the target divided by the
// row's scale, as every forecasting predictor outputs.
func (m *LogModel) Predict(X *data.Matrix, out []float64) error {
	if m.Level >= X.Cols {
		return fmt.Errorf("log target: level column %d is outside the %d features", m.Level, X.Cols)
	}
	if err := m.Inner.Predict(X, out); err != nil {
		return err
	}
	for i := range out {
		out[i] = math.Exp(out[i]) - invScale(X, i, m.Level)
	}
	return nil
}

// SHAP attributes the log-space prediction (see Explainer); Drivers turns
// log-space differences into shares of the uplift in units.
func (m *LogModel) SHAP(X *data.Matrix, out []float64) error {
	ex, ok := m.Inner.(Explainer)
	if !ok {
		return fmt.Errorf("log target: the inner model does not explain its predictions")
	}
	return ex.SHAP(X, out)
}

// Explains reports whether the inner model explains.
func (m *LogModel) Explains() bool { return CanExplain(m.Inner) }

// SHAPVersus attributes the difference of two rows' log-space predictions
// (see VersusExplainer); Drivers turns it into shares of the uplift in
// units.
func (m *LogModel) SHAPVersus(X, Z *data.Matrix, out []float64) error {
	if !CanExplainVersus(m.Inner) {
		return fmt.Errorf("log target: the inner model does not attribute differences between rows")
	}
	return m.Inner.(VersusExplainer).SHAPVersus(X, Z, out)
}

// ExplainsVersus reports whether the inner model attributes differences
// between rows.
func (m *LogModel) ExplainsVersus() bool { return CanExplainVersus(m.Inner) }

// Importance passes on the inner model's feature importance, if it has one.
func (m *LogModel) Importance(kind string) ([]float64, error) {
	im, ok := m.Inner.(interface {
		Importance(kind string) ([]float64, error)
	})
	if !ok {
		return nil, fmt.Errorf("log target: the inner model has no feature importance")
	}
	return im.Importance(kind)
}

// logModelJSON is LogModel's stored form: the level column and the inner
// model's own JSON.
type logModelJSON struct {
	Transform string          `json:"transform"`
	Level     int             `json:"level_feature"`
	Inner     json.RawMessage `json:"inner"`
}

// logTransform names the transform in the stored form.
const logTransform = "log_scaled"

// MarshalJSON stores the transform, the level column and the inner model.
func (m *LogModel) MarshalJSON() ([]byte, error) {
	inner, err := json.Marshal(m.Inner)
	if err != nil {
		return nil, err
	}
	return json.Marshal(logModelJSON{Transform: logTransform, Level: m.Level, Inner: inner})
}

// DecodeLogModel reads a LogModel's JSON, decoding the inner model with
// decode.
func DecodeLogModel(raw []byte, decode func([]byte) (model.Predictor, error)) (*LogModel, error) {
	var j logModelJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, err
	}
	if j.Transform != logTransform {
		return nil, fmt.Errorf("log target model: transform %q: expected %q", j.Transform, logTransform)
	}
	if j.Level < -1 {
		return nil, fmt.Errorf("log target model: level column %d: expected a feature index or -1", j.Level)
	}
	inner, err := decode(j.Inner)
	if err != nil {
		return nil, fmt.Errorf("log target model: %w", err)
	}
	return &LogModel{Inner: inner, Level: j.Level}, nil
}
