package neuron

import (
	"fmt"
	"math"
)

// LIFState is a population of Loihi-style current-based leaky
// integrate-and-fire neurons (kind LIF) or leaky integrators (kind LI, the
// same dynamics with no threshold) in struct-of-arrays form: u[ni], v[ni],
// bias[ni] and ref[ni] for neuron ni.
//
// One step of neuron ni, with decay(x, d) = trunc(x*(4096-d)/4096) (rounded
// toward zero, computed exactly in int64) and du, dv = DecayU, DecayV:
//
//	u = wrap24(decay(u, du) + in[ni])
//	if ref > 0 { ref--; v stays Reset; no spike }       // refractory
//	else {
//	    v = clamp(decay(v, dv) + u + bias[ni], -LIFStateMax, LIFStateMax)
//	    if v > Threshold { fire; v = Reset; ref = Refractory }   // LIF only
//	}
//
// Threshold, du, dv and Reset are the Params scalars, or per neuron when the
// model was built with Vectors (NewWithVectors); the scalar loop is kept as
// a separate fast path. Reset is 0 unless set, which is the original LIF.
//
// wrap24 keeps the low 24 bits and sign-extends them (two's-complement wrap,
// range [-2^23, 2^23-1]). After a spike at step t, v is held at Reset for steps
// t+1 .. t+Refractory while u keeps decaying and integrating input; at step
// t+Refractory+1 v integrates again.
//
// Idle rule: a neuron with in[ni] == 0, bias[ni] == 0, u == 0, v == 0 and
// ref == 0 cannot change or fire (v stays 0 <= Threshold); it is skipped and
// not counted as active. Any neuron with nonzero u or v leaks and is active,
// as is a refractory one (its counter changes).
type LIFState struct {
	params       Params
	factU, factV int64    // 4096 - DecayU, 4096 - DecayV
	u            []int32  // synaptic current, state units, 24-bit wrapped
	v            []int32  // membrane potential, state units, in [-LIFStateMax, LIFStateMax]
	bias         []int32  // per-neuron bias, state units
	ref          []uint16 // remaining refractory steps
	vec          *cubaVec // per-neuron parameters; nil = the scalars above (fast path)
}

// thresholdOf returns the firing threshold of p's kind as compared in Step:
// LI never fires, so its threshold is beyond any reachable v.
func thresholdOf(p Params) int64 {
	if p.Kind == LI {
		return math.MaxInt64
	}
	return int64(p.Threshold)
}

// Len returns the number of neurons.
func (s *LIFState) Len() int { return len(s.v) }

// Params returns the population parameters.
func (s *LIFState) Params() Params { return s.params }

// V returns the membrane potentials (read-only view).
func (s *LIFState) V() []int32 { return s.v }

// U returns the synaptic currents (read-only view).
func (s *LIFState) U() []int32 { return s.u }

// Refractory returns the remaining refractory steps of each neuron
// (read-only view).
func (s *LIFState) Refractory() []uint16 { return s.ref }

// Reset sets u, v and the refractory counters to 0.
func (s *LIFState) Reset() {
	clear(s.u)
	clear(s.v)
	clear(s.ref)
}

// SetV sets the membrane potentials (state units) after Reset; see
// VSetter.
func (s *LIFState) SetV(v []int32) error { return setV(s.v, v) }

// decay returns x*f/4096 rounded toward zero (Go's signed integer division
// truncates), where f = 4096 - d. An arithmetic shift would round negative
// values toward -inf instead.
func decay(x int32, f int64) int64 { return int64(x) * f / DecayMax }

// wrap24 returns the low 24 bits of x, sign-extended.
func wrap24(x int64) int32 { return int32(x << 40 >> 40) }

// Step advances every neuron by one timestep; see Model.Step and the
// LIFState type comment for the exact update.
func (s *LIFState) Step(in, fired []int32) ([]int32, int) {
	n := len(s.v)
	if len(in) != n {
		panic(fmt.Sprintf("neuron: LIFState.Step: len(in) = %d, want %d", len(in), n))
	}
	u, v, bias, ref := s.u[:n], s.v[:n], s.bias[:n], s.ref[:n]
	in = in[:n]
	if s.vec != nil {
		return s.stepVec(in, fired)
	}
	fu, fv := s.factU, s.factV
	th := thresholdOf(s.params)
	reset := int64(s.params.Reset)
	refPeriod := s.params.Refractory
	active := 0
	for ni := range v {
		x, b, uu, vv := in[ni], bias[ni], u[ni], v[ni]
		if x|b|uu|vv == 0 && ref[ni] == 0 {
			continue // idle: v stays 0 and cannot exceed Threshold >= 1
		}
		in[ni] = 0
		active++
		uu = wrap24(decay(uu, fu) + int64(x))
		u[ni] = uu
		if r := ref[ni]; r > 0 {
			ref[ni] = r - 1 // v was set to Reset at the spike and is held there
			continue
		}
		nv := min(max(decay(vv, fv)+int64(uu)+int64(b), -LIFStateMax), LIFStateMax)
		if nv > th {
			fired = append(fired, int32(ni))
			nv = reset
			ref[ni] = refPeriod
		}
		v[ni] = int32(nv)
	}
	return fired, active
}

// stepVec is Step with per-neuron threshold, decays and reset.
func (s *LIFState) stepVec(in, fired []int32) ([]int32, int) {
	n := len(s.v)
	u, v, bias, ref := s.u[:n], s.v[:n], s.bias[:n], s.ref[:n]
	in = in[:n]
	c := s.vec
	th, fu, fv, reset := c.th[:n], c.factU[:n], c.factV[:n], c.reset[:n]
	refPeriod := s.params.Refractory
	active := 0
	for ni := range v {
		x, b, uu, vv := in[ni], bias[ni], u[ni], v[ni]
		if x|b|uu|vv == 0 && ref[ni] == 0 {
			continue // idle, as in Step
		}
		in[ni] = 0
		active++
		uu = wrap24(decay(uu, fu[ni]) + int64(x))
		u[ni] = uu
		if r := ref[ni]; r > 0 {
			ref[ni] = r - 1
			continue
		}
		nv := min(max(decay(vv, fv[ni])+int64(uu)+int64(b), -LIFStateMax), LIFStateMax)
		if nv > th[ni] {
			fired = append(fired, int32(ni))
			nv = int64(reset[ni])
			ref[ni] = refPeriod
		}
		v[ni] = int32(nv)
	}
	return fired, active
}
