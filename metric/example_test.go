package metric_test

import (
	"fmt"

	"promocast/metric"
)

// A backtest scores forecasts of two series with one accumulator. Each
// series' MASE scale comes from its own history before the forecast origin.
//
// Series 1: naive errors 2 1 2, scale 5/3; forecast errors 1 1.
// Series 2: naive errors 3 3 2, scale 8/3; forecast errors 1 2; one actual 0.
// WAPE = 5/30; MAPE = (1/12 + 1/14 + 2/4)/3; MASE = (2·3/5 + 3·3/8)/4;
// Bias = (1 − 1 + 1 − 2)/30.
func ExampleForecast() {
	type series struct {
		history, actual, forecast []float64
	}
	all := []series{
		{history: []float64{10, 12, 11, 13}, actual: []float64{12, 14}, forecast: []float64{13, 13}},
		{history: []float64{0, 3, 0, 2}, actual: []float64{0, 4}, forecast: []float64{1, 2}},
	}
	var acc metric.Forecast
	for _, s := range all {
		scale := metric.MASEScale(s.history, 1)
		for i := range s.actual {
			if err := acc.Add(s.actual[i], s.forecast[i], scale); err != nil {
				fmt.Println(err)
				return
			}
		}
	}
	sc := acc.Summary()
	fmt.Printf("N=%d WAPE=%.3f MAPE=%.3f (%d zero actuals skipped) MASE=%.3f Bias=%+.3f\n",
		sc.N, sc.WAPE, sc.MAPE, sc.ZeroActuals, sc.MASE, sc.Bias)
	// Output:
	// N=4 WAPE=0.167 MAPE=0.218 (1 zero actuals skipped) MASE=0.581 Bias=-0.033
}

func ExampleAUC() {
	labels := []float64{0, 0, 1, 1, 1, 0}
	probs := []float64{0.1, 0.4, 0.35, 0.8, 0.4, 0.5}
	auc, _ := metric.AUC(labels, probs, nil)
	ap, _ := metric.AveragePrecision(labels, probs, nil)
	c, _ := metric.Classify(labels, probs, nil, metric.DefaultThreshold)
	fmt.Printf("AUC=%.4f AP=%.4f F1=%.2f\n", auc, ap, c.F1())
	// Output:
	// AUC=0.6111 AP=0.7000 F1=0.40
}
