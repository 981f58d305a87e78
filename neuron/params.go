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
// one core). The zero Params is not valid (Threshold must be >= 1). Decay and
// refractory fields apply to LIF only and must be zero for the other kinds,
// and Levels applies to BIF only (where it is required, with an even
// Threshold), so a misplaced setting is reported rather than ignored.
type Params struct {
	Kind       Kind   `yaml:"model" json:"model"`
	Threshold  int32  `yaml:"threshold" json:"threshold"`               // state units; >= 1. IF and BIF fire when v >= Threshold, LIF when v > Threshold
	DecayU     uint16 `yaml:"decay_u" json:"decay_u"`                   // LIF only: fraction of u removed per step, in 1/4096 units, 0..4096
	DecayV     uint16 `yaml:"decay_v" json:"decay_v"`                   // LIF only: fraction of v removed per step, in 1/4096 units, 0..4096
	Refractory uint16 `yaml:"refractory" json:"refractory"`             // LIF only: steps v is held at 0 after a spike (0 = none)
	Levels     uint16 `yaml:"levels,omitempty" json:"levels,omitempty"` // BIF only: the net spike count stays in [0, Levels]
}

// maxThreshold is the largest threshold a neuron of kind k can still reach.
func maxThreshold(k Kind) int32 {
	if k == LIF {
		return LIFStateMax - 1 // spike needs v > Threshold and v <= LIFStateMax
	}
	return IFStateMax // spike needs v >= Threshold and v <= IFStateMax
}

// maxBias is the largest |bias| accepted by New for kind k: one step of bias
// alone must not exceed the state range.
func maxBias(k Kind) int32 {
	if k == LIF {
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
	if p.Threshold < 1 {
		errs = append(errs, fmt.Errorf("neuron: threshold (%d) must be >= 1", p.Threshold))
	} else if p.Kind.valid() && p.Threshold > maxThreshold(p.Kind) {
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
	if p.Kind == LIF {
		if p.DecayU > DecayMax {
			errs = append(errs, fmt.Errorf("neuron: decay_u (%d) must be <= %d", p.DecayU, DecayMax))
		}
		if p.DecayV > DecayMax {
			errs = append(errs, fmt.Errorf("neuron: decay_v (%d) must be <= %d", p.DecayV, DecayMax))
		}
	} else if p.Kind.valid() {
		for _, f := range []struct {
			name string
			val  uint16
		}{{"decay_u", p.DecayU}, {"decay_v", p.DecayV}, {"refractory", p.Refractory}} {
			if f.val != 0 {
				errs = append(errs, fmt.Errorf("neuron: %s (%d) must be 0 for model %s (it applies to model lif only)", f.name, f.val, p.Kind))
			}
		}
	}
	return errors.Join(errs...)
}
