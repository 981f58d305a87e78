package chip

import "slices"

// mergeRuns sorts st.pk by Inject, stably, by merging its sorted runs
// pairwise: each source emits its packets in time order, so this costs
// O(n log runs) and hands the mesh a list it need not sort again. Runs
// already in order with their neighbour are joined first, and a leading
// run that precedes everything else (the host's input, all at cycle 0)
// stays where it is.
func (st *meshStep) mergeRuns() {
	runs := st.runs[:1]
	for _, b := range st.runs[1:] { // drop empty runs
		if b != runs[len(runs)-1] {
			runs = append(runs, b)
		}
	}
	if len(runs) <= 2 {
		return // at most one run: sorted already
	}
	// A leading run stays in place if its last packet is no later than the
	// first packet of every later run: sufMin[j] is the earliest first
	// packet of runs j, j+1, ...
	R := len(runs) - 1
	st.sufMin = slices.Grow(st.sufMin[:0], R)[:R]
	st.sufMin[R-1] = st.pk[runs[R-1]].Inject
	for j := R - 2; j >= 0; j-- {
		st.sufMin[j] = min(st.sufMin[j+1], st.pk[runs[j]].Inject)
	}
	j := 0
	for j+1 < R && st.pk[runs[j+1]-1].Inject <= st.sufMin[j+1] {
		j++
	}
	runs = runs[j:]
	if len(runs) <= 2 {
		return
	}
	k := 1
	for i := 1; i+1 < len(runs); i++ {
		if st.pk[runs[i]-1].Inject > st.pk[runs[i]].Inject {
			runs[k] = runs[i]
			k++
		}
	}
	runs[k] = runs[len(runs)-1]
	runs = runs[:k+1]
	for len(runs) > 2 {
		st.spare = slices.Grow(st.spare[:0], len(st.pk))[:len(st.pk)]
		merged := runs[:1]
		for i := 0; i+1 < len(runs); i += 2 {
			lo, mid := runs[i], runs[i+1]
			hi := mid
			if i+2 < len(runs) {
				hi = runs[i+2]
			}
			a, b, out := lo, mid, lo
			for a < mid && b < hi {
				if st.pk[b].Inject < st.pk[a].Inject {
					st.spare[out] = st.pk[b]
					b++
				} else {
					st.spare[out] = st.pk[a]
					a++
				}
				out++
			}
			out += copy(st.spare[out:], st.pk[a:mid])
			copy(st.spare[out:], st.pk[b:hi])
			merged = append(merged, hi)
		}
		lo, hi := runs[0], runs[len(runs)-1]
		copy(st.pk[lo:hi], st.spare[lo:hi])
		runs = merged
	}
}
