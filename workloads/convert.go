package workloads

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// Method selects the conversion algorithm.
type Method uint8

const (
	// MethodRate is rate conversion with data-based threshold balancing:
	// integrate-and-fire neurons with reset by subtraction whose spike rates
	// approximate the ANN's activations, more closely as timesteps grow.
	MethodRate Method = iota
	// MethodExact maps a network with QCFS activations onto bidirectional
	// integrate-and-fire (BIF) neurons whose spike counts, once the network
	// is quiet, equal the quantized ANN's activations exactly.
	MethodExact
)

var methodNames = [...]string{MethodRate: "rate", MethodExact: "exact"}

func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", m)
}

// MarshalText implements encoding.TextMarshaler.
func (m Method) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText accepts "rate" or "exact".
func (m *Method) UnmarshalText(b []byte) error {
	for i, n := range methodNames {
		if strings.EqualFold(string(b), n) {
			*m = Method(i)
			return nil
		}
	}
	return fmt.Errorf("workloads: unknown conversion method %q (valid: rate, exact)", b)
}

// ConvertOptions control the conversion.
type ConvertOptions struct {
	// Percentile of each layer's positive activations over the calibration
	// samples used as that layer's scale λ (Rueckauer et al. 2017); 100 is
	// the maximum (Diehl et al. 2015). Must be in (0, 100]. Exact conversion
	// uses it only for the output layer's threshold.
	Percentile float64
	WeightBits int     // signed weight width of the chip, 2..8 (exact: 3..8)
	Encoder    Encoder // rate or direct input; exact conversion needs Pulse
	Samples    int     // calibration samples to use (0 = all)
	Method     Method  // rate (default) or exact
	// PerChannel balances thresholds per output channel (per neuron for
	// dense layers) instead of per layer: each channel's weights and bias
	// are divided by its own λ before the layer is quantized. The weight
	// step stays per layer, because the chip shares one threshold per
	// layer. Rate conversion only.
	PerChannel bool
	// Reset is what the rate-converted IF neurons do after a spike: reset
	// by subtraction (the default) or to zero. Rate conversion only.
	Reset ResetMode
	// Leak, if > 0, is the fraction of the potential a rate-converted
	// neuron loses every timestep, in 1/4096 units (1..4096): the neurons
	// become LIF (neuron.LIF, reset to zero; leak.go). Needs Reset zero.
	Leak uint16
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
	if int(o.Encoder) >= len(encoderNames) {
		errs = append(errs, fmt.Errorf("encoder is %s, expected rate, direct or pulse", o.Encoder))
	}
	if int(o.Reset) >= len(resetNames) {
		errs = append(errs, fmt.Errorf("reset is %s, expected subtract or zero", o.Reset))
	}
	if o.Leak > neuron.DecayMax {
		errs = append(errs, fmt.Errorf("leak is %d/4096, must be at most %d/4096 (the whole potential)", o.Leak, neuron.DecayMax))
	}
	if o.Leak > 0 && o.Method == MethodExact {
		errs = append(errs, fmt.Errorf("leak is for rate conversion; exact conversion uses bidirectional IF neurons"))
	} else if o.Leak > 0 && o.Reset != ResetZero {
		errs = append(errs, fmt.Errorf("leak makes the IF neurons LIF, which reset to zero: it needs reset zero, not %s", o.Reset))
	}
	if o.Method == MethodExact && o.Reset != ResetSubtract {
		errs = append(errs, fmt.Errorf("reset %s is for rate conversion; exact conversion uses bidirectional IF neurons", o.Reset))
	}
	switch o.Method {
	case MethodRate:
		if o.Encoder == Pulse {
			errs = append(errs, errors.New("encoder pulse delivers the input once; rate conversion needs rate or direct input every timestep"))
		}
	case MethodExact:
		if o.Encoder != Pulse {
			errs = append(errs, fmt.Errorf("exact conversion takes the image once as graded events: encoder must be pulse, not %s", o.Encoder))
		}
		if o.PerChannel {
			errs = append(errs, errors.New("per-channel scales are for rate conversion; exact conversion uses one threshold per layer"))
		}
		if o.WeightBits == 2 {
			errs = append(errs, errors.New("exact conversion needs weight bits >= 3 (average pooling uses weight 2)"))
		}
	default:
		errs = append(errs, fmt.Errorf("conversion method is %s, expected rate or exact", o.Method))
	}
	return errors.Join(errs...)
}

