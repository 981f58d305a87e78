package neuron

import (
	"fmt"
	"math"
)

// FloatOptions choose the numerics of a FloatState.
type FloatOptions struct {
	DT             float64        // time step, s, > 0 (NIR stores none; spikemesh's --dt, default 1e-4)
	Discretization Discretization // Euler (default) or ExpRockpool
	Reset          FloatReset     // ResetToVReset (default, NIR ≥ 1.0.6) or ResetSubtract
}

// FloatState is the float64 reference of one NIR neuron node: n neurons in
// struct-of-arrays form, stepped at FloatOptions.DT. It is the "float"
// numerics that the chip's fixed point is compared against. One step of
// neuron ni with input x = in[ni] (the node's summed input this step):
//
//	Euler, LIF/LI:        v += dt/tau·((v_leak − v) + r·x)
//	Euler, CubaLIF/CubaLI: I += dt/tau_syn·(−I + w_in·x); then v += dt/tau_mem·((v_leak − v) + r·I)
//	IF/I:                 v += r·x                      (per step; docs/nir.md says why)
//	Threshold:            v = x
//	ExpRockpool, LIF/LI:  v = v_leak + e^(−dt/tau)·(v − v_leak) + r·(dt/tau)·e^(dt/tau)·x
//	firing kinds:         if v > v_threshold { spike; v = v_reset (or v −= v_threshold) }
//
// Threshold neurons spike when x > v_threshold and keep v = x (no reset).
// A FloatState is not safe for concurrent use.
type FloatState struct {
	kind     FloatKind
	opt      FloatOptions
	a        []float64 // dt/tau (LIF, LI) or dt/tau_mem (Cuba kinds); unused for IF, I
	aSyn     []float64 // Cuba kinds: dt/tau_syn
	keep     []float64 // ExpRockpool: e^(−dt/tau)
	vLeak, r []float64
	wIn      []float64 // Cuba kinds
	th, rst  []float64 // threshold, reset value
	v, i     []float64 // state
	hasSynap bool
}

// NewFloat builds n neurons of p's kind. It validates p (Validate), the
// options (dt finite and > 0; ExpRockpool for LIF and LI only) and n >= 0.
func NewFloat(p FloatParams, n int, opt FloatOptions) (*FloatState, error) {
	if n < 0 {
		return nil, fmt.Errorf("neuron: neuron count (%d) must be >= 0", n)
	}
	if err := p.Validate(n); err != nil {
		return nil, err
	}
	if !(opt.DT > 0) || math.IsInf(opt.DT, 0) {
		return nil, fmt.Errorf("neuron: dt (%g s) must be finite and > 0", opt.DT)
	}
	if opt.Discretization > ExpRockpool {
		return nil, fmt.Errorf("neuron: discretization %s is undefined", opt.Discretization)
	}
	if opt.Discretization == ExpRockpool && p.Kind != FloatLIF && p.Kind != FloatLI {
		return nil, fmt.Errorf("neuron: discretization rockpool is defined for LIF and LI only, not %s", p.Kind)
	}
	s := &FloatState{
		kind: p.Kind, opt: opt,
		a: make([]float64, n), keep: make([]float64, n), vLeak: make([]float64, n), r: make([]float64, n),
		th: make([]float64, n), rst: make([]float64, n), v: make([]float64, n),
		hasSynap: p.Kind == FloatCubaLIF || p.Kind == FloatCubaLI,
	}
	if s.hasSynap {
		s.aSyn, s.wIn, s.i = make([]float64, n), make([]float64, n), make([]float64, n)
	}
	dt := opt.DT
	for ni := range n {
		s.r[ni], s.vLeak[ni] = at(p.R, ni, 1), at(p.VLeak, ni, 0)
		s.th[ni], s.rst[ni] = at(p.VThreshold, ni, 0), at(p.VReset, ni, 0)
		switch p.Kind {
		case FloatLIF, FloatLI:
			s.a[ni] = dt / at(p.Tau, ni, 1)
			s.keep[ni] = math.Exp(-s.a[ni])
		case FloatCubaLIF, FloatCubaLI:
			s.a[ni] = dt / at(p.TauMem, ni, 1)
			s.aSyn[ni], s.wIn[ni] = dt/at(p.TauSyn, ni, 1), at(p.WIn, ni, 1)
		}
	}
	return s, nil
}

// Len returns the number of neurons.
func (s *FloatState) Len() int { return len(s.v) }

// Kind returns the NIR neuron type.
func (s *FloatState) Kind() FloatKind { return s.kind }

// V returns the membrane potentials (read-only view).
func (s *FloatState) V() []float64 { return s.v }

// I returns the synaptic currents of the Cuba kinds, nil for the others
// (read-only view).
func (s *FloatState) I() []float64 { return s.i }

// Reset sets v and I to 0.
func (s *FloatState) Reset() {
	clear(s.v)
	clear(s.i)
}

// Step advances every neuron by dt. len(in) must equal Len() (a mismatch
// panics); Step reads in and zeroes it. Neurons that fired are appended to
// fired in increasing index order and the extended slice is returned.
func (s *FloatState) Step(in []float64, fired []int32) []int32 {
	n := len(s.v)
	if len(in) != n {
		panic(fmt.Sprintf("neuron: FloatState.Step: len(in) = %d, want %d", len(in), n))
	}
	v := s.v
	rockpool := s.opt.Discretization == ExpRockpool
	subtract := s.opt.Reset == ResetSubtract
	fires := s.kind.Fires()
	for ni, x := range in[:n] {
		in[ni] = 0
		switch {
		case s.kind == FloatThreshold:
			v[ni] = x
			if x > s.th[ni] {
				fired = append(fired, int32(ni))
			}
			continue
		case s.kind == FloatIF || s.kind == FloatI:
			v[ni] += s.r[ni] * x
		case rockpool:
			k := s.keep[ni]
			v[ni] = s.vLeak[ni] + k*(v[ni]-s.vLeak[ni]) + s.r[ni]*s.a[ni]/k*x
		case s.hasSynap:
			s.i[ni] += s.aSyn[ni] * (-s.i[ni] + s.wIn[ni]*x)
			v[ni] += s.a[ni] * ((s.vLeak[ni] - v[ni]) + s.r[ni]*s.i[ni])
		default: // Euler LIF, LI
			v[ni] += s.a[ni] * ((s.vLeak[ni] - v[ni]) + s.r[ni]*x)
		}
		if fires && v[ni] > s.th[ni] {
			fired = append(fired, int32(ni))
			if subtract {
				v[ni] -= s.th[ni]
			} else {
				v[ni] = s.rst[ni]
			}
		}
	}
	return fired
}
