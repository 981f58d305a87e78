package neuron

import (
	"fmt"
	"math"
)

// Model is what the chip engine drives. One Model value holds the state of n
// neurons (one core's slice of a layer), indexed by ni in [0, Len()).
// Implementations: *IFState (both IF kinds), *LIFState (LIF and LI),
// *Cuba2State (LIF2Syn, which also implements MultiPort), *BIFState and
// *SanaLIFState (SanaLIF). A Model is not safe
// for concurrent use; distinct Models share nothing and may be stepped in
// parallel.
type Model interface {
	// Len returns the number of neurons.
	Len() int
	// Reset restores the initial state before a new sample (v = 0, u = 0,
	// refractory counters 0; BIF: v = Threshold/2 + bias, count 0).
	// Parameters and biases are kept.
	Reset()
	// Step advances every neuron by one timestep. in[ni] is the summed
	// synaptic input that arrived for neuron ni; len(in) must equal Len()
	// (a mismatch is a programmer error and panics). Step reads in and sets
	// every element to 0, so the caller can reuse the buffer. Per-neuron
	// bias is added every step (BIF: the bias is an initial charge set by
	// Reset instead). Neurons that fired are appended to fired in
	// increasing order of index, ni for a positive spike and ^ni for a
	// negative one (BIF only), and the extended slice is returned (no
	// allocation when cap(fired) suffices). The int result is the number of
	// active updates: neurons whose state was read and written this step.
	// Neurons that provably cannot change are skipped and not counted (see
	// the type docs of IFState, LIFState and BIFState for the exact idle
	// rules).
	Step(in []int32, fired []int32) ([]int32, int)
	// V returns the membrane potentials (state units, length Len()). The
	// slice aliases internal state: read it, do not modify it, and do not
	// keep it across Step or Reset if a snapshot is needed.
	V() []int32
}

// Quieter is implemented by models that can tell when a timestep without
// input would change nothing, so the engine may skip it (counting every
// neuron as an idle update). IF and BIF implement it; LIF, whose state
// leaks every step, does not.
type Quieter interface {
	Quiet() bool
}

// VSetter is implemented by models whose membrane potentials can be set
// after Reset, e.g. to a network's initial potentials (the CUBA kinds:
// *LIFState for LIF and LI, *Cuba2State for LIF2Syn). SetV copies v
// (state units); len(v) must equal Len() and every value must lie in the
// model's state range, otherwise it returns an error and changes nothing.
type VSetter interface {
	SetV(v []int32) error
}

// SetsV reports whether models of kind k implement VSetter.
func (k Kind) SetsV() bool { return k == LIF || k == LI || k == LIF2Syn }

// Ports returns the number of synaptic input ports of kind k: 2 for
// LIF2Syn (see MultiPort), 1 for every other kind.
func (k Kind) Ports() int {
	if k == LIF2Syn {
		return 2
	}
	return 1
}

// New builds a Model for n neurons with params p and per-neuron bias (state
// units, added every step). bias may be nil (all zeros); otherwise len(bias)
// must be n. New copies bias. It returns an error for invalid params, n < 0,
// a bias length mismatch, or a bias outside the model's state range
// (|bias| <= IFStateMax for the IF kinds and BIF, <= LIFStateMax for LIF).
func New(p Params, n int, bias []int32) (Model, error) {
	return NewWithVectors(p, n, bias, Vectors{})
}

// NewWithVectors is New with optional per-neuron parameters for the CUBA
// kinds (see Vectors; the zero Vectors is New). The vectors are copied into
// the model's own table, so the caller may reuse them; a core holding
// neurons [lo, hi) of a population passes vec.Slice(lo, hi).
func NewWithVectors(p Params, n int, bias []int32, vec Vectors) (Model, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("neuron: invalid params:\n%w", err)
	}
	if n < 0 {
		return nil, fmt.Errorf("neuron: neuron count (%d) must be >= 0", n)
	}
	if bias != nil && len(bias) != n {
		return nil, fmt.Errorf("neuron: len(bias) (%d) must equal the neuron count (%d) or bias must be nil", len(bias), n)
	}
	b := make([]int32, n)
	hasBias := false
	lim := maxBias(p.Kind)
	for ni, x := range bias {
		if x < -lim || x > lim {
			return nil, fmt.Errorf("neuron: bias[%d] (%d) outside [%d, %d] for model %s", ni, x, -lim, lim, p.Kind)
		}
		b[ni] = x
		hasBias = hasBias || x != 0
	}
	if err := vec.Validate(p.Kind, n); err != nil {
		return nil, err
	}
	var cv *cubaVec
	if !vec.Empty() {
		cv = resolve(p, vec, n)
	}
	if p.Kind == SanaLIF {
		return newSanaLIF(p, n, b), nil
	}
	if p.Kind == LIF2Syn {
		return newCuba2(p, n, b, cv), nil
	}
	if p.Kind == LIF || p.Kind == LI {
		return &LIFState{
			params: p,
			factU:  int64(DecayMax - int64(p.DecayU)),
			factV:  int64(DecayMax - int64(p.DecayV)),
			u:      make([]int32, n),
			v:      make([]int32, n),
			bias:   b,
			ref:    make([]uint16, n),
			vec:    cv,
		}, nil
	}
	if p.Kind == BIF {
		m := &BIFState{params: p, v: make([]int32, n), count: make([]int32, n), bias: b}
		m.Reset()
		return m, nil
	}
	return &IFState{params: p, v: make([]int32, n), bias: b, hasBias: hasBias}, nil
}

// StateHash returns a 64-bit FNV-1a hash of m's dynamic state (every state
// slice in neuron-index order: v for IF; v and count for BIF; u, v and
// refractory counters for LIF). Two Models with the same hash are, for all
// practical purposes, in the same state; the engine uses it to check
// determinism across worker counts. It does not allocate.
func StateHash(m Model) uint64 {
	h := uint64(fnvOffset)
	switch s := m.(type) {
	case *IFState:
		h = hashInt32s(h, s.v)
	case *BIFState:
		h = hashInt32s(h, s.v)
		h = hashInt32s(h, s.count)
	case *LIFState:
		h = hashInt32s(h, s.u)
		h = hashInt32s(h, s.v)
		h = hashUint16s(h, s.ref)
	case *Cuba2State:
		h = hashInt32s(h, s.u1)
		h = hashInt32s(h, s.u2)
		h = hashInt32s(h, s.v)
		h = hashUint16s(h, s.ref)
	case *SanaLIFState:
		for _, xs := range [][]float64{s.v, s.u} {
			for _, x := range xs {
				b := math.Float64bits(x)
				h = hashInt32s(h, []int32{int32(b), int32(b >> 32)})
			}
		}
		h = hashUint16s(h, s.ref)
	default:
		h = hashInt32s(h, m.V())
	}
	return h
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * fnvPrime }

// hashUint16s feeds xs to the hash as little-endian bytes.
func hashUint16s(h uint64, xs []uint16) uint64 {
	for _, r := range xs {
		h = hashByte(h, byte(r))
		h = hashByte(h, byte(r>>8))
	}
	return h
}

// hashInt32s feeds xs to the hash as little-endian bytes.
func hashInt32s(h uint64, xs []int32) uint64 {
	for _, x := range xs {
		u := uint32(x)
		h = hashByte(h, byte(u))
		h = hashByte(h, byte(u>>8))
		h = hashByte(h, byte(u>>16))
		h = hashByte(h, byte(u>>24))
	}
	return h
}
