package neuron

import (
	"errors"
	"fmt"
)

// Fixed-point limits. They are part of the model definition; see doc.go.
const (
	// IFStateMax bounds the IF membrane potential: v saturates to
	// [-IFStateMax, IFStateMax] = [-(2^30), 2^30]. The bound leaves headroom
	// so that v + in + bias never overflows when computed in int64 and an
	// int32 input can never wrap the state.
	IFStateMax = 1 << 30

	// LIFStateMax bounds the LIF membrane potential: v saturates to the
	// symmetric 24-bit range [-LIFStateMax, LIFStateMax] = [-(2^23-1), 2^23-1].
	// The synaptic current u instead wraps to 24-bit two's complement,
	// [-(2^23), 2^23-1].
	LIFStateMax = 1<<23 - 1

	// DecayMax is the largest decay constant: 4096 removes the whole state
	// in one step; 0 keeps it (no leak).
	DecayMax = 1 << decayShift

	decayShift = 12 // decay constants are in 1/4096 units
)

// Params are shared by all neurons of one population (one layer's slice on
// one core). The zero Params is not valid (Threshold must be >= 1, except for
// LI, which never fires and needs Threshold 0). Decay, refractory and reset
// fields apply to the CUBA kinds (LIF, LI, LIF2Syn) only and must be zero for
// the other kinds; DecayU2 applies to LIF2Syn only; Levels applies to BIF
// only (where it is required, with an even Threshold). A misplaced setting is
// reported rather than ignored. Per-neuron values of Threshold, DecayU,
// DecayV and Reset can be given with Vectors (see NewWithVectors).
type Params struct {
	Kind       Kind   `yaml:"model" json:"model"`
	Threshold  int32  `yaml:"threshold" json:"threshold"`                   // state units; >= 1 (LI: 0). IF and BIF fire when v >= Threshold, the CUBA kinds when v > Threshold
	DecayU     uint16 `yaml:"decay_u" json:"decay_u"`                       // CUBA kinds: fraction of u removed per step, in 1/4096 units, 0..4096
	DecayV     uint16 `yaml:"decay_v" json:"decay_v"`                       // CUBA kinds: fraction of v removed per step, in 1/4096 units, 0..4096
	Refractory uint16 `yaml:"refractory" json:"refractory"`                 // LIF, LIF2Syn: steps v is held at Reset after a spike (0 = none)
	Levels     uint16 `yaml:"levels,omitempty" json:"levels,omitempty"`     // BIF only: the net spike count stays in [0, Levels]
	Reset      int32  `yaml:"reset,omitempty" json:"reset,omitempty"`       // LIF, LIF2Syn: v after a spike (hard reset), state units, |Reset| <= LIFStateMax; 0 keeps the original LIF
	DecayU2    uint16 `yaml:"decay_u2,omitempty" json:"decay_u2,omitempty"` // LIF2Syn only: decay of the second current (port 1), in 1/4096 units, 0..4096
	// SanaLIF only (see SanaLIFState): the factors v and u are multiplied
	// by every step (SANA-FE's leak_decay and input_decay, in [0, 1]) and
	// what a spike does to v. Reset and Refractory apply to SanaLIF too.
	LeakDecay  float64   `yaml:"leak_decay,omitempty" json:"leak_decay,omitempty"`
	InputDecay float64   `yaml:"input_decay,omitempty" json:"input_decay,omitempty"`
	ResetMode  ResetMode `yaml:"reset_mode,omitempty" json:"reset_mode,omitempty"`
}

// isCUBA reports whether k is one of the Loihi-style current-based kinds
// that share the 24-bit state, the 12-bit decays and the LIF limits.
func isCUBA(k Kind) bool { return k == LIF || k == LI || k == LIF2Syn }

// maxThreshold is the largest threshold a neuron of kind k can still reach.
func maxThreshold(k Kind) int32 {
	if isCUBA(k) {
		return LIFStateMax - 1 // spike needs v > Threshold and v <= LIFStateMax
	}
	return IFStateMax // spike needs v >= Threshold and v <= IFStateMax
}

// maxBias is the largest |bias| accepted by New for kind k: one step of bias
// alone must not exceed the state range.
func maxBias(k Kind) int32 {
	if isCUBA(k) {
		return LIFStateMax
	}
	return IFStateMax
}

