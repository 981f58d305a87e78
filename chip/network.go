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

// Layer is one population of identical neurons with its incoming projection:
// dense (Weights) or convolutional (Conv, which also expresses pooling).
type Layer struct {
	Name   string
	Size   int           // neurons
	Neuron neuron.Params // model and threshold shared by the layer
	// Weights holds the incoming dense projection, In x Size row-major:
	// Weights[a*Size+j] is the weight from presynaptic source a (an axon) to
	// neuron j. In is the previous layer's Size (or Network.Inputs). Nil
	// when Conv is set.
	Weights []int8
	// Conv, if set, is a convolutional projection: the layer's neurons are
	// the output feature map in channel-major (C, H, W) order and its
	// sources the input map in the same order.
	Conv *Conv
	// Bias is the per-neuron bias: added every timestep by IF and LIF
	// neurons, the initial charge of bidirectional (BIF) neurons. nil = 0.
	Bias []int32
}

// Conv is a 2-D convolution with a shared kernel. Input source index is
// c*InH*InW + y*InW + x; output neuron index is o*OutH*OutW + y*OutW + x.
// Output (o, y, x) sums Kernel[o][ci][ky][kx] * input(g*InC/Groups + ci,
// y*Stride - Pad + ky, x*Stride - Pad + kx) over the kernel, where g is
// o's group; taps outside the input are zero padding and have no synapse.
type Conv struct {
	InC, InH, InW    int
	OutC, OutH, OutW int
	KH, KW           int
	Stride, Pad      int
	Groups           int
	Kernel           []int8 // OutC x (InC/Groups) x KH x KW, row-major
}

// Validate checks the geometry and the kernel length.
func (c *Conv) Validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{{"in channels", c.InC}, {"in height", c.InH}, {"in width", c.InW}, {"out channels", c.OutC},
		{"kernel height", c.KH}, {"kernel width", c.KW}, {"stride", c.Stride}, {"groups", c.Groups}} {
		if f.v < 1 {
			errs = append(errs, fmt.Errorf("conv %s is %d, must be >= 1", f.name, f.v))
		}
	}
	if c.Pad < 0 {
		errs = append(errs, fmt.Errorf("conv padding is %d, must be >= 0", c.Pad))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if c.InC%c.Groups != 0 || c.OutC%c.Groups != 0 {
		errs = append(errs, fmt.Errorf("conv groups %d must divide in channels %d and out channels %d", c.Groups, c.InC, c.OutC))
	}
	if h := (c.InH+2*c.Pad-c.KH)/c.Stride + 1; h != c.OutH {
		errs = append(errs, fmt.Errorf("conv output height is %d, the geometry gives %d", c.OutH, h))
	}
	if w := (c.InW+2*c.Pad-c.KW)/c.Stride + 1; w != c.OutW {
		errs = append(errs, fmt.Errorf("conv output width is %d, the geometry gives %d", c.OutW, w))
	}
	if want := c.OutC * (c.InC / max(c.Groups, 1)) * c.KH * c.KW; len(c.Kernel) != want {
		errs = append(errs, fmt.Errorf("conv kernel has %d weights, want %d (%d x %d x %d x %d)", len(c.Kernel), want, c.OutC, c.InC/max(c.Groups, 1), c.KH, c.KW))
	}
	return errors.Join(errs...)
}

// Sources calls f for every input source that output neuron j receives,
// with the kernel weight; zero-padding taps are skipped.
func (c *Conv) Sources(j int, f func(src int, w int8)) {
	plane := c.OutH * c.OutW
	o, y, x := j/plane, (j%plane)/c.OutW, j%c.OutW
	cpg := c.InC / c.Groups
	g := o / (c.OutC / c.Groups)
	for ci := 0; ci < cpg; ci++ {
		ic := g*cpg + ci
		for ky := 0; ky < c.KH; ky++ {
			iy := y*c.Stride - c.Pad + ky
			if iy < 0 || iy >= c.InH {
				continue
			}
			for kx := 0; kx < c.KW; kx++ {
				ix := x*c.Stride - c.Pad + kx
				if ix < 0 || ix >= c.InW {
					continue
				}
				f((ic*c.InH+iy)*c.InW+ix, c.Kernel[((o*cpg+ci)*c.KH+ky)*c.KW+kx])
			}
		}
	}
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
		if ly.Conv != nil {
			cv := ly.Conv
			if err := cv.Validate(); err != nil {
				errs = append(errs, fmt.Errorf("layer %s: %w", ly.Name, err))
			} else if cv.InC*cv.InH*cv.InW != n.In(l) || cv.OutC*cv.OutH*cv.OutW != ly.Size {
				errs = append(errs, fmt.Errorf("layer %s: conv maps %dx%dx%d -> %dx%dx%d, but the layer has %d inputs and %d neurons",
					ly.Name, cv.InC, cv.InH, cv.InW, cv.OutC, cv.OutH, cv.OutW, n.In(l), ly.Size))
			}
			if ly.Weights != nil {
				errs = append(errs, fmt.Errorf("layer %s has both dense weights and a convolution", ly.Name))
			}
		} else if want := n.In(l) * ly.Size; len(ly.Weights) != want {
			errs = append(errs, fmt.Errorf("layer %s: %d weights, want %d (%d inputs x %d neurons)", ly.Name, len(ly.Weights), want, n.In(l), ly.Size))
		}
		if ly.Bias != nil && len(ly.Bias) != ly.Size {
			errs = append(errs, fmt.Errorf("layer %s: %d biases, want %d", ly.Name, len(ly.Bias), ly.Size))
		}
		if err := ly.Neuron.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("layer %s: %w", ly.Name, err))
		}
		if weightBits >= 2 && weightBits <= 8 {
			ws := ly.Weights
			if ly.Conv != nil {
				ws = ly.Conv.Kernel
			}
			for i, w := range ws {
				if w > qmax || w < -qmax {
					errs = append(errs, fmt.Errorf("layer %s: weight %d is %d, outside the %d-bit range [%d, %d]", ly.Name, i, w, weightBits, -qmax, qmax))
					break
				}
			}
		}
	}
	return errors.Join(errs...)
}

// Connections is the number of synapses of layer l: fan-in x neurons for a
// dense layer, the non-padding kernel taps of every neuron for a
// convolution.
func (n *Network) Connections(l int) int64 {
	ly := &n.Layers[l]
	if ly.Conv == nil {
		return int64(n.In(l)) * int64(ly.Size)
	}
	var c int64
	for j := 0; j < ly.Size; j++ {
		ly.Conv.Sources(j, func(int, int8) { c++ })
	}
	return c
}
