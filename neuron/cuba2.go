package neuron

import "fmt"

// MultiPort is implemented by models whose neurons have more than one
// synaptic input port, each integrated into its own current with its own
// decay (LIF2Syn: port 0 excitatory, port 1 inhibitory, as in Brian2's CUBA
// benchmark). The engine accumulates each incoming projection into the
// buffer of the port it targets and calls StepPorts instead of Step. Step on
// such a model feeds port 0 only.
type MultiPort interface {
	Model
	// Ports returns the number of input ports.
	Ports() int
	// StepPorts is Step with one input buffer per port: len(in) must equal
	// Ports() and every in[p] must have length Len() (a mismatch is a
	// programmer error and panics). Every buffer is zeroed, as in Step.
	StepPorts(in [][]int32, fired []int32) ([]int32, int)
}

// Cuba2State is a population of kind LIF2Syn: the CUBA LIF with two
// synaptic currents u1 (port 0, decay DecayU) and u2 (port 1, decay
// DecayU2), both 24-bit wrapping like LIF's u, in struct-of-arrays form.
//
// One step of neuron ni (decay, wrap24 and the clamp as for LIF):
//
//	u1 = wrap24(decay(u1, DecayU) + in[0][ni])
//	u2 = wrap24(decay(u2, DecayU2) + in[1][ni])
//	if ref > 0 { ref--; v stays Reset; no spike }
//	else {
//	    v = clamp(decay(v, DecayV) + u1 + u2 + bias[ni], -LIFStateMax, LIFStateMax)
//	    if v > Threshold { fire; v = Reset; ref = Refractory }
//	}
//
// Per-neuron Vectors apply as for LIF (DecayU is port 0's decay; port 1's
// decay is always the scalar DecayU2).
//
// Idle rule: no input on either port, bias 0, u1 = u2 = v = 0 and not
// refractory: the neuron cannot change and is skipped, not counted active.
type Cuba2State struct {
	params                Params
	factU1, factU2, factV int64
	u1, u2, v, bias       []int32
	ref                   []uint16
	vec                   *cubaVec
	port1                 []int32 // zero buffer for port 1 when Step (one port) is used
	// kernel is the fastest kernel StepPorts may use (tests lower it to
	// compare the kernels with the scalar loop, cuba2_amd64.go).
	kernel cuba2Kernel
}

// cuba2Kernel names an implementation of the LIF2Syn update, slowest
// first.
type cuba2Kernel uint8

const (
	kernelScalar cuba2Kernel = iota // the loop in StepPorts: the definition
	kernelAVX2                      // amd64 AVX2, 8 neurons per instruction
	kernelAVX512                    // amd64 AVX-512F, 16 neurons per instruction
)

func newCuba2(p Params, n int, bias []int32, vec *cubaVec) *Cuba2State {
	return &Cuba2State{
		params: p,
		factU1: DecayMax - int64(p.DecayU), factU2: DecayMax - int64(p.DecayU2), factV: DecayMax - int64(p.DecayV),
		u1: make([]int32, n), u2: make([]int32, n), v: make([]int32, n), bias: bias,
		ref: make([]uint16, n), vec: vec, port1: make([]int32, n), kernel: kernelAVX512,
	}
}

// Len returns the number of neurons.
func (s *Cuba2State) Len() int { return len(s.v) }

// Ports returns 2.
func (s *Cuba2State) Ports() int { return 2 }

// Params returns the population parameters.
func (s *Cuba2State) Params() Params { return s.params }

// V returns the membrane potentials (read-only view).
func (s *Cuba2State) V() []int32 { return s.v }

// U returns the current of port p (0 or 1) (read-only view).
func (s *Cuba2State) U(p int) []int32 {
	if p == 1 {
		return s.u2
	}
	return s.u1
}

// Reset sets both currents, v and the refractory counters to 0.
func (s *Cuba2State) Reset() {
	clear(s.u1)
	clear(s.u2)
	clear(s.v)
	clear(s.ref)
}

