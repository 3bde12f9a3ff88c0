// Package recommend predicts which items a customer buys in their next
// basket, with calibrated probabilities, and measures it the way the
// next-basket literature does.
//
// # Data
//
// Baskets holds every customer's baskets, oldest first, in compressed
// sparse form (no customers × items matrix anywhere). Read it from the
// long format (one row per purchased item: customer, basket id or time,
// item) or from the basket-sequence JSON of the next-basket benchmarks,
// sharing one Catalog so that a history and its next baskets agree on item
// codes:
//
//	cat := recommend.NewCatalog()
//	hist, err := recommend.Read("history.csv.gz", recommend.LongColumns{Basket: "date"}, cat)
//	next, err := recommend.Read("tafeng_future.json.gz", recommend.LongColumns{}, cat)
//
// # Fit, recommend, evaluate
//
//	m, rep, err := recommend.Fit(hist, recommend.Settings{})
//	recs, err := m.Recommend(hist, 10)        // top 10 per customer, with P(bought)
//	ev, err := m.Evaluate(hist, next, []int{10, 20})
//
// Fit holds out each customer's last basket as the label and builds
// everything else from the baskets before it: item statistics, item-KNN
// neighbours, the EASE^R weights, each customer's candidates (every item
// they bought, plus new items from EASE^R, item-KNN and popularity) and
// their features (how often, how recently and how regularly they bought
// the item, TIFU-KNN's time-decayed frequency, basket sizes, the item's
// popularity and repeat rate, neighbour scores). Gradient-boosted trees
// (package gbdt, logistic loss) learn P(item in next basket) on a share of
// the customers; the rest stop the boosting and fit an isotonic
// calibration. Recommend and Evaluate recompute the statistics and
// neighbour models from the whole history they are given and rank each
// customer's candidates by the trees.
//
// # Metrics
//
// Evaluate scores the re-ranker and the baselines (popularity, personal
// top frequency, GP-TopFreq, TIFU-style decayed frequency alone and with
// its nearest customers (TIFU-KNN), item-KNN, EASE^R), all from the same statistics, on every customer of the next
// baskets: recall@k, NDCG@k (ideal DCG over the whole basket, as the
// "reality check" study of Li et al. computes it), hit rate, the share of
// repeat items in the lists and the recall of repeat and of new items; and
// it prints the probabilities' reliability in ten bins.
//
// # Contract
//
// Same data and Settings give byte-identical models and recommendations,
// whatever the number of goroutines. No item of a label basket is seen by
// the features or the neighbour models it is predicted from (a test
// replaces the label baskets and checks that every feature stays the
// same). Read errors are *ingest.ParseError values naming the file, the
// line and the column.
package recommend
