package explore

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// individual is one evaluated point in an NSGA-II population.
type individual struct {
	pt    Point
	res   Result
	obj   []float64 // objectives, all to be minimized
	viol  float64   // 0 when feasible and every constraint holds; +Inf when infeasible
	rank  int       // 0 for the first non-dominated front
	crowd float64   // crowding distance within its front
}

// Hand-written on purpose: no kept Go library implements NSGA-II (gonum's
// optimize package minimizes one continuous objective), and the search here
// needs what a general one would not give: genes that are indices into each
// parameter's list of values, Deb's constraint rule with infeasible points,
// no point evaluated twice, and draws from one seeded stream in a fixed
// order, so that a resumed sweep replays the stored points to the same state.
//
// nsga2 runs the NSGA-II search of Deb et al. (2002) over the grid of
// parameter-value indices: binary tournaments on (rank, crowding
// distance), uniform crossover, per-gene mutation (a step to a neighbour
// value or, for names, any other value), and elitist survival of the best
// Population of parents and children. Constraints use Deb's rule: a point
// that meets them beats one that does not, and of two that do not, the
// smaller total violation wins; a point that does not map loses to all.
// Children already evaluated are drawn again, so every evaluation is a new
// point. Every draw comes from the strategy's seed and ties are broken by
// point index, so the search is the same for any worker count, and a
// resumed search replays the stored points to the same state.
func (x *explorer) nsga2(ctx context.Context) ([]Result, error) {
	s, st := x.space, x.space.Strategy
	rng := newRand(st.Seed, 1)
	x.total = st.Population * (st.Generations + 1)
	seen := map[int64]bool{}
	var archive []Result

	evalInds := func(pts []Point) ([]*individual, error) {
		rs, err := x.evaluate(ctx, pts)
		if err != nil {
			return nil, err
		}
		inds := make([]*individual, len(pts))
		for i := range pts {
			archive = append(archive, rs[i])
			inds[i] = x.individual(pts[i], rs[i])
		}
		return inds, nil
	}

	var first []Point
	for _, k := range sampleIndices(s.Size(), st.Population, rng) {
		first = append(first, s.PointAt(k))
		seen[k] = true
	}
	pop, err := evalInds(first)
	if err != nil {
		return nil, err
	}
	mut := st.Mutation
	if mut == 0 && len(s.Params) > 0 {
		mut = 1 / float64(len(s.Params))
	}
	for g := 0; g < st.Generations; g++ {
		rankAndCrowd(pop)
		var kids []Point
		for tries := 0; len(kids) < st.Population && tries < 50*st.Population; tries++ {
			a, b := tournament(pop, rng), tournament(pop, rng)
			c1, c2 := slices.Clone(a.pt.Choice), slices.Clone(b.pt.Choice)
			if rng.Float64() < st.Crossover {
				for i := range c1 {
					if rng.IntN(2) == 0 {
						c1[i], c2[i] = c2[i], c1[i]
					}
				}
			}
			for _, c := range [][]int{c1, c2} {
				x.mutate(c, mut, rng)
				if k := s.indexOf(c); !seen[k] && len(kids) < st.Population {
					seen[k] = true
					kids = append(kids, s.pointFromChoice(c))
				}
			}
		}
		if len(kids) == 0 { // the space is exhausted
			break
		}
		children, err := evalInds(kids)
		if err != nil {
			return nil, err
		}
		pop = survivors(append(pop, children...), st.Population)
	}
	return archive, nil
}

func (x *explorer) individual(pt Point, r Result) *individual {
	ind := &individual{pt: pt, res: r, obj: objectiveVector(&r, x.space.Objectives)}
	if !r.Feasible {
		ind.viol = math.Inf(1)
		return ind
	}
	for _, c := range x.space.Constraints {
		v, _ := r.Metrics.Metric(c.Metric)
		ind.viol += c.violation(v)
	}
	return ind
}

