// Package uplift finds the customers whose behaviour an offer changes: it
// fits uplift models on a campaign log (customers, the arm each was in,
// an outcome), evaluates them the way the field does, and turns them into
// a targeting policy under costs and a budget.
//
// # Fitting
//
// A campaign log is a table with a treatment column (one control value and
// one or more treatments), a numeric outcome (0/1 such as a visit, or an
// amount such as spend) and the customer's features:
//
//	f, err := ingest.Read("campaign.csv", ingest.Options{})
//	d, err := uplift.FromFrame(f, uplift.Columns{
//		Treatment: "segment", Control: "No E-Mail", Outcome: "visit",
//		Drop: []string{"conversion", "spend"}, // other outcomes would leak
//	})
//	m, err := uplift.Fit(d, uplift.Config{Seed: 1})
//	tau, err := m.Uplift(d.X) // tau[k][i]: treatment k+1's effect on customer i
//
// Every column but those named is a feature, encoded as package tabular
// does. Fit knows four meta-learners, each built on a base learner (boosted
// trees from package gbdt, or package linear's logistic and ridge
// regressions):
//
//   - S: one outcome model with the arm as a feature;
//   - T: one outcome model per arm, the effect their difference;
//   - X: the T-learner's models impute each customer's effect, which is
//     regressed on the features in each arm; the two effect models are
//     blended by the propensity;
//   - DR: the doubly robust (AIPW) pseudo-outcome
//     μk − μ0 + [T=k](y − μk)/e − [T=0](y − μ0)/(1 − e), from outcome and
//     propensity models cross-fitted so that no row's pseudo-outcome comes
//     from models that saw it, regressed on the features.
//
// Each treatment is compared with the control on the rows of those two
// arms. The propensity model (one logistic regression per arm) is what
// lets the X- and DR-learners, and the policy values below, correct for a
// log in which treatment depended on the features; in a randomised test it
// comes out flat. With Config.Learner "auto" (the default) Fit
// cross-validates every learner on every base in Config.Bases (folds
// stratified by arm and outcome), keeps the one with the best mean
// normalised Qini over the treatments, refits it on all rows and records
// the table in Model.Selection.
//
// # Evaluating
//
// Score ranks held-out customers by each treatment's predicted uplift and
// returns, per treatment, the normalised Qini and uplift-curve areas
// (0 = random, 1 = perfect, scikit-uplift's definitions), uplift@k (the
// difference in mean outcome between treated and control customers among
// the top k), the difference in means, and the curves sampled at every
// percent of customers targeted.
//
// CheckBalance is the randomisation check: the standardised mean
// difference of every feature (every level of a categorical one, and the
// missing rate) between each treatment and the control. Above
// BalanceThreshold (0.1) it warns that the log does not look like a
// randomised test, where Qini curves compare unlike customers and only the
// propensity-corrected estimates are to be trusted.
//
// # Targeting
//
// Choose turns predicted uplifts into a policy: per customer the
// treatment, or none, with the largest Value·uplift − cost, under a total
// Budget (a greedy multiple-choice knapsack that never overspends) or a
// Count of customers:
//
//	costs, err := uplift.ParseCosts("Mens E-Mail=0.05,Womens E-Mail=0.05", m.Treatments())
//	test, err := m.Encode(testTable) // held-out customers with arms and outcomes
//	values, policy, err := m.Compare(test, uplift.PolicyConfig{Value: 1, Costs: costs, Budget: 500})
//
// Compare values the policy beside its single-treatment versions,
// treating everyone with each treatment and treating no one: the model's
// expected incremental outcome, and on labelled held-out data the inverse
// propensity weighted estimate of what each policy would have gained,
// with a 95% interval (ValuePolicy).
//
// # Drivers
//
// Model.Drivers says which features drive each treatment's uplift: the
// mean absolute TreeSHAP value of a boosted-tree surrogate of the
// predicted uplift (exact for the surrogate, in outcome units), with the
// surrogate's fidelity (R²) to the model and the direction of each
// numeric feature's effect.
//
// # Model file
//
// Write and Read save and load a Model as one JSON document (see Format);
// Model.Encode applies the training table's encoding to a new table.
//
// # Guarantees
//
// The same data, Config and seed give the same model and predictions,
// whatever the thread count. Bad input is an error naming the column and
// the value: a treatment column with one value, an outcome that is not a
// number, an unknown control value, a cost for an unknown treatment.
package uplift
