package gbdt

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"promocast/data"
	"promocast/model"
)

// ForestParams configures TrainForest and TrainCART. The zero value is a
// regression forest of 100 fully grown trees on bootstrap samples.
type ForestParams struct {
	// Classification makes the forest a binary classifier: targets are 0
	// or 1 and predictions are the probability of 1 (each tree predicts
	// its leaf's class share, which is the CART split on Gini impurity).
	// Otherwise the forest is a regressor on squared error.
	Classification bool
	// Trees is the number of trees; default 100.
	Trees int
	// MaxDepth limits the depth of a tree; 0 (default) means unlimited.
	MaxDepth int
	// MaxLeaves limits the leaves of a tree; 0 (default) means unlimited.
	MaxLeaves int
	// MinLeafWeight is the least weighted row count of a leaf; default 1.
	MinLeafWeight float64
	// FeatureFraction is the fraction of features each node may choose its
	// split from, drawn afresh per node; default 1/3 for regression and
	// 1/√features for classification. 1 lets every node use every feature.
	FeatureFraction float64
	// NoBootstrap grows every tree on all rows instead of a bootstrap
	// sample; there is no out-of-bag score then.
	NoBootstrap bool
	// Bins is the most histogram bins per feature, at most 255; default 255.
	Bins int
	// Seed seeds the bootstrap samples and feature draws.
	Seed uint64
	// Threads is the number of goroutines; 0 means GOMAXPROCS. The forest
	// does not depend on it.
	Threads int
}

// Forest is a random forest, or a single CART tree: its prediction is the
// mean of its trees' leaf values.
type Forest struct {
	Version        int             `json:"version"`
	Classification bool            `json:"classification,omitempty"`
	Features       []model.Feature `json:"features"`
	Trees          []Tree          `json:"trees"`
	// OOBScore is the out-of-bag R² of a regressor or accuracy of a
	// classifier, over the OOBRows rows that some tree did not sample.
	OOBScore float64 `json:"oob_score"`
	OOBRows  int     `json:"oob_rows"`

	flat  flatForest
	depth int
}

func (p ForestParams) validate(nfeat int) (ForestParams, error) {
	if p.Trees == 0 {
		p.Trees = 100
	}
	if p.Trees < 0 {
		return p, fmt.Errorf("gbdt: forest Trees is %d: expected a positive count", p.Trees)
	}
	if p.MaxDepth < 0 || p.MaxLeaves < 0 || p.MaxLeaves == 1 {
		return p, fmt.Errorf("gbdt: forest MaxDepth %d, MaxLeaves %d: expected 0 (unlimited) or a positive limit, and leaves ≥ 2", p.MaxDepth, p.MaxLeaves)
	}
	if p.MinLeafWeight == 0 {
		p.MinLeafWeight = 1
	}
	if !(p.MinLeafWeight > 0) {
		return p, fmt.Errorf("gbdt: forest MinLeafWeight is %v: expected a positive weight", p.MinLeafWeight)
	}
	if p.FeatureFraction == 0 {
		p.FeatureFraction = 1.0 / 3
		if p.Classification {
			p.FeatureFraction = 1 / math.Sqrt(float64(nfeat))
		}
	}
	if !(p.FeatureFraction > 0 && p.FeatureFraction <= 1) {
		return p, fmt.Errorf("gbdt: forest FeatureFraction is %v: expected a fraction in (0, 1]", p.FeatureFraction)
	}
	if p.Bins == 0 {
		p.Bins = 255
	}
	if p.Bins < 2 || p.Bins > 255 {
		return p, fmt.Errorf("gbdt: forest Bins is %d: expected 2 to 255", p.Bins)
	}
	bp, err := Params{Threads: p.Threads}.validate()
	if err != nil {
		return p, err
	}
	p.Threads = bp.Threads
	return p, nil
}

// TrainCART grows one CART decision tree on all rows with every feature
// available at every node: TrainForest with Trees 1, NoBootstrap and
// FeatureFraction 1.
func TrainCART(ds *model.Dataset, p ForestParams) (*Forest, error) {
	p.Trees, p.NoBootstrap, p.FeatureFraction = 1, true, 1
	return TrainForest(ds, p)
}

