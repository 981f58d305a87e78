package ann

import (
	"fmt"
	"testing"
)

func TestForEachChunk(t *testing.T) {
	for _, tc := range []struct{ n, workers int }{{10, 1}, {10, 3}, {10, 4}, {3, 8}, {1, 2}} {
		t.Run(fmt.Sprintf("n=%d,w=%d", tc.n, tc.workers), func(t *testing.T) {
			hits := make([]int, tc.n)
			chunks := make([]int, tc.workers)
			ForEachChunk(tc.n, tc.workers, func(w, lo, hi int) {
				chunks[w]++
				for i := lo; i < hi; i++ {
					hits[i]++
				}
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("index %d visited %d times", i, h)
				}
			}
			for w, c := range chunks {
				if c > 1 {
					t.Fatalf("chunk %d ran %d times", w, c)
				}
			}
		})
	}
}
