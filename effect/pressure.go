package effect

import (
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"

	"promocast/data"
	"promocast/forecast"
	"promocast/model"
)

// lever columns of the effect model, with their values d (one row per
// training row) and d's residuals after the controls.
type leverColumns struct {
	cols  []forecast.EffectColumn
	D, Dr [][]float64
}

// withPressure replaces the group's peer columns (promoted share and
// discount) by the peers' promotion pressure, forecast.PeerPressure, from
// the own effects of a first estimate est: each training row's peers'
// extra units under their own levers, as a share of the group's level.
// It is residualised on the controls X like every lever column. Without
// peer columns, or where the pressure does not vary, the columns are
// returned unchanged and replaced is false.
func withPressure(lc leverColumns, est estimates, pr *forecast.Prepared, rows, series []int, groupOf func(int) float64,
	X *data.Matrix, feats []model.Feature, opt Options) (lc2 leverColumns, replaced bool, err error) {
	var keep []int
	var peer *forecast.EffectColumn
	for j, c := range lc.cols {
		if c.Part == forecast.PartPeers {
			peer = &lc.cols[j]
			continue
		}
		keep = append(keep, j)
	}
	if peer == nil {
		return lc, false, nil
	}
	n := len(rows)
	lift, w, groups, periods := make([]float64, n), make([]float64, n), make([]float64, n), make([]int, n)
	for i, r := range rows {
		th := est.series[series[i]]
		for j, c := range lc.cols {
			if c.Own {
				lift[i] += th[j] * lc.D[j][i]
			}
		}
		w[i], groups[i], periods[i] = pr.Scales[r], groupOf(series[i]), pr.Refs[r].Period
	}
	p := forecast.PeerPressure(lift, w, groups, periods)
	if stat.Variance(p, nil) <= 1e-12 || math.IsNaN(floats.Sum(p)) {
		return lc, false, nil
	}
	res, err := crossFit(X, feats, [][]float64{p}, opt)
	if err != nil {
		return lc, false, err
	}
	pr2 := res[0]
	out := leverColumns{cols: pick(lc.cols, keep), D: pick(lc.D, keep), Dr: pick(lc.Dr, keep)}
	out.cols = append(out.cols, forecast.EffectColumn{Name: "peer promotions", Feature: peer.Feature, Index: peer.Index,
		Part: forecast.PartPeers, Pressure: true, Range: []float64{floats.Min(p), floats.Max(p)}})
	out.D, out.Dr = append(out.D, p), append(out.Dr, pr2)
	return out, true, nil
}
