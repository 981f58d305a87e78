package explore

import (
	"cmp"
	"slices"
)

// objectiveVector returns r's objective values, negated where maximized,
// so that smaller is better in every component.
func objectiveVector(r *Result, objs []Objective) []float64 {
	v := make([]float64, len(objs))
	for i, o := range objs {
		x, _ := r.Metrics.Metric(o.Metric)
		if o.Maximize {
			x = -x
		}
		v[i] = x
	}
	return v
}

// MeetsConstraints reports whether r is feasible and satisfies every
// constraint.
func MeetsConstraints(r *Result, cons []Constraint) bool {
	if !r.Feasible {
		return false
	}
	for _, c := range cons {
		if x, _ := r.Metrics.Metric(c.Metric); !c.Holds(x) {
			return false
		}
	}
	return true
}

// dominates reports whether a is no worse than b in every component and
// better in at least one (both to be minimized).
func dominates(a, b []float64) bool {
	better := false
	for i := range a {
		if a[i] > b[i] {
			return false
		}
		if a[i] < b[i] {
			better = true
		}
	}
	return better
}

// Hand-written: gonum has no multi-objective dominance; the sort-then-scan
// below is a dozen lines, checked against brute force in the tests.
//
// ParetoFront returns the positions in results of the Pareto front: the
// points that are feasible, meet every constraint, and are dominated by no
// other such point under the objectives. Points with equal objective
// values are all kept. Positions are in increasing order.
func ParetoFront(results []Result, objs []Objective, cons []Constraint) []int {
	type cand struct {
		pos int
		v   []float64
	}
	var cs []cand
	for i := range results {
		if MeetsConstraints(&results[i], cons) {
			cs = append(cs, cand{i, objectiveVector(&results[i], objs)})
		}
	}
	// In lexicographic order a point can be dominated only by points before
	// it, so one pass against the front found so far suffices.
	slices.SortStableFunc(cs, func(a, b cand) int { return slices.Compare(a.v, b.v) })
	var front []cand
	for _, c := range cs {
		if !slices.ContainsFunc(front, func(f cand) bool { return dominates(f.v, c.v) }) {
			front = append(front, c)
		}
	}
	pos := make([]int, len(front))
	for i, f := range front {
		pos[i] = f.pos
	}
	slices.Sort(pos)
	return pos
}

// sortFront orders front positions by the first objective (best first),
// then by point index, for tables and plots.
func sortFront(results []Result, front []int, objs []Objective) []int {
	out := slices.Clone(front)
	slices.SortFunc(out, func(a, b int) int {
		va, vb := objectiveVector(&results[a], objs), objectiveVector(&results[b], objs)
		if c := slices.Compare(va, vb); c != 0 {
			return c
		}
		return cmp.Compare(results[a].Index, results[b].Index)
	})
	return out
}
