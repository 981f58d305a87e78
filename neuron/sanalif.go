package neuron

import (
	"errors"
	"fmt"
	"math"
)

// ResetMode is what a SanaLIF spike does to the membrane potential. The
// zero value is ResetHard. It reads and writes as its name ("hard",
// "soft", "none"), the names SANA-FE's reset_mode attribute uses.
type ResetMode uint8

const (
	// ResetHard sets v to Params.Reset after a spike.
	ResetHard ResetMode = iota
	// ResetSoft subtracts the threshold from v after a spike.
	ResetSoft
	// ResetNone leaves v as it is after a spike (SANA-FE's "none"; its
	// "saturate" does the same for the forward threshold).
	ResetNone

	numResetModes
)

var resetModeNames = [numResetModes]string{ResetHard: "hard", ResetSoft: "soft", ResetNone: "none"}

// String returns the mode's name, or "ResetMode(n)" for an undefined value.
func (r ResetMode) String() string {
	if r < numResetModes {
		return resetModeNames[r]
	}
	return fmt.Sprintf("ResetMode(%d)", uint8(r))
}

// MarshalText returns the mode's name; an undefined mode is an error.
func (r ResetMode) MarshalText() ([]byte, error) {
	if r >= numResetModes {
		return nil, fmt.Errorf("neuron: cannot marshal undefined reset mode %s", r)
	}
	return []byte(resetModeNames[r]), nil
}

// UnmarshalText parses "hard", "soft" or "none".
func (r *ResetMode) UnmarshalText(text []byte) error {
	for i, name := range resetModeNames {
		if string(text) == name {
			*r = ResetMode(i)
			return nil
		}
	}
	return fmt.Errorf("neuron: unknown reset mode %q; valid: hard, soft, none", text)
}

// validateSanaLIF checks the SanaLIF-only fields and the CUBA-only ones
// SanaLIF must leave zero.
func (p Params) validateSanaLIF() []error {
	var errs []error
	for _, f := range []struct {
		name string
		v    float64
	}{{"leak_decay", p.LeakDecay}, {"input_decay", p.InputDecay}} {
		if !(f.v >= 0 && f.v <= 1) {
			errs = append(errs, fmt.Errorf("neuron: %s (%g) must be in [0, 1] for model sanafe-lif", f.name, f.v))
		}
	}
	if p.ResetMode >= numResetModes {
		errs = append(errs, fmt.Errorf("neuron: reset_mode %s is undefined; valid: hard, soft, none", p.ResetMode))
	}
	if p.DecayU != 0 || p.DecayV != 0 || p.DecayU2 != 0 {
		errs = append(errs, errors.New("neuron: decay_u, decay_v and decay_u2 must be 0 for model sanafe-lif (it uses leak_decay and input_decay)"))
	}
	if p.Reset < -IFStateMax || p.Reset > IFStateMax {
		errs = append(errs, fmt.Errorf("neuron: reset (%d) must be in [%d, %d]", p.Reset, -IFStateMax, IFStateMax))
	}
	return errs
}

