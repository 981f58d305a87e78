package neuron

import (
	"errors"
	"fmt"
	"math"
)

// FloatKind names a NIR neuron node type for the float64 reference numerics
// (FloatState). The names are NIR's node type names.
type FloatKind uint8

// The NIR neuron node types (NIR up to v1.0.7, nir/ir/neuron.py and
// nir/ir/threshold.py in github.com/neuromorphs/NIR).
const (
	FloatLIF       FloatKind = iota // tau·dv/dt = (v_leak − v) + r·I; spike v > v_threshold; v ← v_reset
	FloatCubaLIF                    // tau_syn·dI/dt = −I + w_in·S; tau_mem·dv/dt = (v_leak − v) + r·I; spike and reset as LIF
	FloatCubaLI                     // CubaLIF without threshold
	FloatLI                         // LIF without threshold
	FloatIF                         // dv/dt = r·I; spike v > v_threshold; v ← v_reset
	FloatI                          // dv/dt = r·I, no threshold
	FloatThreshold                  // z = 1 if input > threshold (stateless)
	numFloatKinds
)

var floatKindNames = [numFloatKinds]string{"LIF", "CubaLIF", "CubaLI", "LI", "IF", "I", "Threshold"}

// String returns NIR's node type name, or "FloatKind(n)".
func (k FloatKind) String() string {
	if k < numFloatKinds {
		return floatKindNames[k]
	}
	return fmt.Sprintf("FloatKind(%d)", uint8(k))
}

// MarshalText returns NIR's node type name.
func (k FloatKind) MarshalText() ([]byte, error) {
	if k >= numFloatKinds {
		return nil, fmt.Errorf("neuron: cannot marshal undefined float kind %s", k)
	}
	return []byte(floatKindNames[k]), nil
}

// UnmarshalText parses NIR's node type name (exact, case-sensitive).
func (k *FloatKind) UnmarshalText(text []byte) error {
	for i, name := range floatKindNames {
		if string(text) == name {
			*k = FloatKind(i)
			return nil
		}
	}
	return fmt.Errorf("neuron: unknown NIR neuron type %q; valid: LIF, CubaLIF, CubaLI, LI, IF, I, Threshold", text)
}

// Fires reports whether neurons of kind k emit spikes (LI, CubaLI and I
// only integrate and are read out through V).
func (k FloatKind) Fires() bool {
	return k == FloatLIF || k == FloatCubaLIF || k == FloatIF || k == FloatThreshold
}

// Discretization selects how FloatState turns the continuous equations into
// one step of length dt. See docs/nir.md for the derivations and the
// traces that pin each variant down.
type Discretization uint8

const (
	// Euler is forward Euler at dt, the discretization NIR's equations imply
	// and the one Norse and snnTorch use: v ← v + dt/τ·((v_leak − v) + r·I),
	// the current first and v with the new current for the Cuba kinds. IF
	// and I integrate per step, v ← v + r·I (see docs/nir.md).
	Euler Discretization = iota
	// ExpRockpool is Rockpool's LIF/LI update, read off its exported trace
	// (testdata/lif_rockpool.csv) and file: the leak is exact,
	// v ← v_leak + e^(−dt/τ)·(v − v_leak), and the input enters with gain
	// r·(dt/τ)·e^(dt/τ), i.e. Rockpool's unit gain undone from the r it
	// writes (r = τ/dt·e^(−dt/τ)). Only LIF and LI are defined.
	ExpRockpool
)

// String returns "euler" or "rockpool".
func (d Discretization) String() string {
	switch d {
	case Euler:
		return "euler"
	case ExpRockpool:
		return "rockpool"
	}
	return fmt.Sprintf("Discretization(%d)", uint8(d))
}

// FloatReset selects what a spike does to v.
type FloatReset uint8

const (
	// ResetToVReset sets v = v_reset (NIR ≥ 1.0.6; a missing v_reset is 0).
	ResetToVReset FloatReset = iota
	// ResetSubtract sets v −= v_threshold (NIR < 1.0.6's documented IF reset,
	// Rockpool's and Sinabs's default).
	ResetSubtract
)