// LayerConversion records how one spiking layer was made.
type LayerConversion struct {
	Name   string  `json:"name"`
	Kind   string  `json:"kind"`   // ANN layer kind: dense, conv2d, avgpool2d or maxpool2d
	Lambda float64 `json:"lambda"` // activation scale λ of the layer's output (per channel: the largest)
	// ChannelLambda is λ per output channel when balancing per channel.
	ChannelLambda []float64 `json:"channel_lambda,omitempty"`
	Scale         float64   `json:"scale"`      // weight step: normalized (rate) or real (exact) weight per integer unit
	Threshold     int32     `json:"threshold"`  // integer firing threshold θ
	MaxWeight     int8      `json:"max_weight"` // largest |integer weight|
	Levels        int       `json:"levels,omitempty"`
	Clipped       int       `json:"clipped,omitempty"` // weights clipped to the weight range (exact)
	Note          string    `json:"note,omitempty"`    // approximation used for this layer, if any
}

// Converted is an SNN program plus the record of its conversion.
type Converted struct {
	Net    *chip.Network
	Layers []LayerConversion
	Method Method
	// MaxPoolNote is empty when the network has no max pooling; otherwise
	// it describes the spiking approximation used, for the report.
	MaxPoolNote string
	// WeightQuantized is a copy of the source ANN whose dense and conv2d
	// weights and biases are the chip's integers mapped back to real values
	// (rate: w = q·inScale/θ·λ_out/λ_in, b = bias/θ·λ_out; exact:
	// w = q·s/u_in, b = bias·s), with float activations. Its accuracy
	// isolates the effect of weight quantization.
	WeightQuantized *ann.Net
}

// cloneNet copies n with fresh weight and bias slices.
func cloneNet(n *ann.Net) *ann.Net {
	c := &ann.Net{Name: n.Name, Input: n.Input, Layers: slices.Clone(n.Layers)}
	for l := range c.Layers {
		c.Layers[l].W = slices.Clone(c.Layers[l].W)
		c.Layers[l].B = slices.Clone(c.Layers[l].B)
	}
	return c
}

// dequantize writes real weights w = q*wScale(o, i) and biases
// b = bias*bScale(o) into the weighted layer ly (ANN layout). bias is the
// chip's per-neuron bias (replicated over a channel's plane) or nil.
func dequantize(ly *ann.Layer, out ann.Shape, q []int8, bias []int32, wScale func(o, i int) float64, bScale func(o int) float64) {
	per := len(ly.W) / ly.Out
	for o := range ly.Out {
		for i := range per {
			ly.W[o*per+i] = float32(float64(q[o*per+i]) * wScale(o, i))
		}
	}
	if ly.B == nil {
		return
	}
	plane := out.H * out.W
	for o := range ly.B {
		v := 0.0
		if bias != nil {
			v = float64(bias[o*plane]) * bScale(o)
		}
		ly.B[o] = float32(v)
	}
}

// inChannel is the input channel (dense: input element) that weight i of
// an output channel o reads.
func inChannel(ly *ann.Layer, s stage, o, i int) int {
	if s.kind == ann.KindDense {
		return i
	}
	cpg, opg := s.in.C/ly.Groups, ly.Out/ly.Groups
	return (o/opg)*cpg + i/(ly.Kernel*ly.Kernel)
}

// MaxPoolApproximation is the sentence Converted.MaxPoolNote carries.
const MaxPoolApproximation = "max pooling is approximated by a gated OR: an IF neuron with reset to zero, threshold 1 and weight 1 from every input of its window fires in a step when any of them spiked, so its rate is at least the largest input rate and at most their sum"

