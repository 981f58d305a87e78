package workloads

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPercentileNearestRank: gonum's Empirical quantile is the nearest-rank
// rule conversion used before (the element of rank ceil(p/100·n), at least
// 1), on ties, tiny and large sets and percentiles near 0 and 100.
func TestPercentileNearestRank(t *testing.T) {
	nearestRank := func(xs []float32, p float64) float64 {
		s := slices.Clone(xs)
		slices.Sort(s)
		rank := min(max(int(math.Ceil(p/100*float64(len(s)))), 1), len(s))
		return float64(s[rank-1])
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 5, 10, 999, 1000, 4097} {
		xs := make([]float32, n)
		for i := range xs {
			xs[i] = float32(r.IntN(50)) / 7 // many ties
		}
		for _, p := range []float64{1e-9, 0.1, 1, 25, 50, 99, 99.9, 99.99, 100} {
			if got, want := percentile(slices.Clone(xs), p), nearestRank(xs, p); got != want {
				t.Errorf("n=%d p=%g: percentile %g, nearest rank %g", n, p, got, want)
			}
		}
	}
	// By hand: rank ceil(0.5·5) = 3 of {1, 2, 3, 4, 5}; ceil(0.999·5) = 5.
	if got := percentile([]float32{5, 1, 4, 2, 3}, 50); got != 3 {
		t.Errorf("median of 1..5 = %g, want 3", got)
	}
	if got := percentile([]float32{5, 1, 4, 2, 3}, 99.9); got != 5 {
		t.Errorf("99.9th percentile of 1..5 = %g, want 5", got)
	}
}
