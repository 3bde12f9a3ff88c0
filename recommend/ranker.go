package recommend

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"runtime"
	"slices"

	"promocast/data"
	"promocast/envelope"
	"promocast/learn/gbdt"
	"promocast/model"
)

// Settings configures Fit. The zero value means the defaults listed on each
// field and its type; they were chosen on the validation customers' last
// history baskets (see the README), never on held-out next baskets.
type Settings struct {
	TIFU       TIFU
	KNN        KNN
	EASE       EASE
	Candidates Candidates
	// Trees configures the re-ranker's boosting. Its objective is always
	// logistic; zero fields mean 400 rounds, learning rate 0.05, 31
	// leaves, minimum child weight 5, early stopping after 30 rounds
	// without progress on the validation customers.
	Trees gbdt.Params
	// ValidShare is the share of customers held out of the re-ranker's
	// training to stop boosting, calibrate the probabilities and report
	// validation scores; default 0.2.
	ValidShare float64
	// NewNegatives is the share of new-item candidates that were not
	// bought kept to train the trees (weighted up by its inverse), which
	// makes training several times faster; default 0.25, 1 keeps all.
	NewNegatives float64
	// MaxFitCustomers is the most customers the re-ranker learns from,
	// training and validation together, drawn at random by customer id
	// when there are more; default 500,000. It bounds the memory of
	// fitting: each customer brings about 40 to 100 candidate rows of 184
	// bytes. Recommend and Evaluate score every customer, a block at a
	// time, whatever their number.
	MaxFitCustomers int
	// Seed chooses the validation customers and seeds the trees.
	Seed uint64
	// Threads is the number of goroutines; 0 means GOMAXPROCS. Results do
	// not depend on it.
	Threads int
}

func (s Settings) withDefaults() (Settings, error) {
	s.TIFU = s.TIFU.withDefaults()
	s.KNN = s.KNN.withDefaults()
	s.EASE = s.EASE.withDefaults()
	s.Candidates = s.Candidates.withDefaults()
	t := &s.Trees
	t.Objective = gbdt.Logistic
	if t.Rounds == 0 {
		t.Rounds = 400
	}
	if t.LearningRate == 0 {
		t.LearningRate = 0.05
	}
	if t.MinChildWeight == 0 {
		t.MinChildWeight = 5
	}
	if t.EarlyStoppingRounds == 0 {
		t.EarlyStoppingRounds = 30
	}
	if s.ValidShare == 0 {
		s.ValidShare = 0.2
	}
	if !(s.ValidShare > 0 && s.ValidShare < 1) {
		return s, fmt.Errorf("recommend: ValidShare is %v: expected a share in (0, 1)", s.ValidShare)
	}
	if s.NewNegatives == 0 {
		s.NewNegatives = 0.25
	}
	if !(s.NewNegatives > 0 && s.NewNegatives <= 1) {
		return s, fmt.Errorf("recommend: NewNegatives is %v: expected a share in (0, 1]", s.NewNegatives)
	}
	if s.MaxFitCustomers == 0 {
		s.MaxFitCustomers = 500_000
	}
	if s.MaxFitCustomers < 0 {
		return s, fmt.Errorf("recommend: MaxFitCustomers is %d: expected a positive count", s.MaxFitCustomers)
	}
	if s.Threads < 0 {
		return s, fmt.Errorf("recommend: Threads is %d: expected 0 (all cores) or a positive count", s.Threads)
	}
	if s.Threads == 0 {
		s.Threads = runtime.GOMAXPROCS(0)
	}
	t.Seed, t.Threads = s.Seed, s.Threads
	return s, nil
}

// Model is a fitted re-ranker: the boosted trees over the candidate
// features and the calibration of their probabilities. It marshals to JSON.
// The neighbour models and item statistics are not part of it: they are
// closed-form and are computed again from the history given to Recommend.
type Model struct {
	Settings    Settings    `json:"settings"`
	Trees       *gbdt.Model `json:"trees"`
	Calibration *Isotonic   `json:"calibration"`
}

// fileFormat is the model file's envelope (docs/model-format.md).
var fileFormat = envelope.Format{Name: "promocast-recommend", Version: 1, Noun: "promocast next-basket model file"}

// FitReport says what Fit did.
type FitReport struct {
	TrainCustomers, ValidCustomers int
	TrainRows, ValidRows           int
	Rounds                         int
	// Validation holds the re-ranker and every baseline scored on the
	// validation customers' last history baskets, at k = 10.
	Validation []MethodScores
}

