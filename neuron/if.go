package neuron

import "fmt"

// IFState is a population of integrate-and-fire neurons (kinds IFSubtract and
// IFZero) in struct-of-arrays form: v[ni] and bias[ni] for neuron ni.
//
// One step of neuron ni (all arithmetic exact in int64, then saturated):
//
//	v = clamp(v + in[ni] + bias[ni], -IFStateMax, IFStateMax)
//	if v >= Threshold { fire; IFSubtract: v -= Threshold; IFZero: v = 0 }
//
// IFSubtract emits at most one spike per step, so an input larger than the
// threshold leaves v >= Threshold and the neuron fires again on later steps
// until the surplus is spent (the rate-coded behaviour of converted SNNs).
//
// Idle rule: a neuron with in[ni] == 0, bias[ni] == 0 and v < Threshold
// cannot change or fire; it is skipped and not counted as active. (For
// IFZero v < Threshold always holds after a step; for IFSubtract it may not,
// which is why v is part of the test.)
type IFState struct {
	params  Params
	v       []int32 // membrane potential, state units, in [-IFStateMax, IFStateMax]
	bias    []int32 // per-neuron bias, state units; all zeros when hasBias is false
	hasBias bool    // any bias[ni] != 0; selects the bias-free fast loop
	pending bool    // after the last Step, some neuron has v >= Threshold (it fires again without input)
}

// Quiet reports whether a Step with no input would change nothing: no
// bias, and no neuron left at or above threshold by the last Step.
func (s *IFState) Quiet() bool { return !s.hasBias && !s.pending }

// Len returns the number of neurons.
func (s *IFState) Len() int { return len(s.v) }

// Params returns the population parameters.
func (s *IFState) Params() Params { return s.params }

// V returns the membrane potentials (read-only view).
func (s *IFState) V() []int32 { return s.v }

// Reset sets every v to 0.
func (s *IFState) Reset() { clear(s.v); s.pending = false }

// Step advances every neuron by one timestep; see Model.Step and the IF type
// comment for the exact update.
func (s *IFState) Step(in, fired []int32) ([]int32, int) {
	if len(in) != len(s.v) {
		panic(fmt.Sprintf("neuron: IFState.Step: len(in) = %d, want %d", len(in), len(s.v)))
	}
	if s.hasBias {
		return s.stepBias(in, fired)
	}
	v := s.v[:len(in)]
	th := s.params.Threshold
	subtract := s.params.Kind == IFSubtract
	active := 0
	pending := false
	for ni, x := range in {
		if x == 0 && v[ni] < th {
			continue // idle: nothing to integrate, cannot fire
		}
		in[ni] = 0
		active++
		nv := min(max(int64(v[ni])+int64(x), -IFStateMax), IFStateMax)
		if nv >= int64(th) {
			fired = append(fired, int32(ni))
			if subtract {
				nv -= int64(th)
			} else {
				nv = 0
			}
		}
		v[ni] = int32(nv)
		pending = pending || nv >= int64(th)
	}
	s.pending = pending
	return fired, active
}

// stepBias is Step for populations with at least one nonzero bias.
func (s *IFState) stepBias(in, fired []int32) ([]int32, int) {
	v := s.v[:len(in)]
	bias := s.bias[:len(in)]
	th := s.params.Threshold
	subtract := s.params.Kind == IFSubtract
	active := 0
	for ni, x := range in {
		b := bias[ni]
		if x|b == 0 && v[ni] < th {
			continue
		}
		in[ni] = 0
		active++
		nv := min(max(int64(v[ni])+int64(x)+int64(b), -IFStateMax), IFStateMax)
		if nv >= int64(th) {
			fired = append(fired, int32(ni))
			if subtract {
				nv -= int64(th)
			} else {
				nv = 0
			}
		}
		v[ni] = int32(nv)
	}
	return fired, active
}