// mutate changes each gene with probability rate: numeric parameters step
// to a neighbouring value (80 %) or jump to any other (20 %); names jump.
func (x *explorer) mutate(c []int, rate float64, rng *rand.Rand) {
	for i, p := range x.space.Params {
		n := len(p.Values)
		if n < 2 || rng.Float64() >= rate {
			continue
		}
		if p.Kind != NameParam && rng.Float64() < 0.8 {
			step := 1
			if rng.IntN(2) == 0 {
				step = -1
			}
			if c[i]+step < 0 || c[i]+step >= n {
				step = -step
			}
			c[i] += step
			continue
		}
		c[i] = (c[i] + 1 + rng.IntN(n-1)) % n
	}
}

// constrainedDominates is Deb's constrained domination.
func constrainedDominates(a, b *individual) bool {
	switch {
	case a.viol == 0 && b.viol > 0:
		return true
	case a.viol > 0 && b.viol > 0:
		return a.viol < b.viol
	case a.viol > 0:
		return false
	}
	return dominates(a.obj, b.obj)
}

// rankAndCrowd sets every individual's front rank (fast non-dominated
// sorting) and crowding distance.
func rankAndCrowd(pop []*individual) {
	n := len(pop)
	dominated := make([][]int, n) // dominated[i]: those i dominates
	count := make([]int, n)       // how many dominate i
	var front []int
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j && constrainedDominates(pop[i], pop[j]) {
				dominated[i] = append(dominated[i], j)
			} else if i != j && constrainedDominates(pop[j], pop[i]) {
				count[i]++
			}
		}
		if count[i] == 0 {
			front = append(front, i)
		}
	}
	for rank := 0; len(front) > 0; rank++ {
		var next []int
		for _, i := range front {
			pop[i].rank = rank
			for _, j := range dominated[i] {
				if count[j]--; count[j] == 0 {
					next = append(next, j)
				}
			}
		}
		crowding(pop, front)
		front = next
	}
}

// crowding sets the crowding distance of the members of one front: the sum
// over objectives of the normalized gap between each member's neighbours,
// infinite at the ends.
func crowding(pop []*individual, front []int) {
	for _, i := range front {
		pop[i].crowd = 0
	}
	if len(front) == 0 {
		return
	}
	m := len(pop[front[0]].obj)
	idx := slices.Clone(front)
	for k := 0; k < m; k++ {
		slices.SortFunc(idx, func(a, b int) int {
			if c := cmp.Compare(pop[a].obj[k], pop[b].obj[k]); c != 0 {
				return c
			}
			return cmp.Compare(pop[a].pt.Index, pop[b].pt.Index)
		})
		lo, hi := pop[idx[0]].obj[k], pop[idx[len(idx)-1]].obj[k]
		pop[idx[0]].crowd = math.Inf(1)
		pop[idx[len(idx)-1]].crowd = math.Inf(1)
		if hi == lo {
			continue
		}
		for j := 1; j+1 < len(idx); j++ {
			pop[idx[j]].crowd += (pop[idx[j+1]].obj[k] - pop[idx[j-1]].obj[k]) / (hi - lo)
		}
	}
}

// better orders individuals for selection: lower rank, then larger
// crowding distance, then lower point index.
func better(a, b *individual) int {
	if c := cmp.Compare(a.rank, b.rank); c != 0 {
		return c
	}
	if c := cmp.Compare(b.crowd, a.crowd); c != 0 {
		return c
	}
	return cmp.Compare(a.pt.Index, b.pt.Index)
}

func tournament(pop []*individual, rng *rand.Rand) *individual {
	a, b := pop[rng.IntN(len(pop))], pop[rng.IntN(len(pop))]
	if better(b, a) < 0 {
		return b
	}
	return a
}

// survivors keeps the best n of parents and children: whole fronts in rank
// order, the last one cut by crowding distance.
func survivors(all []*individual, n int) []*individual {
	rankAndCrowd(all)
	slices.SortFunc(all, better)
	return all[:min(n, len(all))]
}