// SanaLIFState is a population of SANA-FE "leaky_integrate_fire" somas
// (kind SanaLIF), the model SANA-FE's Loihi architecture files name and
// its DVS-gesture network runs on, with SANA-FE's own arithmetic: the
// potential v and the current u are float64, as SANA-FE keeps them.
//
// One step of neuron ni, where t counts the steps since Reset (the first
// step is t = 0), in[ni] is the synaptic input that arrived (the sum of
// the weights of last step's spikes, as SANA-FE's dendrite accumulator
// hands it to the soma) and ld, id, th are LeakDecay, InputDecay,
// Threshold:
//
//	if t > 0 { u = u*id; v = v*ld }          // no leak on the first step
//	v = trunc(v*64) / 64                      // to 1/64, toward zero
//	if ref == 0 {
//	    v = v + bias[ni]
//	    u = u + in[ni]
//	    v = v + u
//	    if v > th { fire; hard: v = Reset | soft: v = v - th | none: keep; ref = Refractory }
//	}
//	ref = max(ref-1, 0)
//
// Every operation is one IEEE-754 double operation rounded on its own (Go
// may not fuse them: each result is converted explicitly), in SANA-FE's
// order, so the spikes match SANA-FE's bit for bit. A neuron whose
// refractory count is nonzero keeps leaking but neither integrates nor
// fires; since the count is set at the spike and decremented at the end of
// the same step, Refractory = r blocks the r-1 steps after a spike (r <= 1
// blocks none), as in SANA-FE.
//
// Idle rule: a neuron with in[ni] == 0, bias[ni] == 0, u == 0, v == 0 and
// ref == 0 cannot change or fire (Threshold >= 0); it is skipped. The
// active count is SANA-FE's "neurons updated": a neuron counts when, at the
// start of the step, v != 0, in[ni] != 0 or bias[ni] != 0. (SANA-FE also
// counts a neuron whose arriving messages sum to exactly 0; in[ni] cannot
// tell that apart from no message, so such a neuron with v == 0 and no
// bias is not counted here.) A neuron with u != 0 but v == 0 and nothing
// else is stepped, as its state may change, but not counted.
type SanaLIFState struct {
	params Params
	v, u   []float64
	bias   []int32
	ref    []uint16
	vOut   []int32 // V's snapshot
	t      int64   // steps since Reset
}

func newSanaLIF(p Params, n int, bias []int32) *SanaLIFState {
	return &SanaLIFState{params: p, v: make([]float64, n), u: make([]float64, n), bias: bias,
		ref: make([]uint16, n), vOut: make([]int32, n)}
}

// Len returns the number of neurons.
func (s *SanaLIFState) Len() int { return len(s.v) }

// Params returns the population parameters.
func (s *SanaLIFState) Params() Params { return s.params }

// Reset sets v, u and the refractory counters to 0 and the step count to
// 0 (so the next step does not leak).
func (s *SanaLIFState) Reset() {
	clear(s.v)
	clear(s.u)
	clear(s.ref)
	s.t = 0
}

// V returns the membrane potentials truncated toward zero to whole state
// units (SanaLIF keeps them as float64; Potentials gives them exactly).
// The slice is rewritten by every call.
func (s *SanaLIFState) V() []int32 {
	for ni, v := range s.v {
		s.vOut[ni] = int32(max(min(math.Trunc(v), math.MaxInt32), math.MinInt32))
	}
	return s.vOut
}

// Potentials returns the exact float64 potentials (read-only view).
func (s *SanaLIFState) Potentials() []float64 { return s.v }

// Step advances every neuron by one timestep; see Model.Step and the type
// comment for the exact update.
func (s *SanaLIFState) Step(in, fired []int32) ([]int32, int) {
	n := len(s.v)
	if len(in) != n {
		panic(fmt.Sprintf("neuron: SanaLIFState.Step: len(in) = %d, want %d", len(in), n))
	}
	v, u, bias, ref := s.v[:n], s.u[:n], s.bias[:n], s.ref[:n]
	in = in[:n]
	leak := s.t > 0
	ld, id := s.params.LeakDecay, s.params.InputDecay
	th := float64(s.params.Threshold)
	reset := float64(s.params.Reset)
	mode := s.params.ResetMode
	refPeriod := s.params.Refractory
	active := 0
	for ni := range v {
		x, b, vv, uu, r := in[ni], bias[ni], v[ni], u[ni], ref[ni]
		if x == 0 && b == 0 && vv == 0 && uu == 0 && r == 0 {
			continue
		}
		in[ni] = 0
		if vv != 0 || x != 0 || b != 0 {
			active++
		}
		if leak {
			uu = float64(uu * id)
			vv = float64(vv * ld)
		}
		vv = float64(math.Trunc(float64(vv*64)) / 64)
		if r == 0 {
			vv = float64(vv + float64(b))
			uu = float64(uu + float64(x))
			vv = float64(vv + uu)
			if vv > th {
				fired = append(fired, int32(ni))
				switch mode {
				case ResetHard:
					vv = reset
				case ResetSoft:
					vv = float64(vv - th)
				}
				r = refPeriod
			}
		}
		if r > 0 {
			r--
		}
		v[ni], u[ni], ref[ni] = vv, uu, r
	}
	s.t++
	return fired, active
}