// Step feeds in to port 0 (port 1 gets no input); see StepPorts.
func (s *Cuba2State) Step(in, fired []int32) ([]int32, int) {
	return s.StepPorts([][]int32{in, s.port1}, fired)
}

// StepPorts advances every neuron one timestep; see MultiPort and the type
// comment for the exact update.
func (s *Cuba2State) StepPorts(in [][]int32, fired []int32) ([]int32, int) {
	n := len(s.v)
	if len(in) != 2 || len(in[0]) != n || len(in[1]) != n {
		panic(fmt.Sprintf("neuron: Cuba2State.StepPorts: %d ports, want 2 of length %d", len(in), n))
	}
	in0, in1 := in[0][:n], in[1][:n]
	u1, u2, v, bias, ref := s.u1[:n], s.u2[:n], s.v[:n], s.bias[:n], s.ref[:n]
	if s.vec != nil {
		return s.stepPortsVec(in0, in1, fired)
	}
	// The vector kernel (where there is one) steps a prefix of the
	// population; the scalar loop below, which defines the update, steps
	// the rest.
	lo, fired, active := s.stepVector(in0, in1, fired)
	// The parameters live in locals for the whole loop.
	fu1, fu2, fv := s.factU1, s.factU2, s.factV
	th, reset, refr := int64(s.params.Threshold), int64(s.params.Reset), s.params.Refractory
	for ni := lo; ni < len(v); ni++ {
		x0, x1, b, a0, c0, v0 := in0[ni], in1[ni], bias[ni], u1[ni], u2[ni], v[ni]
		if x0|x1|b|a0|c0|v0 == 0 && ref[ni] == 0 {
			continue
		}
		in0[ni], in1[ni] = 0, 0
		active++
		a := wrap24(decay(a0, fu1) + int64(x0))
		c := wrap24(decay(c0, fu2) + int64(x1))
		u1[ni], u2[ni] = a, c
		if r := ref[ni]; r > 0 {
			ref[ni] = r - 1
			continue
		}
		nv := min(max(decay(v0, fv)+int64(a)+int64(c)+int64(b), -LIFStateMax), LIFStateMax)
		if nv > th {
			fired = append(fired, int32(ni))
			nv = reset
			ref[ni] = refr
		}
		v[ni] = int32(nv)
	}
	return fired, active
}

// stepPortsVec is StepPorts with per-neuron parameters (Vectors).
func (s *Cuba2State) stepPortsVec(in0, in1, fired []int32) ([]int32, int) {
	n := len(s.v)
	u1, u2, v, bias, ref := s.u1[:n], s.u2[:n], s.v[:n], s.bias[:n], s.ref[:n]
	c := s.vec
	factU, factV, ths, resets := c.factU[:n], c.factV[:n], c.th[:n], c.reset[:n]
	fu2, refr := s.factU2, s.params.Refractory
	active := 0
	for ni := range v {
		x0, x1, b := in0[ni], in1[ni], bias[ni]
		if x0|x1|b|u1[ni]|u2[ni]|v[ni] == 0 && ref[ni] == 0 {
			continue
		}
		in0[ni], in1[ni] = 0, 0
		active++
		a := wrap24(decay(u1[ni], factU[ni]) + int64(x0))
		cu := wrap24(decay(u2[ni], fu2) + int64(x1))
		u1[ni], u2[ni] = a, cu
		if r := ref[ni]; r > 0 {
			ref[ni] = r - 1
			continue
		}
		nv := min(max(decay(v[ni], factV[ni])+int64(a)+int64(cu)+int64(b), -LIFStateMax), LIFStateMax)
		if nv > ths[ni] {
			fired = append(fired, int32(ni))
			nv = int64(resets[ni])
			ref[ni] = refr
		}
		v[ni] = int32(nv)
	}
	return fired, active
}
