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
//	chip li: LI (du = 4096, dv > 0), CubaLI (0 < du < 4096, dv > 0) or I
//	(du = 4096, dv = 0), with the same time constants, r and v_leak
//	chip if-zero                 → IF      r = 1, v_threshold = Threshold − 1, v_reset = 0
//	chip if-subtract             → I + Threshold + Scale loop (see expSubtractNodes)
//
// v_threshold of if-zero is Threshold − 1 because the chip's IF fires when
// v >= Threshold and NIR's when v > v_threshold; v is an integer, so both
// say the same. v_reset is the lif's Reset (IF-zero resets to 0). A lif
// population's per-neuron Vectors (threshold, decays, reset) become
// per-neuron arrays; all its neurons must map to the same NIR type.
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
	// per makes a per-neuron parameter array.
	per := func(f func(i int) float64) nir.Tensor {
		d := make([]float64, n)
		for i := range d {
			d[i] = f(i)
		}
		return expTensor(shape, d)
	}
	// oneKind is the NIR type of neuron 0's decays; the type is chosen per
	// population, so every neuron's decays must need the same one.
	oneKind := func(du, dv []uint16, kindOf func(u, v uint16) nir.Kind) (nir.Kind, error) {
		kind := kindOf(du[0], dv[0])
		for i := range du {
			if k := kindOf(du[i], dv[i]); k != kind {
				_, err := refuse("neuron %d's decays (decay_u %d, decay_v %d) need a NIR type other than neuron 0's (decay_u %d, decay_v %d); one NIR node has one type", i, du[i], dv[i], du[0], dv[0])
				return kind, err
			}
		}
		return kind, nil
	}
	switch p.Kind {
	case neuron.LIF:
		if p.Refractory > 0 {
			return refuse("refractory period %d has no NIR form (no NIR neuron has one)", p.Refractory)
		}
		// Per-neuron values (ly.Vectors) become per-neuron arrays; the
		// kind (LIF, IF, CubaLIF) is chosen per population, so every
		// neuron's decays must fall in the same case.
		vec := ly.Vectors
		th, rst := expI32(vec.Threshold, p.Threshold, n), expI32(vec.Reset, p.Reset, n)
		du, dv := expU16(vec.DecayU, p.DecayU, n), expU16(vec.DecayV, p.DecayV, n)
		kind, err := oneKind(du, dv, expLIFKind)
		if err != nil {
			return expNeuron{}, err
		}
		vth := per(func(i int) float64 { return float64(th[i]) })
		vReset := per(func(i int) float64 { return float64(rst[i]) })
		vLeak := per(func(i int) float64 { return neuron.DecayMax * bias[i] / float64(dv[i]) })
		switch kind {
		case nir.KindIF:
			node.Kind = nir.KindIF
			node.Params = &nir.IFParams{R: fill(1), VThreshold: vth, VReset: vReset}
			nn.biasOnProj = true
		case nir.KindLIF:
			node.Kind = nir.KindLIF
			node.Params = &nir.LIFParams{Tau: per(func(i int) float64 { return neuron.DecayMax * dt / float64(dv[i]) }),
				R: per(func(i int) float64 { return neuron.DecayMax / float64(dv[i]) }), VLeak: vLeak, VThreshold: vth, VReset: vReset}
		case nir.KindCubaLIF:
			node.Kind = nir.KindCubaLIF
			node.Params = &nir.CubaLIFParams{TauSyn: per(func(i int) float64 { return neuron.DecayMax * dt / float64(du[i]) }),
				TauMem: per(func(i int) float64 { return neuron.DecayMax * dt / float64(dv[i]) }),
				R:      per(func(i int) float64 { return neuron.DecayMax / float64(du[i]) * neuron.DecayMax / float64(dv[i]) }),
				VLeak:  vLeak, VThreshold: vth, VReset: vReset, WIn: fill(1)}
		case nir.KindInvalid:
			if du[0] == 0 {
				return refuse("decay_u 0 (a current that never decays) has no NIR form (tau_syn would be infinite)")
			}
			return refuse("decay_v 0 with decay_u %d (no membrane leak behind a synaptic current) has no NIR form (tau_mem would be infinite)", du[0])
		}
	case neuron.LI:
		// The readout: LI, CubaLI or I by its decays, v in state units.
		du, dv := expU16(ly.Vectors.DecayU, p.DecayU, n), expU16(ly.Vectors.DecayV, p.DecayV, n)
		kind, err := oneKind(du, dv, expLIKind)
		if err != nil {
			return expNeuron{}, err
		}
		vLeak := per(func(i int) float64 { return neuron.DecayMax * bias[i] / float64(dv[i]) })
		node.Kind = kind
		switch kind {
		case nir.KindI:
			node.Params = &nir.IParams{R: fill(1)}
			nn.biasOnProj = true
		case nir.KindLI:
			node.Params = &nir.LIParams{Tau: per(func(i int) float64 { return neuron.DecayMax * dt / float64(dv[i]) }),
				R: per(func(i int) float64 { return neuron.DecayMax / float64(dv[i]) }), VLeak: vLeak}
		case nir.KindCubaLI:
			node.Params = &nir.CubaLIParams{TauSyn: per(func(i int) float64 { return neuron.DecayMax * dt / float64(du[i]) }),
				TauMem: per(func(i int) float64 { return neuron.DecayMax * dt / float64(dv[i]) }),
				R:      per(func(i int) float64 { return neuron.DecayMax / float64(du[i]) * neuron.DecayMax / float64(dv[i]) }),
				VLeak:  vLeak, WIn: fill(1)}
		default:
			return refuse("decay_u %d, decay_v %d (an infinite time constant) has no NIR form", du[0], dv[0])
		}
	case neuron.IFZero:
		node.Kind = nir.KindIF
		node.Params = &nir.IFParams{R: fill(1), VThreshold: fill(float64(p.Threshold) - 1), VReset: fill(0)}
		nn.biasOnProj = true
	case neuron.IFSubtract:
		return expSubtractNodes(name, shape, n, p.Threshold), nil
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
//	name.reset  Scale,     −θ             feedback of each spike
//
// with edges name.v → name → name.reset → name.v. The edge name.reset →
// name.v closes a cycle, so it carries the previous step's value: the
// convention of snnTorch's and Norse's recurrent cells, of our float
// reference (snnref.Sim) and of Lower (a recurrent projection takes one
// timestep plus its Delay nodes). A Delay node of dt in the loop would
// subtract two steps after the spike there. By induction y_t is the
// chip's potential before its reset (v_{t−1} after reset plus x_t), so
// z_t is the chip's spike. Projections feed name.v (the bias rides on an
// incoming Affine or Conv bias), spikes leave from name. Lower recognizes
// the pattern to get one if-subtract population back; a float simulator
// of NIR runs it as it stands.
func expSubtractNodes(name string, shape nir.Shape, n int, theta int32) expNeuron {
	fill := func(v float64) nir.Tensor { return expTensor(shape, expConst(n, v)) }
	v, reset := name+".v", name+".reset"
	return expNeuron{
		in: v, out: name, biasOnProj: true,
		nodes: []*nir.Node{
			{Name: v, Kind: nir.KindI, Params: &nir.IParams{R: fill(1)}},
			{Name: name, Kind: nir.KindThreshold, Params: &nir.ThresholdParams{Threshold: fill(float64(theta) - 1)}},
			{Name: reset, Kind: nir.KindScale, Params: &nir.ScaleParams{Scale: fill(-float64(theta))}},
		},
		edges: []nir.Edge{{Src: v, Dst: name}, {Src: name, Dst: reset}, {Src: reset, Dst: v}},
	}
}

// expLIFKind is the NIR type of a chip lif neuron with decays du, dv
// (KindInvalid: none).
func expLIFKind(du, dv uint16) nir.Kind {
	switch {
	case du == neuron.DecayMax && dv == 0:
		return nir.KindIF
	case du == neuron.DecayMax:
		return nir.KindLIF
	case du == 0 || dv == 0:
		return nir.KindInvalid
	}
	return nir.KindCubaLIF
}

// expLIKind is the NIR type of a chip li neuron with decays du, dv
// (KindInvalid: none). I has no bias field (the bias rides on a
// projection, as for IF).
func expLIKind(du, dv uint16) nir.Kind {
	switch {
	case du == neuron.DecayMax && dv == 0:
		return nir.KindI
	case du == neuron.DecayMax:
		return nir.KindLI
	case du == 0 || dv == 0:
		return nir.KindInvalid
	}
	return nir.KindCubaLI
}

// expI32 returns the per-neuron values vec, or n copies of the scalar s.
func expI32(vec []int32, s int32, n int) []int32 {
	if vec != nil {
		return vec
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// expU16 is expI32 for the decays.
func expU16(vec []uint16, s uint16, n int) []uint16 {
	if vec != nil {
		return vec
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = s
	}
	return out
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
