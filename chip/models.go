package chip

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh/neuron"
)

// ModelSet is the set of neuron models a chip's cores implement, one bit
// per neuron.Kind. The zero ModelSet means every model the simulator has
// (the behaviour of chip files written before the field existed); a chip
// that names its models refuses a network needing another one. It is a
// bit set rather than a slice so that Config stays comparable with ==.
type ModelSet uint32

// allKinds are the neuron kinds in declaration order.
func allKinds() []neuron.Kind {
	var ks []neuron.Kind
	for k := neuron.Kind(0); ; k++ {
		if _, err := k.MarshalText(); err != nil {
			return ks
		}
		ks = append(ks, k)
	}
}

// Has reports whether the chip implements model k.
func (s ModelSet) Has(k neuron.Kind) bool { return s == 0 || s&(1<<k) != 0 }

// Kinds lists the models of the set in declaration order (every model for
// the zero set).
func (s ModelSet) Kinds() []neuron.Kind {
	var out []neuron.Kind
	for _, k := range allKinds() {
		if s.Has(k) {
			out = append(out, k)
		}
	}
	return out
}

// String is the comma-separated model names.
func (s ModelSet) String() string {
	var names []string
	for _, k := range s.Kinds() {
		names = append(names, k.String())
	}
	return strings.Join(names, ",")
}

// MarshalText writes the names separated by commas ("" for the zero set).
func (s ModelSet) MarshalText() ([]byte, error) {
	if s == 0 {
		return nil, nil
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads model names separated by commas, as --set gives
// them: neuron_models=if-subtract,lif. An empty list is an error.
func (s *ModelSet) UnmarshalText(b []byte) error {
	return s.fromNames(strings.Split(string(b), ","))
}

func (s *ModelSet) fromNames(names []string) error {
	var out ModelSet
	for _, n := range names {
		var k neuron.Kind
		if err := k.UnmarshalText([]byte(strings.TrimSpace(n))); err != nil {
			return fmt.Errorf("neuron_models: %s", strings.TrimPrefix(err.Error(), "neuron: "))
		}
		if out&(1<<k) != 0 {
			return fmt.Errorf("neuron_models: %s is listed twice", k)
		}
		out |= 1 << k
	}
	if out == 0 {
		return fmt.Errorf("neuron_models: the list is empty")
	}
	if out == 1<<len(allKinds())-1 {
		out = 0 // every model: the canonical form, so equal sets compare equal
	}
	*s = out
	return nil
}

// MarshalYAML writes the set as a YAML list of names.
func (s ModelSet) MarshalYAML() (any, error) {
	var names []string
	for _, k := range s.Kinds() {
		names = append(names, k.String())
	}
	return names, nil
}

// UnmarshalYAML reads a YAML list of names (or one comma-separated string).
func (s *ModelSet) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return s.UnmarshalText([]byte(n.Value))
	}
	var names []string
	if err := n.Decode(&names); err != nil {
		return fmt.Errorf("line %d: neuron_models must be a list of model names", n.Line)
	}
	return s.fromNames(names)
}

// modelErrors names every population whose neuron model the chip lacks.
func modelErrors(net *Network, cfg Config) []error {
	var errs []error
	for _, ly := range net.Layers {
		if !cfg.NeuronModels.Has(ly.Neuron.Kind) {
			errs = append(errs, fmt.Errorf("layer %s needs neuron model %s; chip %s implements %s (neuron_models): choose a chip that has it (a converted ANN can also change its neuron model: run --reset, --leak)",
				ly.Name, ly.Neuron.Kind, cfg.Name, cfg.NeuronModels))
		}
	}
	return errs
}
