package chip

import (
	"errors"
	"fmt"

	"github.com/spikemesh/spikemesh/neuron"
)

// Network is an SNN program ready to map: a feed-forward stack of spiking
// layers driven by Inputs host channels. Layer l receives from layer l-1
// (layer 0 from the host inputs) through a dense projection of integer
// weights. Workloads produce Networks; Map places them on a chip.
type Network struct {
	Name   string
	Inputs int // host input channels (pixels); they occupy no cores
	// GradedInput is true when host input events carry a multi-bit magnitude
	// (direct encoding): layer 0 then multiplies weight by magnitude.
	GradedInput bool
	Layers      []Layer
}

// Layer is one population of identical neurons with its incoming projection.
type Layer struct {
	Name   string
	Size   int           // neurons
	Neuron neuron.Params // model and threshold shared by the layer
	// Weights holds the incoming dense projection, In x Size row-major:
	// Weights[a*Size+j] is the weight from presynaptic source a (an axon) to
	// neuron j. In is the previous layer's Size (or Network.Inputs).
	Weights []int8
	Bias    []int32 // per-neuron bias added every timestep; nil means zero
}

// In is the number of presynaptic sources of layer l.
func (n *Network) In(l int) int {
	if l == 0 {
		return n.Inputs
	}
	return n.Layers[l-1].Size
}

// Neurons is the total number of neurons.
func (n *Network) Neurons() int {
	t := 0
	for _, l := range n.Layers {
		t += l.Size
	}
	return t
}

// Validate checks shapes and weight ranges for a given weight width.
func (n *Network) Validate(weightBits int) error {
	var errs []error
	if n.Inputs < 1 {
		errs = append(errs, fmt.Errorf("network %s: inputs is %d, must be >= 1", n.Name, n.Inputs))
	}
	if len(n.Layers) == 0 {
		errs = append(errs, fmt.Errorf("network %s has no layers", n.Name))
	}
	qmax := int8(1<<(weightBits-1) - 1)
	for l := range n.Layers {
		ly := &n.Layers[l]
		if ly.Size < 1 {
			errs = append(errs, fmt.Errorf("layer %s: size is %d, must be >= 1", ly.Name, ly.Size))
			continue
		}
		if want := n.In(l) * ly.Size; len(ly.Weights) != want {
			errs = append(errs, fmt.Errorf("layer %s: %d weights, want %d (%d inputs x %d neurons)", ly.Name, len(ly.Weights), want, n.In(l), ly.Size))
		}
		if ly.Bias != nil && len(ly.Bias) != ly.Size {
			errs = append(errs, fmt.Errorf("layer %s: %d biases, want %d", ly.Name, len(ly.Bias), ly.Size))
		}
		if err := ly.Neuron.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("layer %s: %w", ly.Name, err))
		}
		if weightBits >= 2 && weightBits <= 8 {
			for i, w := range ly.Weights {
				if w > qmax || w < -qmax {
					errs = append(errs, fmt.Errorf("layer %s: weight %d is %d, outside the %d-bit range [%d, %d]", ly.Name, i, w, weightBits, -qmax, qmax))
					break
				}
			}
		}
	}
	return errors.Join(errs...)
}