// TrainForest grows a random forest on ds. Each tree fits the standardised
// target by squared error (variance reduction, equivalently Gini impurity
// for 0/1 targets) on a bootstrap sample, choosing each split among a fresh
// random subset of features.
func TrainForest(ds *model.Dataset, p ForestParams) (*Forest, error) {
	if ds == nil || ds.X == nil {
		return nil, fmt.Errorf("gbdt: no training set")
	}
	p, err := p.validate(ds.X.Cols)
	if err != nil {
		return nil, err
	}
	var obj objective = squaredLoss{}
	if p.Classification {
		obj = classLabels{}
	}
	if err := checkDataset(ds, "training", obj); err != nil {
		return nil, err
	}
	b, err := binDataset(ds, p.Bins, p.Seed, p.Threads)
	if err != nil {
		return nil, err
	}
	cfg := growConfig{
		penalty:      penalty{minChildWeight: p.MinLeafWeight},
		maxDepth:     p.MaxDepth - 1, // 0 → −1, unlimited
		maxLeaves:    p.MaxLeaves - 1,
		threads:      p.Threads,
		monotone:     monotone(ds.Features),
		nodeFeatures: max(1, int(math.Round(p.FeatureFraction*float64(ds.X.Cols)))),
	}
	if p.MaxDepth > 0 {
		cfg.maxDepth = p.MaxDepth
	}
	if p.MaxLeaves > 0 {
		cfg.maxLeaves = p.MaxLeaves
	}
	if cfg.nodeFeatures >= ds.X.Cols {
		cfg.nodeFeatures = 0
	}
	rng := rand.New(rand.NewPCG(p.Seed, 0xda3e39cb94b95bdb))
	gr := newGrower(b, cfg, rng)

	n := ds.X.Rows
	mean := weightedMean(ds.Y, ds.W)
	var ss, sw float64
	for i, y := range ds.Y {
		ss += weightAt(ds.W, i) * (y - mean) * (y - mean)
		sw += weightAt(ds.W, i)
	}
	sd := math.Sqrt(ss / sw)
	if !(sd > 0) {
		sd = 1
	}
	f := &Forest{Version: FormatVersion, Classification: p.Classification,
		Features: append([]model.Feature(nil), ds.Features...)}
	g, h := make([]float64, n), make([]float64, n)
	count := make([]int32, n)
	oobSum, oobN := make([]float64, n), make([]int32, n)
	for range p.Trees {
		clear(count)
		if p.NoBootstrap {
			for i := range count {
				count[i] = 1
			}
		} else {
			for range n {
				count[rng.IntN(n)]++
			}
		}
		gr.rows = gr.rows[:0]
		for i := range n {
			c := float64(count[i]) * weightAt(ds.W, i)
			g[i] = -c * (ds.Y[i] - mean) / sd
			h[i] = c
			if count[i] > 0 {
				gr.rows = append(gr.rows, uint32(i))
			}
		}
		for k := range gr.treeFeatures {
			gr.treeFeatures[k] = true
		}
		t := gr.grow(g, h)
		for i := range t.Value {
			v := mean + sd*t.Value[i]
			if p.Classification {
				v = math.Min(math.Max(v, 0), 1)
			}
			t.Value[i] = v
		}
		for i := range n {
			if count[i] == 0 {
				oobSum[i] += t.Value[t.leaf(ds.X.Row(i))]
				oobN[i]++
			}
		}
		f.Trees = append(f.Trees, *t)
	}
	f.OOBScore, f.OOBRows = oobScore(ds, oobSum, oobN, p.Classification, mean)
	f.compile()
	return f, nil
}

// classLabels checks 0/1 class targets.
type classLabels struct{ squaredLoss }

func (classLabels) check(y []float64) error {
	for i, v := range y {
		if v != 0 && v != 1 {
			return fmt.Errorf("gbdt: target of row %d is %v: a classification forest needs 0 or 1", i, v)
		}
	}
	return nil
}

func oobScore(ds *model.Dataset, sum []float64, cnt []int32, classify bool, mean float64) (float64, int) {
	var rows int
	var res, tot, right, sw float64
	for i := range sum {
		if cnt[i] == 0 {
			continue
		}
		rows++
		w := weightAt(ds.W, i)
		pred := sum[i] / float64(cnt[i])
		y := ds.Y[i]
		res += w * (y - pred) * (y - pred)
		tot += w * (y - mean) * (y - mean)
		if (pred >= 0.5) == (y == 1) {
			right += w
		}
		sw += w
	}
	switch {
	case rows == 0 || sw == 0:
		return 0, rows
	case classify:
		return right / sw, rows
	case tot == 0:
		return 0, rows
	}
	return 1 - res/tot, rows
}

func (f *Forest) compile() {
	f.flat = flatten(f.Trees)
	f.depth = maxDepth(f.Trees)
}

// UnmarshalJSON decodes a forest and checks that its trees are well formed.
func (f *Forest) UnmarshalJSON(b []byte) error {
	type plain Forest
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("gbdt: decode forest: %w", err)
	}
	*f = Forest(p)
	if f.Version != FormatVersion {
		return fmt.Errorf("gbdt: forest format version %d: this build reads version %d", f.Version, FormatVersion)
	}
	if len(f.Trees) == 0 {
		return fmt.Errorf("gbdt: decode forest: no trees")
	}
	for i := range f.Trees {
		if err := f.Trees[i].check(len(f.Features)); err != nil {
			return fmt.Errorf("gbdt: forest tree %d: %w", i, err)
		}
	}
	f.compile()
	return nil
}

// Predict writes the mean of the trees' predictions for each row of X into
// out (X.Rows elements): the target for a regressor, the probability of
// class 1 for a classifier. It implements model.Predictor.
func (f *Forest) Predict(X *data.Matrix, out []float64) error {
	if err := checkPredict(X, out, len(f.Features)); err != nil {
		return err
	}
	clear(out)
	f.flat.predict(X, out)
	inv := 1 / float64(len(f.Trees))
	for i := range out {
		out[i] *= inv
	}
	return nil
}

// SHAP writes TreeSHAP contributions like Model.SHAP: X.Cols+1 values per
// row, the last the expected value, summing to the prediction.
func (f *Forest) SHAP(X *data.Matrix, out []float64) error {
	return treeSHAP(f.Trees, 0, 1/float64(len(f.Trees)), len(f.Features), f.depth, X, out)
}

// Importance returns the total gain, split count or cover per feature.
func (f *Forest) Importance(kind string) ([]float64, error) {
	return importance(f.Trees, len(f.Features), kind)
}
