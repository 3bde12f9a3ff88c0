package recommend_test

import (
	"fmt"

	"promocast/recommend"
)

func ExampleNDCGAt() {
	next := []int32{4, 7, 9} // the items of the next basket
	list := []int32{7, 1, 9} // a recommendation, best first
	fmt.Printf("recall@3 %.3f\n", recommend.RecallAt(next, list, 3))
	fmt.Printf("ndcg@3 %.3f\n", recommend.NDCGAt(next, list, 3))
	fmt.Printf("hit@1 %.0f\n", recommend.HitAt(next, list, 1))
	// Output:
	// recall@3 0.667
	// ndcg@3 0.704
	// hit@1 1
}
