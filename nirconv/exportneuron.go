package nirconv

import (
	"fmt"
	"math"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
)

// The neuron conventions of FromChip, with dt the time step and every
// voltage in the chip's state units (float v = chip v; the scale S of
// neuron.Quantize is 1). Lowering the written parameters with
// neuron.Quantize at Scale 1 and the same dt gives back the chip's
// integers: round(4096·dt/tau) = the decay, round(v_threshold) = the
// threshold, round(a·v_leak) = the bias, gain a·r·… = 1 so the weights
// stay the integers × 2^WeightExp (docs/nir.md, "Writing NIR").
//
//	chip lif, du = 4096, dv > 0  → LIF     tau = 4096·dt/dv, r = 4096/dv, v_leak = 4096·bias/dv
//	chip lif, du = 4096, dv = 0  → IF      r = 1, v_threshold = Threshold (bias on the input Affine)
//	chip lif, 0 < du < 4096, dv > 0 → CubaLIF  tau_syn = 4096·dt/du, tau_mem = 4096·dt/dv,
//	                                  r = 4096²/(du·dv), w_in = 1, v_leak = 4096·bias/dv
//	chip if-zero                 → IF      r = 1, v_threshold = Threshold − 1, v_reset = 0
//	chip if-subtract             → I + Threshold + reset loop (see expSubtractNodes)
//
// v_threshold of if-zero is Threshold − 1 because the chip's IF fires when
// v >= Threshold and NIR's when v > v_threshold; v is an integer, so both
// say the same. v_reset is 0: the chip's LIF and IF-zero reset to 0.
// Refused, one line each: a refractory period, du = 0 or (du < 4096 and
// dv = 0) (an infinite time constant), bif (exact conversion's
// bidirectional neuron), and any kind this file does not know.

// expNeuron is what a population becomes: the node its projections
// feed (In), the node its spikes leave from (Out), extra nodes and edges,
// and whether its bias must ride on an incoming Affine or Conv bias.
type expNeuron struct {
	in, out    string
	nodes      []*nir.Node
	edges      []nir.Edge
	biasOnProj bool
}

// expPopNode maps population l, named name, with NIR shape shape.
func expPopNode(net *chip.Network, l int, name string, shape nir.Shape, dt float64) (expNeuron, error) {
	ly := &net.Layers[l]
	p := ly.Neuron
	n := ly.Size
	bias := make([]float64, n)
	for i := range bias {
		if ly.Bias != nil {
			bias[i] = float64(ly.Bias[i])
		}
	}
	fill := func(v float64) nir.Tensor { return expTensor(shape, expConst(n, v)) }
	refuse := func(format string, a ...any) (expNeuron, error) {
		return expNeuron{}, fmt.Errorf("population %q: neuron model %s: %s", ly.Name, p.Kind, fmt.Sprintf(format, a...))
	}
	node := &nir.Node{Name: name}
	nn := expNeuron{in: name, out: name, nodes: []*nir.Node{node}}
	switch p.Kind {
	case neuron.LIF:
		if p.Refractory > 0 {
			return refuse("refractory period %d has no NIR form (no NIR neuron has one)", p.Refractory)
		}
		du, dv := float64(p.DecayU), float64(p.DecayV)
		vLeak := make([]float64, n)
		for i, b := range bias {
			vLeak[i] = neuron.DecayMax * b / dv
		}
		switch {
		case p.DecayU == neuron.DecayMax && p.DecayV == 0:
			node.Kind = nir.KindIF
			node.Params = &nir.IFParams{R: fill(1), VThreshold: fill(float64(p.Threshold)), VReset: fill(0)}
			nn.biasOnProj = true
		case p.DecayU == neuron.DecayMax:
			node.Kind = nir.KindLIF
			node.Params = &nir.LIFParams{Tau: fill(neuron.DecayMax * dt / dv), R: fill(neuron.DecayMax / dv),
				VLeak: expTensor(shape, vLeak), VThreshold: fill(float64(p.Threshold)), VReset: fill(0)}
		case p.DecayU == 0:
			return refuse("decay_u 0 (a current that never decays) has no NIR form (tau_syn would be infinite)")
		case p.DecayV == 0:
			return refuse("decay_v 0 with decay_u %d (no membrane leak behind a synaptic current) has no NIR form (tau_mem would be infinite)", p.DecayU)
		default:
			node.Kind = nir.KindCubaLIF
			node.Params = &nir.CubaLIFParams{TauSyn: fill(neuron.DecayMax * dt / du), TauMem: fill(neuron.DecayMax * dt / dv),
				R: fill(neuron.DecayMax / du * neuron.DecayMax / dv), VLeak: expTensor(shape, vLeak),
				VThreshold: fill(float64(p.Threshold)), VReset: fill(0), WIn: fill(1)}
		}
	case neuron.IFZero:
		node.Kind = nir.KindIF
		node.Params = &nir.IFParams{R: fill(1), VThreshold: fill(float64(p.Threshold) - 1), VReset: fill(0)}
		nn.biasOnProj = true
	case neuron.IFSubtract:
		return expSubtractNodes(name, shape, n, p.Threshold, dt), nil
	case neuron.BIF:
		return refuse("the bidirectional neuron of exact conversion (negative spikes, spike-count limit) has no NIR node")
	default:
		return refuse("no NIR export for this model")
	}
	return nn, nil
}

