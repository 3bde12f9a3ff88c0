package gbdt

import (
	"testing"
)

func TestFriedmanLearns(t *testing.T) {
	train := friedman(5000, 10, 1, 1)
	test := friedman(2000, 10, 0, 2)
	m := mustTrain(t, train, nil, Params{Rounds: 200, MaxDepth: 6, MaxLeaves: 31})
	got := rmse(predict(t, m, test.X), test.Y)
	t.Logf("friedman test RMSE %.3f", got)
	if got > 1.3 {
		t.Errorf("test RMSE %.3f: expected below 1.3", got)
	}
}