// stage is one spiking layer: a weighted ANN layer with the activation
// after it, or a pooling layer. Flatten layers are free (the chip orders
// neurons channel-major, as flatten does).
type stage struct {
	kind    ann.LayerKind
	layer   int // index of the ANN layer
	act     int // index of the activation after a weighted layer, or -1
	in, out ann.Shape
	outIdx  int // ANN layer whose output is this stage's output
}

// stages groups the ANN layers into spiking layers and rejects what the chip
// cannot express.
func stages(n *ann.Net, shapes []ann.Shape) ([]stage, error) {
	var st []stage
	var errs []error
	nonneg := false // is the current activation map known to be >= 0?
	for i := 0; i < len(n.Layers); i++ {
		ly := &n.Layers[i]
		in := n.Input
		if i > 0 {
			in = shapes[i-1]
		}
		where := fmt.Sprintf("layer %d (%s %q)", i, ly.Kind, ly.Name)
		switch ly.Kind {
		case ann.KindDense, ann.KindConv2D:
			s := stage{kind: ly.Kind, layer: i, act: -1, in: in, out: shapes[i], outIdx: i}
			if i+1 < len(n.Layers) && n.Layers[i+1].Kind.Activation() {
				s.act, s.outIdx = i+1, i+1
				i++
			}
			nonneg = s.act >= 0
			st = append(st, s)
		case ann.KindAvgPool2D, ann.KindMaxPool2D:
			st = append(st, stage{kind: ly.Kind, layer: i, act: -1, in: in, out: shapes[i], outIdx: i})
		case ann.KindFlatten:
		case ann.KindReLU:
			if !nonneg {
				errs = append(errs, fmt.Errorf("%s: a relu must directly follow a dense or conv2d layer (or act on already non-negative values)", where))
			}
		case ann.KindQCFS:
			errs = append(errs, fmt.Errorf("%s: a qcfs activation must directly follow a dense or conv2d layer", where))
		case ann.KindAdd:
			errs = append(errs, fmt.Errorf("%s: residual add is not supported: the chip runs a feed-forward chain of layers", where))
		}
	}
	for k, s := range st {
		last := k == len(st)-1
		ly := &n.Layers[s.layer]
		switch {
		case last && !s.kind.Weighted():
			errs = append(errs, fmt.Errorf("layer %d (%s): the last spiking layer must be dense or conv2d", s.layer, s.kind))
		case !last && s.kind.Weighted() && s.act < 0:
			errs = append(errs, fmt.Errorf("layer %d (%s %q) has no activation after it; every spiking layer but the last needs relu or qcfs", s.layer, s.kind, ly.Name))
		}
	}
	if len(st) == 0 {
		errs = append(errs, errors.New("the net has no dense or conv2d layer"))
	}
	return st, errors.Join(errs...)
}

