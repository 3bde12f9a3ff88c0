package gbdt

import "testing"

// Feature groups cover every feature once, in order, and cut only at
// multiples of four.
func TestFeatureGroup(t *testing.T) {
	for cols := 1; cols <= 70; cols++ {
		for groups := 1; groups <= max(1, min(8, cols/4)); groups++ {
			next := 0
			for k := range groups {
				f0, f1 := featureGroup(k, groups, cols)
				if f0 != next || f1 < f0 || f0%4 != 0 || k < groups-1 && f1%4 != 0 {
					t.Fatalf("%d features in %d groups: group %d is [%d, %d) after %d", cols, groups, k, f0, f1, next)
				}
				next = f1
			}
			if next != cols {
				t.Fatalf("%d features in %d groups: the groups end at %d", cols, groups, next)
			}
		}
	}
}
