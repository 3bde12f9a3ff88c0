package gbdt

import (
	"math"

	"promocast/tune"
)

// PanelSpace is the boosting settings tune searches on a forecasting
// panel (many rows, a few dozen features).
func PanelSpace() tune.Space {
	return tune.Space{
		"learning_rate":    tune.LogUniform(0.02, 0.3),
		"max_leaves":       tune.IntRange(8, 127),
		"min_child_weight": tune.LogUniform(1, 100),
		"col_subsample":    tune.Uniform(0.5, 1),
		"rounds":           tune.IntRange(50, 300),
	}
}

// TableSpace is the boosting settings tune searches on a table.
func TableSpace() tune.Space {
	return tune.Space{
		"learning_rate":    tune.LogUniform(0.02, 0.3),
		"max_leaves":       tune.IntRange(8, 127),
		"max_depth":        tune.IntRange(3, 10),
		"min_child_weight": tune.LogUniform(0.5, 50),
		"col_subsample":    tune.Uniform(0.5, 1),
		"row_subsample":    tune.Uniform(0.5, 1),
		"rounds":           tune.IntRange(50, 400),
	}
}

// ApplyTune sets the settings a search drew under the spaces' names,
// keeping the others.
func (g *Params) ApplyTune(p tune.Params) {
	g.LearningRate = p.Float("learning_rate", g.LearningRate)
	g.MaxLeaves = p.Int("max_leaves", g.MaxLeaves)
	g.MaxDepth = p.Int("max_depth", g.MaxDepth)
	g.MinChildWeight = p.Float("min_child_weight", g.MinChildWeight)
	g.ColSubsample = p.Float("col_subsample", g.ColSubsample)
	g.RowSubsample = p.Float("row_subsample", g.RowSubsample)
	g.Rounds = p.Int("rounds", g.Rounds)
}

// ForestPanelSpace is the random-forest settings tune searches on a
// forecasting panel.
func ForestPanelSpace() tune.Space {
	return tune.Space{
		"max_depth":       tune.IntRange(6, 20),
		"min_leaf_weight": tune.LogUniform(1, 200),
		"feature_share":   tune.Uniform(0.2, 0.8),
	}
}

// ForestTableSpace is the random-forest settings tune searches on a table.
func ForestTableSpace() tune.Space {
	return tune.Space{
		"max_depth":       tune.IntRange(4, 24),
		"min_leaf_weight": tune.LogUniform(1, 50),
		"feature_share":   tune.Uniform(0.1, 0.9),
	}
}

// TreeTableSpace is the single decision tree's settings tune searches on a
// table.
func TreeTableSpace() tune.Space {
	return tune.Space{
		"max_depth":       tune.IntRange(2, 16),
		"min_leaf_weight": tune.LogUniform(1, 100),
	}
}

// ApplyTune sets the forest (or tree) settings a search drew, keeping the
// others.
func (f *ForestParams) ApplyTune(p tune.Params) {
	f.MaxDepth = p.Int("max_depth", f.MaxDepth)
	f.MinLeafWeight = p.Float("min_leaf_weight", f.MinLeafWeight)
	f.FeatureFraction = p.Float("feature_share", f.FeatureFraction)
}

// PanelParams are the boosting settings scaled to a forecasting panel of
// rows observed periods, for the caller to fill the fields it left zero
// with. A tree's capacity grows with the rows there are to fill it, and
// the rounds with what a budget of rowRoundBudget row-rounds allows: each
// tree sees 80% of the rows (averaged, less correlated trees generalise
// better), half of them beyond the budget (on Breakfast at the Frat's
// 525,000 rows that was as accurate — backtest WAPE 29.6% against 29.9% —
// in less time), and a leaf's weight is at least one 20,000th of the
// panel's rows (at least 1). A forecasting panel weights each row by its
// series' scale (1 + recent level), so that bound is a few rows of a small
// series and a fraction of a row of a large one; weights rescaled to a mean
// of one, so that it counts rows, scored worse on three of the four suite
// panels (Breakfast WAPE 30.2% against 29.6%). Every tree may split on every feature: sampling
// features makes the model depend on how many columns restate one another
// (a covariate given twice moved tuna's backtest WAPE by 11%).
//
//	rows            rounds  learning rate  leaves  depth  rows per tree
//	< 10,000          200       0.05         15      4       80%
//	< 250,000         200       0.05         31      6       80%
//	≥ 250,000         100       0.1          31      6       50%
//
// Small panels get small trees, which do not chase one promotional spike;
// slow learning costs little where the rows are few, and a large panel
// keeps 100 rounds so that training time stays proportional to its rows.
// The default model's split histograms sum the exact gradients (tables
// and a learner named by --model keep quantised ones): with quantised ones the
// Breakfast backtest scored WAPE 30.1% against 29.6% (promotion weeks
// 32.3% against 31.4%) for 7% less time, and the three smaller panels
// moved within their noise.
func PanelParams(rows int) Params {
	p := Params{Rounds: 200, LearningRate: 0.05, MaxLeaves: 31, MaxDepth: 6, RowSubsample: 0.8, ColSubsample: 1, ExactGradients: true, ScreenOptional: true,
		MinChildWeight: math.Max(1, float64(rows)/20000)}
	if rows < 10000 {
		p.MaxLeaves, p.MaxDepth = 15, 4
	}
	if rows*p.Rounds > rowRoundBudget {
		p.Rounds, p.LearningRate, p.RowSubsample = 100, 0.1, 0.5
	}
	return p
}

// rowRoundBudget bounds rows × rounds of PanelParams' slow learning.
const rowRoundBudget = 50_000_000