// ConvertNet turns a feed-forward ANN into a chip.Network.
//
// Rate conversion (MethodRate), per spiking layer l:
//
//  1. λ_l is the Percentile of the layer's positive activations over the
//     calibration images (per output channel with PerChannel), or the λ of
//     its qcfs activation; inputs have λ = 1 (pixels in [0, 1]);
//  2. W'_l = W_l λ_{l-1}/λ_l and b'_l = b_l/λ_l (per input and output
//     channel), so activations map to rates in [0, 1] with threshold 1;
//  3. W'_l is quantized symmetrically to WeightBits with step s_l = max|W'_l|
//     / (2^(bits-1)-1); the threshold is round(1/s_l), the bias round(b'/s_l)
//     (both times 255 for the first layer with direct input).
//
// Neurons are IF with reset by subtraction. Average pooling becomes a
// convolution with one group per channel, weights 1 and threshold k², which
// preserves rates exactly; max pooling is approximated by a gated OR
// (MaxPoolApproximation).
//
// Exact conversion (MethodExact) needs qcfs activations after every dense
// or conv2d layer but the last, and the Pulse encoder. Activations are
// integers: a_0 = pixels (unit 1/255), a_l in [0, L_l] with unit λ_l/L_l.
// Each weighted layer gets an even threshold θ_l (the largest that keeps
// the weights in range, judged on the real weights before rounding), step
// s_l = λ_l/(L_l θ_l), integer weights
// round(W u_{l-1}/s_l) and bias round(b/s_l), and BIF neurons with Levels
// L_l, so the integer network of QuantizedForward computes
// a_l = clamp(floor((Z_l + θ_l/2)/θ_l), 0, L_l). Average pooling becomes
// BIF neurons with weight 2 and threshold 2 whose count is the window sum
// (exact; the unit shrinks by k²). The last layer's threshold comes from
// the Percentile of its positive logits; its readout is the integer logit.
func ConvertNet(n *ann.Net, calib *mnist.Set, opt ConvertOptions) (*Converted, error) {
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("workloads: conversion options:\n%w", err)
	}
	shapes, err := n.Shapes()
	if err != nil {
		return nil, fmt.Errorf("workloads: %w", err)
	}
	st, err := stages(n, shapes)
	if err != nil {
		return nil, fmt.Errorf("workloads: net %s cannot be converted:\n%w", n.Name, err)
	}
	if calib.Pixels() != n.Input.Size() {
		return nil, fmt.Errorf("workloads: calibration images have %d pixels, model %s expects %d inputs", calib.Pixels(), n.Name, n.Input.Size())
	}
	ns := calib.N
	if opt.Samples > 0 && opt.Samples < ns {
		ns = opt.Samples
	}
	if ns < 1 {
		return nil, errors.New("workloads: no calibration samples")
	}
	if opt.Method == MethodExact {
		return convertExact(n, st, calib.Slice(0, ns), opt)
	}
	return convertRate(n, st, calib.Slice(0, ns), opt)
}

