package neuron

import (
	"fmt"
	"strings"
)

// Kind selects a neuron model. The zero value is IFSubtract. Kind implements
// encoding.TextMarshaler and encoding.TextUnmarshaler, so it reads and writes
// as its name in YAML and JSON ("if-subtract", "if-zero", "lif", "bif",
// "li", "lif-2syn", "sanafe-lif").
type Kind uint8

const (
	// IFSubtract is integrate-and-fire with reset by subtraction of the
	// threshold (the residue is kept), at most one spike per step.
	IFSubtract Kind = iota
	// IFZero is integrate-and-fire with reset to zero.
	IFZero
	// LIF is the Loihi-style current-based (CUBA) leaky integrate-and-fire
	// neuron with 12-bit decay constants and 24-bit state.
	LIF
	// BIF is the bidirectional integrate-and-fire neuron of exact conversion
	// (SpikeZIP-TF's ST-BIF): it starts half-charged, emits positive and
	// negative spikes, and keeps its net spike count in [0, Levels].
	BIF
	// LI is the LIF's CUBA dynamics without a threshold: a leaky (or, with
	// DecayV = 0, perfect) integrator that never fires and is read out
	// through V. NIR's LI, CubaLI and I map to it.
	LI
	// LIF2Syn is the CUBA LIF with two synaptic currents, each with its own
	// decay and its own input port (see Cuba2State and MultiPort): Brian2's
	// CUBA benchmark neuron with excitatory and inhibitory currents.
	LIF2Syn
	// SanaLIF is the leaky integrate-and-fire soma of SANA-FE's
	// "leaky_integrate_fire" model (its Loihi LIF, used by SANA-FE's
	// network files as they are): float64 potential and current,
	// multiplicative leak and input decay, the potential truncated to
	// 1/64 after the leak, strict > threshold, hard, soft or no reset,
	// refractory delay. See SanaLIFState.
	SanaLIF

	numKinds
)

var kindNames = [numKinds]string{
	IFSubtract: "if-subtract",
	IFZero:     "if-zero",
	LIF:        "lif",
	BIF:        "bif",
	LI:         "li",
	LIF2Syn:    "lif-2syn",
	SanaLIF:    "sanafe-lif",
}

// validKindNames lists every accepted name, for error messages.
func validKindNames() string { return strings.Join(kindNames[:], ", ") }

// valid reports whether k is one of the defined kinds.
func (k Kind) valid() bool { return k < numKinds }

// String returns the model name, or "Kind(n)" for an undefined value.
func (k Kind) String() string {
	if k.valid() {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText returns the model name. Undefined kinds are an error.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.valid() {
		return nil, fmt.Errorf("neuron: cannot marshal undefined model %s; valid: %s", k, validKindNames())
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText parses a model name (exact, case-sensitive). An unknown name
// is an error that lists the valid names.
func (k *Kind) UnmarshalText(text []byte) error {
	s := string(text)
	for i, name := range kindNames {
		if s == name {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("neuron: unknown model %q; valid: %s", s, validKindNames())
}