// Validate reports every problem at once (joined with errors.Join), naming
// the field, its value and the bound.
func (p Params) Validate() error {
	var errs []error
	if !p.Kind.valid() {
		errs = append(errs, fmt.Errorf("neuron: model (%s) is undefined; valid: %s", p.Kind, validKindNames()))
	}
	switch {
	case p.Kind == LI:
		if p.Threshold != 0 {
			errs = append(errs, fmt.Errorf("neuron: threshold (%d) must be 0 for model li (it never fires)", p.Threshold))
		}
	case p.Kind == SanaLIF:
		// SANA-FE's default threshold is 0 (fire when v > 0); a negative
		// one would fire a neuron at rest, which the idle rule skips.
		if p.Threshold < 0 || p.Threshold > IFStateMax {
			errs = append(errs, fmt.Errorf("neuron: threshold (%d) must be in [0, %d] for model sanafe-lif", p.Threshold, IFStateMax))
		}
	case p.Threshold < 1:
		errs = append(errs, fmt.Errorf("neuron: threshold (%d) must be >= 1", p.Threshold))
	case p.Kind.valid() && p.Threshold > maxThreshold(p.Kind):
		errs = append(errs, fmt.Errorf("neuron: threshold (%d) must be <= %d for model %s (state range; a larger threshold can never be reached)",
			p.Threshold, maxThreshold(p.Kind), p.Kind))
	}
	if p.Kind == BIF {
		if p.Levels < 1 {
			errs = append(errs, fmt.Errorf("neuron: levels (%d) must be >= 1 for model bif", p.Levels))
		}
		if p.Threshold%2 != 0 {
			errs = append(errs, fmt.Errorf("neuron: threshold (%d) must be even for model bif (it starts at threshold/2)", p.Threshold))
		}
	} else if p.Levels != 0 {
		errs = append(errs, fmt.Errorf("neuron: levels (%d) applies to model bif only", p.Levels))
	}
	type field struct {
		name string
		val  int64
	}
	// misplaced reports fields that must be zero for this kind.
	misplaced := func(applies string, fs ...field) {
		for _, f := range fs {
			if f.val != 0 {
				errs = append(errs, fmt.Errorf("neuron: %s (%d) must be 0 for model %s (it applies to %s only)", f.name, f.val, p.Kind, applies))
			}
		}
	}
	if p.Kind != SanaLIF {
		if p.LeakDecay != 0 || p.InputDecay != 0 || p.ResetMode != ResetHard {
			errs = append(errs, fmt.Errorf("neuron: leak_decay (%g), input_decay (%g) and reset_mode (%s) must be zero for model %s (they apply to sanafe-lif only)",
				p.LeakDecay, p.InputDecay, p.ResetMode, p.Kind))
		}
	}
	if p.Kind == SanaLIF {
		errs = append(errs, p.validateSanaLIF()...)
	} else if isCUBA(p.Kind) {
		for _, f := range []field{{"decay_u", int64(p.DecayU)}, {"decay_v", int64(p.DecayV)}, {"decay_u2", int64(p.DecayU2)}} {
			if f.val > DecayMax {
				errs = append(errs, fmt.Errorf("neuron: %s (%d) must be <= %d", f.name, f.val, DecayMax))
			}
		}
		if p.Reset < -LIFStateMax || p.Reset > LIFStateMax {
			errs = append(errs, fmt.Errorf("neuron: reset (%d) must be in [%d, %d]", p.Reset, -LIFStateMax, LIFStateMax))
		}
		if p.Kind == LI {
			misplaced("models lif and lif-2syn", field{"refractory", int64(p.Refractory)}, field{"reset", int64(p.Reset)})
		}
		if p.Kind != LIF2Syn {
			misplaced("model lif-2syn", field{"decay_u2", int64(p.DecayU2)})
		}
	} else if p.Kind.valid() {
		misplaced("models lif, li and lif-2syn", field{"decay_u", int64(p.DecayU)}, field{"decay_v", int64(p.DecayV)},
			field{"refractory", int64(p.Refractory)}, field{"reset", int64(p.Reset)}, field{"decay_u2", int64(p.DecayU2)})
	}
	return errors.Join(errs...)
}