// Fit learns the re-ranker from history. Labels are each customer's last
// basket; features, candidates, item statistics and neighbour models come
// from the baskets before it only, so nothing of a label basket is seen.
// Customers with a single basket give no training rows.
func Fit(history *Baskets, given Settings) (*Model, *FitReport, error) {
	s, err := given.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	head, last := history.Split()
	v, err := newView(head, s)
	if err != nil {
		return nil, nil, err
	}
	var train, valid []int32
	fitting := 0
	for c := range head.Customers {
		if head.NumBaskets(c) > 0 {
			fitting++
		}
	}
	keep := min(1, float64(s.MaxFitCustomers)/float64(max(1, fitting)))
	for c := range head.Customers {
		if head.NumBaskets(c) == 0 || customerDraw(head.Customers[c], s.Seed+1) >= keep {
			continue
		}
		if inValidation(head.Customers[c], s) {
			valid = append(valid, int32(c))
		} else {
			train = append(train, int32(c))
		}
	}
	if len(train) == 0 || len(valid) == 0 {
		return nil, nil, fmt.Errorf("recommend: %d training and %d validation customers with two baskets or more: need some of each", len(train), len(valid))
	}
	tt := buildTable(v, train, s, last, true)
	vt := buildTable(v, valid, s, last, false)
	trees, err := gbdt.Train(tt.dataset(), vt.dataset(), s.Trees)
	if err != nil {
		return nil, nil, fmt.Errorf("recommend: train the re-ranker: %w", err)
	}
	// The model keeps the thread count it was given, not the one it ran
	// with, so that the file does not depend on the machine.
	m := &Model{Settings: s, Trees: trees}
	m.Settings.Threads, m.Settings.Trees.Threads = given.Threads, given.Trees.Threads
	raw, err := m.predictRaw(vt)
	if err != nil {
		return nil, nil, err
	}
	if m.Calibration, err = FitIsotonic(raw, vt.y); err != nil {
		return nil, nil, err
	}
	rep := &FitReport{
		TrainCustomers: len(train), ValidCustomers: len(valid),
		TrainRows: len(tt.item), ValidRows: len(vt.item), Rounds: len(trees.Trees),
	}
	ev := newEvaluation([]int{10})
	ev.run(v, vt, raw, m.Calibration, last)
	rep.Validation = ev.methods
	return m, rep, nil
}

// inValidation reports whether the customer is held out for validation,
// by a hash of the seed and the customer id, so the choice does not depend
// on the order of the input.
func inValidation(id string, s Settings) bool {
	return customerDraw(id, s.Seed) < s.ValidShare
}

// customerDraw returns a number in [0, 1) drawn from the seed and the
// customer id alone.
func customerDraw(id string, seed uint64) float64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(seed >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(id))
	return unit(h.Sum64())
}

// unit maps a hash to [0, 1), first mixing its bits with SplitMix64's
// finaliser: FNV-1a alone leaves the high bits nearly equal for ids that
// differ only in their last characters.
func unit(h uint64) float64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return float64(h>>11) / float64(1<<53)
}

// dataset wraps the table for the tree learner.
func (t *table) dataset() *model.Dataset {
	return &model.Dataset{
		X:        &data.Matrix{Rows: len(t.item), Cols: len(featureNames), Values: t.x},
		Y:        t.y,
		W:        t.w,
		Features: features(),
	}
}

// predictRaw returns the trees' probability for every row of t.
func (m *Model) predictRaw(t *table) ([]float64, error) {
	out := make([]float64, len(t.item))
	if len(out) == 0 {
		return out, nil
	}
	if err := m.Trees.Predict(t.dataset().X, out); err != nil {
		return nil, fmt.Errorf("recommend: score candidates: %w", err)
	}
	return out, nil
}

// Pick is one recommended item.
type Pick struct {
	Item string `json:"item"`
	// Probability is the calibrated probability that the item is in the
	// customer's next basket.
	Probability float64 `json:"probability"`
	// Repeat is true when the customer bought the item before.
	Repeat bool `json:"repeat"`
}

// Recommendation is one customer's top items, most likely first.
type Recommendation struct {
	Customer string `json:"customer"`
	Items    []Pick `json:"items"`
}

