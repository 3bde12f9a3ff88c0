package learn_test

import (
	"fmt"

	"promocast/learn"
)

// Names, presets and what a name resolves to.
func Example() {
	fmt.Println(learn.Names(learn.Table))
	fmt.Println(learn.Names(learn.Panel))
	fmt.Println(learn.Presets(learn.Table))
	for _, name := range []string{"svr", "lasso", "logistic", "gbdt"} {
		l, _ := learn.Lookup(name)
		fmt.Printf("%s: learner %s, task %q\n", l.Name(), l.Family(), l.Task())
	}
	// Output:
	// [gbdt rf tree linear logistic svm mlp]
	// [gbdt rf tree linear svm mlp seasonal_naive moving_average]
	// [ridge lasso elasticnet gbdt_poisson svr]
	// svr: learner svm, task "regression"
	// lasso: learner linear, task "regression"
	// logistic: learner logistic, task "classification"
	// gbdt: learner gbdt, task ""
}
