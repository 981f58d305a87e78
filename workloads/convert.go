package workloads

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// ConvertOptions control rate conversion with data-based threshold balancing.
type ConvertOptions struct {
	// Percentile of each layer's positive activations over the calibration
	// samples used as that layer's scale λ (Rueckauer et al. 2017); 100 is
	// the maximum (Diehl et al. 2015). Must be in (0, 100].
	Percentile float64
	WeightBits int     // signed weight width of the chip, 2..8
	Encoder    Encoder // rate or direct input
	Samples    int     // calibration samples to use (0 = all)
}

// Validate reports every problem at once.
func (o ConvertOptions) Validate() error {
	var errs []error
	if !(o.Percentile > 0 && o.Percentile <= 100) {
		errs = append(errs, fmt.Errorf("percentile is %g, must be in (0, 100]", o.Percentile))
	}
	if o.WeightBits < 2 || o.WeightBits > 8 {
		errs = append(errs, fmt.Errorf("weight bits is %d, must be in 2..8", o.WeightBits))
	}
	if o.Samples < 0 {
		errs = append(errs, fmt.Errorf("calibration samples is %d, must be >= 0", o.Samples))
	}
	return errors.Join(errs...)
}

// LayerConversion records how one ANN layer became an SNN layer.
type LayerConversion struct {
	Name      string  `json:"name"`
	Lambda    float64 `json:"lambda"`     // activation scale λ_l (percentile of activations)
	Scale     float64 `json:"scale"`      // weight quantization step (normalized weight per integer unit)
	Threshold int32   `json:"threshold"`  // integer firing threshold
	MaxWeight int8    `json:"max_weight"` // largest |integer weight|
}

// Converted is an SNN program plus the record of its conversion.
type Converted struct {
	Net    *chip.Network
	Layers []LayerConversion
}

// Convert turns a ReLU MLP into an integer integrate-and-fire network:
//
//  1. λ_l = Percentile of layer l's positive activations over the
//     calibration set (λ_0 = 1: inputs are in [0, 1]);
//  2. weights and biases are normalized, W'_l = W_l λ_{l-1}/λ_l and
//     b'_l = b_l/λ_l, so every layer's activations map to rates in [0, 1]
//     with a threshold of 1;
//  3. W'_l is quantized symmetrically to WeightBits: step s_l = max|W'_l| /
//     (2^(bits-1)-1), w = round(W'/s); the threshold becomes round(1/s_l)
//     and the bias round(b'/s_l). With direct input the first layer's events
//     carry value 255·x, so its threshold and bias are scaled by 255.
//
// Neurons are IF with reset by subtraction, which keeps the residual charge
// and makes the spike rate track the ANN activation (Rueckauer et al. 2017).
func Convert(m *ann.MLP, calib *mnist.Set, opt ConvertOptions) (*Converted, error) {
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("workloads: conversion options:\n%w", err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("workloads: %w", err)
	}
	if calib.Pixels() != m.Layers[0].In {
		return nil, fmt.Errorf("workloads: calibration images have %d pixels, model %s expects %d inputs", calib.Pixels(), m.Name, m.Layers[0].In)
	}
	n := calib.N
	if opt.Samples > 0 && opt.Samples < n {
		n = opt.Samples
	}
	if n < 1 {
		return nil, errors.New("workloads: no calibration samples")
	}
	L := len(m.Layers)
	acts := m.NewActs()
	pos := make([][]float32, L)
	x := make([]float32, calib.Pixels())
	for i := 0; i < n; i++ {
		x = calib.Float(i, x)
		m.Forward(x, acts)
		for l := range L {
			for _, a := range acts[l] {
				if a > 0 {
					pos[l] = append(pos[l], a)
				}
			}
		}
	}
	lambda := make([]float64, L+1)
	lambda[0] = 1
	for l := range L {
		if len(pos[l]) == 0 {
			return nil, fmt.Errorf("workloads: layer %s never activates on %d calibration samples; cannot balance its threshold", m.Layers[l].Name, n)
		}
		lambda[l+1] = percentile(pos[l], opt.Percentile)
	}
	qmax := float64(int(1)<<(opt.WeightBits-1) - 1)
	out := &Converted{Net: &chip.Network{Name: m.Name, Inputs: m.Layers[0].In, GradedInput: opt.Encoder.Graded()}}
	for l, d := range m.Layers {
		ratio := lambda[l] / lambda[l+1]
		var wmax float64
		for _, w := range d.W {
			wmax = max(wmax, math.Abs(float64(w)*ratio))
		}
		if wmax == 0 {
			return nil, fmt.Errorf("workloads: layer %s has only zero weights", d.Name)
		}
		s := wmax / qmax
		inScale := 1.0
		if l == 0 && opt.Encoder.Graded() {
			inScale = 255
		}
		ly := chip.Layer{Name: d.Name, Size: d.Out, Weights: make([]int8, d.In*d.Out)}
		var maxW int8
		// ANN weights are Out x In; the chip wants In x Out (row = source).
		for j := 0; j < d.Out; j++ {
			for a := 0; a < d.In; a++ {
				q := int8(math.Round(float64(d.W[j*d.In+a]) * ratio / s))
				ly.Weights[a*d.Out+j] = q
				maxW = max(maxW, q, -q)
			}
		}
		theta := math.Round(inScale / s)
		if theta < 1 || theta > math.MaxInt32/4 {
			return nil, fmt.Errorf("workloads: layer %s: threshold %g out of range", d.Name, theta)
		}
		ly.Neuron = neuron.Params{Kind: neuron.IFSubtract, Threshold: int32(theta)}
		if len(d.B) > 0 {
			ly.Bias = make([]int32, d.Out)
			nonzero := false
			for j, b := range d.B {
				ly.Bias[j] = int32(math.Round(float64(b) / lambda[l+1] * inScale / s))
				nonzero = nonzero || ly.Bias[j] != 0
			}
			if !nonzero {
				ly.Bias = nil
			}
		}
		out.Net.Layers = append(out.Net.Layers, ly)
		out.Layers = append(out.Layers, LayerConversion{Name: d.Name, Lambda: lambda[l+1], Scale: s, Threshold: int32(theta), MaxWeight: maxW})
	}
	return out, nil
}

// percentile returns the p-th percentile (0 < p <= 100) of xs by the
// nearest-rank method; xs is reordered.
func percentile(xs []float32, p float64) float64 {
	slices.Sort(xs)
	rank := int(math.Ceil(p / 100 * float64(len(xs))))
	rank = min(max(rank, 1), len(xs))
	return float64(xs[rank-1])
}