// Recommend returns the top k items of every customer of history with at
// least one basket, in the history's customer order.
func (m *Model) Recommend(history *Baskets, k int) ([]Recommendation, error) {
	if k <= 0 {
		return nil, fmt.Errorf("recommend: k is %d: expected a positive number of items", k)
	}
	v, err := newView(history, m.Settings)
	if err != nil {
		return nil, err
	}
	var custs []int32
	for c := range history.Customers {
		if history.NumBaskets(c) > 0 {
			custs = append(custs, int32(c))
		}
	}
	out := make([]Recommendation, 0, len(custs))
	var order []int
	err = m.scoreBlocks(v, custs, nil, func(t *table, raw []float64) {
		for i := range t.customers {
			out = append(out, m.recommendation(history, t, i, raw, k, &order))
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// recommendation returns the top k items of the table's i-th customer.
func (m *Model) recommendation(history *Baskets, t *table, i int, raw []float64, k int, order *[]int) Recommendation {
	*order = t.ranked(i, raw, (*order)[:0])
	rec := Recommendation{Customer: history.Customers[t.customers[i]], Items: []Pick{}}
	for _, r := range (*order)[:min(k, len(*order))] {
		rec.Items = append(rec.Items, Pick{
			Item:        history.Catalog.Item(t.item[r]),
			Probability: m.Calibration.Apply(raw[r]),
			Repeat:      t.x[r*len(featureNames)] == 1,
		})
	}
	return rec
}

// Recommender answers one customer at a time from a history whose item
// statistics and neighbour models it computed once; it is safe for
// concurrent use.
type Recommender struct {
	m       *Model
	history *Baskets
	v       *view
}

// NewRecommender prepares m to recommend to the customers of history.
func (m *Model) NewRecommender(history *Baskets) (*Recommender, error) {
	v, err := newView(history, m.Settings)
	if err != nil {
		return nil, err
	}
	return &Recommender{m: m, history: history, v: v}, nil
}

// Recommend returns the customer's top k items; ok is false when the
// history has no baskets of theirs.
func (r *Recommender) Recommend(customer string, k int) (rec Recommendation, ok bool, err error) {
	if k <= 0 {
		return rec, false, fmt.Errorf("recommend: k is %d: expected a positive number of items", k)
	}
	c, found := r.history.Customer(customer)
	if !found || r.history.NumBaskets(c) == 0 {
		return rec, false, nil
	}
	s := r.m.Settings
	s.Threads = 1
	t := buildTable(r.v, []int32{int32(c)}, s, nil, false)
	raw, err := r.m.predictRaw(t)
	if err != nil {
		return rec, false, err
	}
	var order []int
	return r.m.recommendation(r.history, t, 0, raw, k, &order), true, nil
}

// scoreBlock is how many customers scoreBlocks scores at a time: it bounds
// the memory of candidate rows whatever the number of customers.
const scoreBlock = 2048

// scoreBlocks builds the candidate rows of custs a block of customers at a
// time, scores them with the trees and hands each block to fn, in order.
func (m *Model) scoreBlocks(v *view, custs []int32, labels *Baskets, fn func(t *table, raw []float64)) error {
	for lo := 0; lo < len(custs); lo += scoreBlock {
		t := buildTable(v, custs[lo:min(len(custs), lo+scoreBlock)], m.Settings, labels, false)
		raw, err := m.predictRaw(t)
		if err != nil {
			return err
		}
		fn(t, raw)
	}
	return nil
}

// ranked appends the rows of the table's i-th customer ordered by raw
// score, highest first, ties by lower item code.
func (t *table) ranked(i int, raw []float64, order []int) []int {
	for r := t.start[i]; r < t.start[i+1]; r++ {
		order = append(order, r)
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(raw[b], raw[a]); c != 0 {
			return c
		}
		return cmp.Compare(t.item[a], t.item[b])
	})
	return order
}

// MarshalModel returns the model file's bytes: the model's JSON in
// promocast's checksummed envelope (format promocast-recommend).
func MarshalModel(m *Model) ([]byte, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("recommend: write model: %w", err)
	}
	return fileFormat.Seal("", body)
}

// UnmarshalModel reads a model file written by MarshalModel; name labels
// errors.
func UnmarshalModel(b []byte, name string) (*Model, error) {
	_, _, body, err := fileFormat.Open(b, name)
	if err != nil {
		return nil, err
	}
	var m Model
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if m.Trees == nil || m.Calibration == nil {
		return nil, fmt.Errorf("%s: the model has no trees or no calibration", name)
	}
	if m.Trees.NumFeatures() != len(featureNames) {
		return nil, fmt.Errorf("%s: the model has %d features: expected %d", name, m.Trees.NumFeatures(), len(featureNames))
	}
	return &m, nil
}
