package uplift

import (
	"fmt"
	"math"
	"sort"
)

// Config says which uplift model to fit. The zero value chooses among the
// four meta-learners on DefaultBases by 3-fold cross-validated Qini.
type Config struct {
	// Learner is one of Learners() or LearnerAuto (the default when
	// empty): choose by cross-validated Qini.
	Learner string
	// Bases are the base learners to build from; empty means
	// DefaultBases(). With more than one base (or LearnerAuto), Fit
	// cross-validates every learner × base pair and keeps the best.
	Bases []Base
	// Folds is the number of cross-validation folds used to choose; 0
	// means 3.
	Folds int
	// CrossFit is the number of folds the DR-learner's outcome and
	// propensity models are cross-fitted on; 0 means 2.
	CrossFit int
	// Clip bounds propensities to [Clip, 1−Clip] where the X- and
	// DR-learners divide by or weight with them; 0 means 0.01.
	Clip float64
	// Seed seeds the folds and the base learners' sampling.
	Seed uint64
	// Threads is the goroutines each boosted model trains with; 0 means
	// GOMAXPROCS. Results do not depend on it.
	Threads int
	// Progress, when set, is called with a line of text as each
	// candidate is cross-validated.
	Progress func(msg string)
}

func (c Config) validate() (Config, error) {
	if c.Learner == "" {
		c.Learner = LearnerAuto
	}
	known := c.Learner == LearnerAuto
	for _, l := range Learners() {
		known = known || c.Learner == l
	}
	if !known {
		return c, fmt.Errorf("uplift: unknown learner %q: expected s, t, x, dr or auto", c.Learner)
	}
	if len(c.Bases) == 0 {
		c.Bases = DefaultBases()
		if c.Learner != LearnerAuto {
			c.Bases = c.Bases[:1]
		}
	}
	bases := make([]Base, len(c.Bases))
	for i, b := range c.Bases {
		var err error
		if bases[i], err = b.validate(); err != nil {
			return c, err
		}
	}
	c.Bases = bases
	if c.Folds == 0 {
		c.Folds = 3
	}
	if c.Folds < 2 {
		return c, fmt.Errorf("uplift: Folds is %d: expected at least 2", c.Folds)
	}
	if c.CrossFit == 0 {
		c.CrossFit = 2
	}
	if c.CrossFit < 2 {
		return c, fmt.Errorf("uplift: CrossFit is %d: expected at least 2", c.CrossFit)
	}
	if c.Clip == 0 {
		c.Clip = 0.01
	}
	if !(c.Clip > 0 && c.Clip < 0.5) {
		return c, fmt.Errorf("uplift: Clip is %v: expected a number in (0, 0.5)", c.Clip)
	}
	if c.Threads < 0 {
		return c, fmt.Errorf("uplift: Threads is %d: expected 0 (all cores) or a positive count", c.Threads)
	}
	return c, nil
}

// Candidate is one learner × base pair as cross-validation scored it.
type Candidate struct {
	Learner string `json:"learner"`
	Base    string `json:"base"`
	// Qini is the mean over folds of each treatment's normalised Qini.
	Qini []float64 `json:"qini"`
	// Mean is the mean of Qini over treatments: what the choice ranks by.
	Mean float64 `json:"mean"`
	// SD is the standard deviation over folds of that mean.
	SD float64 `json:"sd"`
}

// Fit fits an uplift model on d. With one learner and one base it fits
// that; otherwise it cross-validates every pair on d (folds stratified by
// arm and outcome), refits the one with the best mean normalised Qini on
// all of d and records the scores in Model.Selection.
func Fit(d *Data, cfg Config) (*Model, error) {
	cfg, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	if err := d.Check(); err != nil {
		return nil, err
	}
	learners := []string{cfg.Learner}
	if cfg.Learner == LearnerAuto {
		learners = Learners()
	}
	fitterOf := func(b Base) fitter { return fitter{base: b, threads: cfg.Threads, seed: cfg.Seed} }
	if len(learners) == 1 && len(cfg.Bases) == 1 {
		return fitLearner(d, learners[0], fitterOf(cfg.Bases[0]), cfg.CrossFit, cfg.Clip)
	}
	type pair struct {
		learner string
		base    Base
	}
	var pairs []pair
	for _, b := range cfg.Bases {
		for _, l := range learners {
			pairs = append(pairs, pair{l, b})
		}
	}
	K := d.Treatments()
	// scores[p][fold][k]
	scores := make([][][]float64, len(pairs))
	fold := assignFolds(d, allRows(d.Rows()), cfg.Folds, cfg.Seed)
	for j := 0; j < cfg.Folds; j++ {
		var train, test []int
		for i, f := range fold {
			if f == j {
				test = append(test, i)
			} else {
				train = append(train, i)
			}
		}
		tr, te := d.Subset(train), d.Subset(test)
		for p, pr := range pairs {
			if cfg.Progress != nil {
				cfg.Progress(fmt.Sprintf("fold %d/%d: %s-learner on %s", j+1, cfg.Folds, pr.learner, pr.base.label()))
			}
			m, err := fitLearner(tr, pr.learner, fitterOf(pr.base), cfg.CrossFit, cfg.Clip)
			if err != nil {
				return nil, fmt.Errorf("cross-validation fold %d: %w", j+1, err)
			}
			s, err := m.Uplift(te.X)
			if err != nil {
				return nil, err
			}
			am, err := Score(te.Y, te.T, te.Arms, s)
			if err != nil {
				return nil, err
			}
			q := make([]float64, K)
			for k := range am {
				q[k] = am[k].Qini
			}
			scores[p] = append(scores[p], q)
		}
	}
	cands := make([]Candidate, len(pairs))
	for p, pr := range pairs {
		c := Candidate{Learner: pr.learner, Base: pr.base.label(), Qini: make([]float64, K)}
		means := make([]float64, cfg.Folds)
		for j, q := range scores[p] {
			for k, v := range q {
				c.Qini[k] += v / float64(cfg.Folds)
				means[j] += v / float64(K)
			}
		}
		c.Mean, c.SD = meanSD(means)
		cands[p] = c
	}
	best := 0
	for p := range cands {
		if cands[p].Mean > cands[best].Mean || math.IsNaN(cands[best].Mean) {
			best = p
		}
	}
	m, err := fitLearner(d, pairs[best].learner, fitterOf(pairs[best].base), cfg.CrossFit, cfg.Clip)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].Mean > cands[b].Mean })
	m.Selection = cands
	return m, nil
}

// meanSD returns the mean and population standard deviation of v.
func meanSD(v []float64) (mean, sd float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(v)))
}
