package tabular

import (
	"reflect"
	"testing"

	"promocast/tune"
)

// TestTunedReadsEverySpaceName checks that every setting a learner's table
// space declares changes the config Tuned returns.
func TestTunedReadsEverySpaceName(t *testing.T) {
	for _, l := range Learners() {
		space, ok := TuneSpace(l)
		if !ok {
			t.Fatalf("%s has no tuning space", l)
		}
		for name, dim := range space {
			draw := tune.Params{name: dim.Value(0.5)}
			if c := (Config{Learner: l}); reflect.DeepEqual(c.Tuned(draw), c) {
				t.Errorf("%s: drawing %s=%v leaves the config unchanged", l, name, draw[name])
			}
		}
	}
}
