package workloads

import (
	"fmt"

	"github.com/spikemesh/spikemesh/neuron"
)

// ResetMode is what a rate-converted IF neuron does after a spike. The zero
// value, ResetSubtract, is the conversion default: it keeps the residue
// above the threshold, so the spike rate tracks the ANN activation without
// the systematic loss of reset to zero (Rueckauer et al. 2017, Sec. 2.2).
type ResetMode uint8

const (
	// ResetSubtract subtracts the threshold (neuron.IFSubtract).
	ResetSubtract ResetMode = iota
	// ResetZero sets the membrane potential to zero (neuron.IFZero), as
	// chips whose neurons only reset to zero do.
	ResetZero
)

var resetNames = [...]string{ResetSubtract: "subtract", ResetZero: "zero"}

func (r ResetMode) String() string {
	if int(r) < len(resetNames) {
		return resetNames[r]
	}
	return fmt.Sprintf("ResetMode(%d)", uint8(r))
}

// MarshalText writes the mode's name.
func (r ResetMode) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText accepts "subtract" or "zero".
func (r *ResetMode) UnmarshalText(b []byte) error {
	for i, n := range resetNames {
		if string(b) == n {
			*r = ResetMode(i)
			return nil
		}
	}
	return fmt.Errorf("unknown reset mode %q (valid: subtract, zero)", string(b))
}

// kind is the IF neuron model of the mode.
func (r ResetMode) kind() neuron.Kind {
	if r == ResetZero {
		return neuron.IFZero
	}
	return neuron.IFSubtract
}

// Describe is the mode in words, for reports.
func (r ResetMode) Describe() string {
	if r == ResetZero {
		return "reset to zero"
	}
	return "reset by subtraction"
}