func convertRate(n *ann.Net, st []stage, calib *mnist.Set, opt ConvertOptions) (*Converted, error) {
	want := make([]bool, len(st))
	for k, s := range st {
		want[k] = s.kind.Weighted() && (s.act < 0 || n.Layers[s.act].Kind == ann.KindReLU)
	}
	pos, err := calibrate(n, st, want, calib, opt.PerChannel)
	if err != nil {
		return nil, fmt.Errorf("workloads: %w", err)
	}
	qmax := float64(int(1)<<(opt.WeightBits-1) - 1)
	out := &Converted{Net: &chip.Network{Name: n.Name, Inputs: n.Input.Size(), GradedInput: opt.Encoder.Graded()}, Method: MethodRate,
		WeightQuantized: cloneNet(n)}
	lamIn := make([]float64, n.Input.C) // λ per channel of the current activation map
	for i := range lamIn {
		lamIn[i] = 1
	}
	for k, s := range st {
		ly := &n.Layers[s.layer]
		if s.in.C != len(lamIn) { // a flatten happened: expand per-channel λ to per-element
			lamIn = expand(lamIn, s.in.C)
		}
		inScale := 1.0
		if k == 0 && opt.Encoder.Graded() {
			inScale = 255
		}
		name := ly.Name
		if name == "" {
			name = fmt.Sprintf("%s%d", s.kind, s.layer)
		}
		switch s.kind {
		case ann.KindAvgPool2D, ann.KindMaxPool2D:
			cv := poolConv(ly, s, 1)
			theta := int32(ly.Kernel * ly.Kernel * int(inScale))
			p, err := opt.ifNeuron(name, theta)
			if err != nil {
				return nil, err
			}
			lc := LayerConversion{Name: name, Kind: s.kind.String(), Lambda: slices.Max(lamIn), Scale: 1 / float64(ly.Kernel*ly.Kernel), Threshold: theta, MaxWeight: 1}
			if s.kind == ann.KindMaxPool2D {
				p = neuron.Params{Kind: neuron.IFZero, Threshold: 1}
				lc.Threshold, lc.Scale, lc.Note = 1, 1, "gated OR (max-pooling approximation)"
				out.MaxPoolNote = MaxPoolApproximation
			}
			out.Net.Layers = append(out.Net.Layers, chip.Layer{Name: name, Size: s.out.Size(), Neuron: p, Conv: cv})
			if err := opt.checkLeakInput(&out.Net.Layers[len(out.Net.Layers)-1], inScale); err != nil {
				return nil, err
			}
			out.Layers = append(out.Layers, lc)
			continue
		}
		// Weighted layer: λ per output channel.
		lamOut := make([]float64, s.out.C)
		lc := LayerConversion{Name: name, Kind: s.kind.String()}
		if want[k] {
			var layerLam float64
			for c, p := range pos[k] {
				if len(p) == 0 {
					continue
				}
				v := percentile(p, opt.Percentile)
				if opt.PerChannel {
					lamOut[c] = v
				} else {
					layerLam = v
				}
				layerLam = max(layerLam, v)
			}
			if layerLam == 0 {
				return nil, fmt.Errorf("workloads: layer %s never activates on %d calibration samples; cannot balance its threshold", name, calib.N)
			}
			for c := range lamOut {
				if lamOut[c] == 0 { // per-layer, or a channel that never fires
					lamOut[c] = layerLam
				}
			}
			if opt.PerChannel {
				lc.ChannelLambda = slices.Clone(lamOut)
			}
		} else { // qcfs: its trained clipping value is the threshold
			for c := range lamOut {
				lamOut[c] = float64(n.Layers[s.act].Lambda)
			}
		}
		lc.Lambda = slices.Max(lamOut)
		wn, bn := normalize(ly, s, lamIn, lamOut)
		var wmax float64
		for _, w := range wn {
			wmax = max(wmax, math.Abs(w))
		}
		if wmax == 0 {
			return nil, fmt.Errorf("workloads: layer %s has only zero weights", name)
		}
		step := wmax / qmax
		theta := math.Round(inScale / step)
		if theta < 1 || theta > neuron.IFStateMax/4 {
			return nil, fmt.Errorf("workloads: layer %s: threshold %g out of range [1, %d]", name, theta, neuron.IFStateMax/4)
		}
		q, maxW, _ := quantize(wn, step, int8(qmax))
		p, err := opt.ifNeuron(name, int32(theta))
		if err != nil {
			return nil, err
		}
		cl := chipLayer(name, ly, s, q, p)
		cl.Bias = biases(bn, s.out, inScale/step)
		dequantize(&out.WeightQuantized.Layers[s.layer], s.out, q, cl.Bias,
			func(o, i int) float64 { return inScale / theta * lamOut[o] / lamIn[inChannel(ly, s, o, i)] },
			func(o int) float64 { return lamOut[o] / theta })
		out.Net.Layers = append(out.Net.Layers, cl)
		if err := opt.checkLeakInput(&out.Net.Layers[len(out.Net.Layers)-1], inScale); err != nil {
			return nil, err
		}
		lc.Scale, lc.Threshold, lc.MaxWeight = step, int32(theta), maxW
		out.Layers = append(out.Layers, lc)
		lamIn = lamOut
	}
	return out, nil
}

// expand maps per-channel values of a (C, H, W) map onto its n = C*H*W
// flattened elements.
func expand(lam []float64, n int) []float64 {
	per := n / len(lam)
	out := make([]float64, n)
	for i := range out {
		out[i] = lam[i/per]
	}
	return out
}

