package neuron

import (
	"errors"
	"fmt"
)

// Vectors holds optional per-neuron parameters for the CUBA kinds (LIF, LI,
// LIF2Syn), as NIR stores them: one value per neuron for the threshold, the
// decays and the reset. A nil slice means "use the scalar from Params" for
// every neuron. The zero Vectors has no vectors at all, and then the models
// run their scalar fast path. Vectors are struct-of-arrays, like the state
// they parameterise: Threshold[ni] belongs to neuron ni of the population.
type Vectors struct {
	Threshold []int32  // state units; spike when v > Threshold[ni]; in [1, LIFStateMax-1]; must be nil for LI
	DecayU    []uint16 // 1/4096 units, 0..4096
	DecayV    []uint16 // 1/4096 units, 0..4096
	Reset     []int32  // state units, |Reset[ni]| <= LIFStateMax; must be nil for LI
}

// Empty reports whether no per-neuron vector is set.
func (vec Vectors) Empty() bool {
	return vec.Threshold == nil && vec.DecayU == nil && vec.DecayV == nil && vec.Reset == nil
}

// Slice returns the vectors of neurons [lo, hi) — the part of a population
// that one core holds — as subslices (no copy; nil stays nil). It panics if
// the range is outside a non-nil vector, like a slice expression.
func (vec Vectors) Slice(lo, hi int) Vectors {
	out := Vectors{}
	if vec.Threshold != nil {
		out.Threshold = vec.Threshold[lo:hi:hi]
	}
	if vec.DecayU != nil {
		out.DecayU = vec.DecayU[lo:hi:hi]
	}
	if vec.DecayV != nil {
		out.DecayV = vec.DecayV[lo:hi:hi]
	}
	if vec.Reset != nil {
		out.Reset = vec.Reset[lo:hi:hi]
	}
	return out
}

// Validate reports every problem at once: vectors given for a kind that has
// no such parameter, a length other than n, and the first out-of-range
// element of each vector (naming field, neuron index, value and bound).
func (vec Vectors) Validate(k Kind, n int) error {
	if vec.Empty() {
		return nil
	}
	if !isCUBA(k) {
		return fmt.Errorf("neuron: per-neuron vectors apply to models lif, li and lif-2syn only, not %s", k)
	}
	var errs []error
	check := func(name string, length int, present bool, bad func(i int) error) {
		if !present {
			return
		}
		if length != n {
			errs = append(errs, fmt.Errorf("neuron: len(%s) (%d) must equal the neuron count (%d)", name, length, n))
			return
		}
		for i := range length {
			if err := bad(i); err != nil {
				errs = append(errs, err)
				return
			}
		}
	}
	if k == LI && (vec.Threshold != nil || vec.Reset != nil) {
		errs = append(errs, errors.New("neuron: model li never fires: threshold and reset vectors must be nil"))
	}
	check("threshold", len(vec.Threshold), vec.Threshold != nil, func(i int) error {
		if x := vec.Threshold[i]; x < 1 || x > maxThreshold(k) {
			return fmt.Errorf("neuron: threshold[%d] (%d) must be in [1, %d]", i, x, maxThreshold(k))
		}
		return nil
	})
	for _, d := range []struct {
		name string
		xs   []uint16
	}{{"decay_u", vec.DecayU}, {"decay_v", vec.DecayV}} {
		check(d.name, len(d.xs), d.xs != nil, func(i int) error {
			if d.xs[i] > DecayMax {
				return fmt.Errorf("neuron: %s[%d] (%d) must be <= %d", d.name, i, d.xs[i], DecayMax)
			}
			return nil
		})
	}
	check("reset", len(vec.Reset), vec.Reset != nil, func(i int) error {
		if x := vec.Reset[i]; x < -LIFStateMax || x > LIFStateMax {
			return fmt.Errorf("neuron: reset[%d] (%d) must be in [%d, %d]", i, x, -LIFStateMax, LIFStateMax)
		}
		return nil
	})
	return errors.Join(errs...)
}

// cubaVec is the resolved per-neuron parameter table a CUBA model steps with
// when any vector was given: every slice has one entry per neuron (scalars
// from Params are broadcast), so the vector loop has no nil checks.
type cubaVec struct {
	th           []int64 // threshold; math.MaxInt64 for LI (never fires)
	factU, factV []int64 // 4096 - decay
	reset        []int32
}

// resolve broadcasts p's scalars into a full per-neuron table, overridden by
// the non-nil vectors. vec must have been validated for n neurons.
func resolve(p Params, vec Vectors, n int) *cubaVec {
	c := &cubaVec{th: make([]int64, n), factU: make([]int64, n), factV: make([]int64, n), reset: make([]int32, n)}
	for ni := range n {
		c.th[ni] = thresholdOf(p)
		c.factU[ni] = DecayMax - int64(p.DecayU)
		c.factV[ni] = DecayMax - int64(p.DecayV)
		c.reset[ni] = p.Reset
		if vec.Threshold != nil {
			c.th[ni] = int64(vec.Threshold[ni])
		}
		if vec.DecayU != nil {
			c.factU[ni] = DecayMax - int64(vec.DecayU[ni])
		}
		if vec.DecayV != nil {
			c.factV[ni] = DecayMax - int64(vec.DecayV[ni])
		}
		if vec.Reset != nil {
			c.reset[ni] = vec.Reset[ni]
		}
	}
	return c
}