// expSubtractNodes writes an IF neuron with reset by subtraction, which no
// NIR neuron has (NIR ≥ 1.0.6's IF resets to v_reset), as standard NIR
// nodes that compute exactly the same thing:
//
//	name.v      I,         r = 1          y_t = y_{t−1} + x_t − θ·z_{t−1}
//	name        Threshold, θ − 1          z_t = [y_t > θ − 1] = [y_t >= θ]
//	name.reset  Scale,     −θ             feedback of each spike...
//	name.delay  Delay,     dt             ...one step later
//
// with edges name.v → name → name.reset → name.delay → name.v. By
// induction y_t is the chip's potential before its reset (v_{t−1} after
// reset plus x_t), so z_t is the chip's spike. Projections feed name.v
// (the bias rides on an incoming Affine or Conv bias), spikes leave from
// name. A lowering recognizes the pattern to get one if-subtract
// population back; a float simulator of NIR runs it as it stands.
func expSubtractNodes(name string, shape nir.Shape, n int, theta int32, dt float64) expNeuron {
	fill := func(v float64) nir.Tensor { return expTensor(shape, expConst(n, v)) }
	v, reset, delay := name+".v", name+".reset", name+".delay"
	return expNeuron{
		in: v, out: name, biasOnProj: true,
		nodes: []*nir.Node{
			{Name: v, Kind: nir.KindI, Params: &nir.IParams{R: fill(1)}},
			{Name: name, Kind: nir.KindThreshold, Params: &nir.ThresholdParams{Threshold: fill(float64(theta) - 1)}},
			{Name: reset, Kind: nir.KindScale, Params: &nir.ScaleParams{Scale: fill(-float64(theta))}},
			{Name: delay, Kind: nir.KindDelay, Params: &nir.DelayParams{Delay: fill(dt)}},
		},
		edges: []nir.Edge{{Src: v, Dst: name}, {Src: name, Dst: reset}, {Src: reset, Dst: delay}, {Src: delay, Dst: v}},
	}
}

// expTensor makes a parameter of the given shape: float32, as frameworks
// export, when every value is exactly a float32, else float64.
func expTensor(shape nir.Shape, data []float64) nir.Tensor {
	dt := nir.Float32
	for _, v := range data {
		if float64(float32(v)) != v {
			dt = nir.Float64
			break
		}
	}
	return nir.Tensor{Shape: append(nir.Shape{}, shape...), Data: data, DType: dt}
}

func expConst(n int, v float64) []float64 {
	d := make([]float64, n)
	for i := range d {
		d[i] = v
	}
	return d
}

// expCheckDT refuses a time step FromChip cannot use.
func expCheckDT(dt float64) error {
	if !(dt > 0) || math.IsInf(dt, 0) {
		return fmt.Errorf("dt (%g s) must be finite and > 0", dt)
	}
	return nil
}