// normalize returns the layer's weights and biases in float64, scaled by
// the input channel's λ (or unit) and divided by the output channel's.
func normalize(ly *ann.Layer, s stage, lamIn, lamOut []float64) (w, b []float64) {
	w = make([]float64, len(ly.W))
	per := len(ly.W) / ly.Out // weights per output channel
	var inPer, cpg, opg int   // conv: weights per input channel, channels per group
	if s.kind == ann.KindConv2D {
		inPer = ly.Kernel * ly.Kernel
		cpg, opg = s.in.C/ly.Groups, ly.Out/ly.Groups
	}
	for o := range ly.Out {
		for i := range per {
			var li float64
			if s.kind == ann.KindDense {
				li = lamIn[i]
			} else {
				li = lamIn[(o/opg)*cpg+i/inPer]
			}
			w[o*per+i] = float64(ly.W[o*per+i]) * li / lamOut[o]
		}
	}
	if ly.B != nil {
		b = make([]float64, ly.Out)
		for o, v := range ly.B {
			b[o] = float64(v) / lamOut[o]
		}
	}
	return w, b
}

// quantize rounds w/step to integers clipped to ±qmax, returning them, the
// largest magnitude and how many were clipped.
func quantize(w []float64, step float64, qmax int8) ([]int8, int8, int) {
	q := make([]int8, len(w))
	var maxW int8
	clipped := 0
	for i, v := range w {
		r := math.Round(v / step)
		if r > float64(qmax) || r < -float64(qmax) {
			clipped++
			r = math.Copysign(float64(qmax), r)
		}
		q[i] = int8(r)
		maxW = max(maxW, q[i], -q[i])
	}
	return q, maxW, clipped
}

// chipLayer builds the spiking layer of a weighted stage from integer
// weights in the ANN layout (dense: Out x In, transposed here to the chip's
// In x Out; conv2d: Out x In/Groups x K x K, as the chip's kernel).
func chipLayer(name string, ly *ann.Layer, s stage, q []int8, p neuron.Params) chip.Layer {
	cl := chip.Layer{Name: name, Size: s.out.Size(), Neuron: p}
	if s.kind == ann.KindDense {
		in, o := s.in.Size(), s.out.Size()
		cl.Weights = make([]int8, len(q))
		for j := range o {
			for a := range in {
				cl.Weights[a*o+j] = q[j*in+a]
			}
		}
		return cl
	}
	cl.Conv = &chip.Conv{InC: s.in.C, InH: s.in.H, InW: s.in.W, OutC: s.out.C, OutH: s.out.H, OutW: s.out.W,
		KH: ly.Kernel, KW: ly.Kernel, StrideH: ly.Stride, StrideW: ly.Stride, PadH: ly.Pad, PadW: ly.Pad, PadHEnd: ly.Pad, PadWEnd: ly.Pad, DilH: 1, DilW: 1, Groups: ly.Groups, Kernel: q}
	return cl
}

// biases rounds b*scale per output channel and replicates it over the
// channel's H x W neurons; nil when every bias is zero.
func biases(b []float64, out ann.Shape, scale float64) []int32 {
	if b == nil {
		return nil
	}
	plane := out.H * out.W
	res := make([]int32, out.Size())
	nonzero := false
	for c, v := range b {
		r := int32(math.Round(v * scale))
		for i := c * plane; i < (c+1)*plane; i++ {
			res[i] = r
		}
		nonzero = nonzero || r != 0
	}
	if !nonzero {
		return nil
	}
	return res
}

// poolConv is the depthwise convolution of a pooling layer with every
// kernel weight w.
func poolConv(ly *ann.Layer, s stage, w int8) *chip.Conv {
	k := ly.Kernel
	kern := make([]int8, s.in.C*k*k)
	for i := range kern {
		kern[i] = w
	}
	return &chip.Conv{InC: s.in.C, InH: s.in.H, InW: s.in.W, OutC: s.out.C, OutH: s.out.H, OutW: s.out.W,
		KH: k, KW: k, StrideH: ly.Stride, StrideW: ly.Stride, PadH: ly.Pad, PadW: ly.Pad, PadHEnd: ly.Pad, PadWEnd: ly.Pad, DilH: 1, DilW: 1, Groups: s.in.C, Kernel: kern}
}