// String returns "to-v-reset" or "subtract".
func (r FloatReset) String() string {
	if r == ResetSubtract {
		return "subtract"
	}
	return "to-v-reset"
}

// FloatParams are one NIR neuron node's parameters in SI units (seconds;
// voltages and currents in the exporter's units). Each slice has one value
// per neuron, or exactly one value that applies to all (NIR scalars). A
// field the kind does not use must be nil. VReset nil means 0 (NIR ≥ 1.0.6)
// and WIn nil means 1 (NIR's default).
type FloatParams struct {
	Kind       FloatKind
	Tau        []float64 // LIF, LI: membrane time constant, s, > 0
	TauSyn     []float64 // CubaLIF, CubaLI: synaptic time constant, s, > 0
	TauMem     []float64 // CubaLIF, CubaLI: membrane time constant, s, > 0
	R          []float64 // all but Threshold: input resistance
	VLeak      []float64 // LIF, LI, CubaLIF, CubaLI: leak (rest) potential
	VThreshold []float64 // LIF, CubaLIF, IF, Threshold: spike when v (Threshold: input) > VThreshold
	VReset     []float64 // LIF, CubaLIF, IF: v after a spike; nil = 0
	WIn        []float64 // CubaLIF, CubaLI: input weight; nil = 1
}

// floatField describes one FloatParams field for validation.
type floatField struct {
	name     string
	xs       []float64
	need     bool // the kind requires it
	allowed  bool // the kind uses it (required or optional)
	positive bool // time constant
}

func (p FloatParams) fields() []floatField {
	k := p.Kind
	lif, cuba := k == FloatLIF || k == FloatLI, k == FloatCubaLIF || k == FloatCubaLI
	return []floatField{
		{"tau", p.Tau, lif, lif, true},
		{"tau_syn", p.TauSyn, cuba, cuba, true},
		{"tau_mem", p.TauMem, cuba, cuba, true},
		{"r", p.R, k != FloatThreshold, k != FloatThreshold, false},
		{"v_leak", p.VLeak, lif || cuba, lif || cuba, false},
		{"v_threshold", p.VThreshold, k.Fires(), k.Fires(), false},
		{"v_reset", p.VReset, false, k == FloatLIF || k == FloatCubaLIF || k == FloatIF, false},
		{"w_in", p.WIn, false, cuba, false},
	}
}

// Validate reports every problem at once, naming the NIR field, the neuron
// index and the bound: a missing required field, a field the kind does not
// have, a length other than 1 or n, NaN or ±Inf, a time constant <= 0.
func (p FloatParams) Validate(n int) error {
	if p.Kind >= numFloatKinds {
		return fmt.Errorf("neuron: float kind %s is undefined", p.Kind)
	}
	var errs []error
	for _, f := range p.fields() {
		switch {
		case f.xs == nil && f.need:
			errs = append(errs, fmt.Errorf("neuron: %s: field %s is missing", p.Kind, f.name))
			continue
		case f.xs == nil:
			continue
		case !f.allowed:
			errs = append(errs, fmt.Errorf("neuron: %s: field %s does not apply to this neuron type", p.Kind, f.name))
			continue
		case len(f.xs) != 1 && len(f.xs) != n:
			errs = append(errs, fmt.Errorf("neuron: %s: field %s has %d values, want 1 or %d", p.Kind, f.name, len(f.xs), n))
			continue
		}
		for i, x := range f.xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				errs = append(errs, fmt.Errorf("neuron: %s: %s[%d] is %v, want a finite number", p.Kind, f.name, i, x))
				break
			}
			if f.positive && x <= 0 {
				errs = append(errs, fmt.Errorf("neuron: %s: %s[%d] (%g s) must be > 0", p.Kind, f.name, i, x))
				break
			}
		}
	}
	return errors.Join(errs...)
}

// at returns xs[i] with a single value broadcast, and def for nil.
func at(xs []float64, i int, def float64) float64 {
	switch len(xs) {
	case 0:
		return def
	case 1:
		return xs[0]
	}
	return xs[i]
}
