package workloads

import (
	"errors"
	"fmt"
	"math"
	"runtime"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// maxExactThreshold caps θ so that the neuron state keeps ample headroom.
const maxExactThreshold = 1 << 24

func convertExact(n *ann.Net, st []stage, calib *mnist.Set, opt ConvertOptions) (*Converted, error) {
	var errs []error
	for _, s := range st {
		ly := &n.Layers[s.layer]
		switch {
		case s.kind == ann.KindMaxPool2D:
			errs = append(errs, fmt.Errorf("layer %d (maxpool2d): max pooling has no exact spiking form; use avgpool2d or rate conversion", s.layer))
		case s.act >= 0 && n.Layers[s.act].Kind != ann.KindQCFS:
			errs = append(errs, fmt.Errorf("layer %d (%s %q) is followed by %s; exact conversion needs qcfs activations (train with QCFS)",
				s.layer, s.kind, ly.Name, n.Layers[s.act].Kind))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("workloads: net %s cannot be converted exactly:\n%w", n.Name, errors.Join(errs...))
	}
	// The output layer's threshold comes from its float logits.
	want := make([]bool, len(st))
	want[len(st)-1] = true
	pos, err := calibrate(n, st, want, calib, false)
	if err != nil {
		return nil, fmt.Errorf("workloads: %w", err)
	}
	qmax := int8(1<<(opt.WeightBits-1) - 1)
	out := &Converted{Net: &chip.Network{Name: n.Name, Inputs: n.Input.Size(), GradedInput: true}, Method: MethodExact,
		WeightQuantized: cloneNet(n)}
	unit, levels, lastL := 1.0/255, 255, 1 // current activation unit and level count; pixels first
	for k, s := range st {
		ly := &n.Layers[s.layer]
		name := ly.Name
		if name == "" {
			name = fmt.Sprintf("%s%d", s.kind, s.layer)
		}
		if s.kind == ann.KindAvgPool2D {
			// Weight 2, θ = 2, v starts at 1: count = floor((2 Σa + 1)/2) = Σa.
			kk := ly.Kernel * ly.Kernel
			if kk*levels > math.MaxUint16 {
				return nil, fmt.Errorf("workloads: layer %s: pooling %d values of %d levels needs %d levels, more than %d", name, kk, levels, kk*levels, math.MaxUint16)
			}
			levels *= kk
			unit /= float64(kk)
			out.Net.Layers = append(out.Net.Layers, chip.Layer{Name: name, Size: s.out.Size(), Conv: poolConv(ly, s, 2),
				Neuron: neuron.Params{Kind: neuron.BIF, Threshold: 2, Levels: uint16(levels)}})
			out.Layers = append(out.Layers, LayerConversion{Name: name, Kind: s.kind.String(), Lambda: unit * float64(levels),
				Scale: unit, Threshold: 2, MaxWeight: 2, Levels: levels})
			continue
		}
		var wmax float64
		for _, w := range ly.W {
			wmax = max(wmax, math.Abs(float64(w))*unit)
		}
		if wmax == 0 {
			return nil, fmt.Errorf("workloads: layer %s has only zero weights", name)
		}
		lc := LayerConversion{Name: name, Kind: s.kind.String()}
		var theta int
		var step, lambda float64
		var L int
		if s.act >= 0 {
			q := &n.Layers[s.act]
			L, lambda = q.Levels, float64(q.Lambda)
			// Largest even θ with max|W u|/s <= qmax, where s = λ/(L θ). The
			// rule bounds the weights before rounding; round keeps them within
			// the integer qmax. Only θ raised to 2 below can clip weights.
			theta = 2 * int(math.Floor(lambda*float64(qmax)/(float64(L)*wmax)/2))
			theta = min(max(theta, 2), maxExactThreshold)
			step = lambda / (float64(L) * float64(theta))
		} else {
			// Output layer: full weight range; θ spreads the logits' percentile over L levels.
			L = lastL
			step = wmax / float64(qmax)
			p := pos[k][0]
			if len(p) == 0 {
				return nil, fmt.Errorf("workloads: output layer %s is never positive on %d calibration samples", name, calib.N)
			}
			lambda = percentile(p, opt.Percentile)
			theta = 2 * int(math.Round(lambda/(float64(L)*step)/2))
			theta = min(max(theta, 2), maxExactThreshold)
		}
		w := make([]float64, len(ly.W))
		for i, v := range ly.W {
			w[i] = float64(v) * unit
		}
		q, maxW, clipped := quantize(w, step, qmax)
		cl := chipLayer(name, ly, s, q, neuron.Params{Kind: neuron.BIF, Threshold: int32(theta), Levels: uint16(L)})
		if ly.B != nil {
			b := make([]float64, len(ly.B))
			for i, v := range ly.B {
				b[i] = float64(v)
			}
			cl.Bias = biases(b, s.out, 1/step)
		}
		u := unit
		dequantize(&out.WeightQuantized.Layers[s.layer], s.out, q, cl.Bias,
			func(int, int) float64 { return step / u }, func(int) float64 { return step })
		if err := stateBound(cl, levels, theta); err != nil {
			return nil, fmt.Errorf("workloads: layer %s: %w", name, err)
		}
		out.Net.Layers = append(out.Net.Layers, cl)
		lc.Lambda, lc.Scale, lc.Threshold, lc.MaxWeight, lc.Levels, lc.Clipped = lambda, step, int32(theta), maxW, L, clipped
		out.Layers = append(out.Layers, lc)
		unit, levels, lastL = lambda/float64(L), L, L
	}
	return out, nil
}

// stateBound checks that no BIF state of the layer can leave the neuron's
// range: |v| <= θ + |bias| + fan-in * max|w| * levels of the input.
func stateBound(cl chip.Layer, inLevels, theta int) error {
	var maxW int64
	fan := 0
	if cl.Conv != nil {
		for _, w := range cl.Conv.Kernel {
			maxW = max(maxW, int64(w), -int64(w))
		}
		fan = len(cl.Conv.Kernel) / cl.Conv.OutC
	} else {
		for _, w := range cl.Weights {
			maxW = max(maxW, int64(w), -int64(w))
		}
		fan = len(cl.Weights) / cl.Size
	}
	var maxB int64
	for _, b := range cl.Bias {
		maxB = max(maxB, int64(b), -int64(b))
	}
	if bound := int64(theta) + maxB + int64(fan)*maxW*int64(inLevels); bound > neuron.IFStateMax {
		return fmt.Errorf("membrane potential could reach %d, beyond the neuron range %d", bound, neuron.IFStateMax)
	}
	return nil
}

// QuantizedActs holds the integer activations of one QuantizedForward pass:
// Counts[l][j] is neuron j of layer l's activation a_l (its spike count in
// the SNN), Z the last layer's integer pre-activations (its logits).
type QuantizedActs struct {
	Counts [][]int32
	Z      []int64
	z      []int64 // scratch: pre-activations of the current layer
}

// NewQuantizedActs allocates buffers for net.
func NewQuantizedActs(net *chip.Network) *QuantizedActs {
	qa := &QuantizedActs{Counts: make([][]int32, len(net.Layers))}
	maxSize := 0
	for l, ly := range net.Layers {
		qa.Counts[l] = make([]int32, ly.Size)
		maxSize = max(maxSize, ly.Size)
	}
	qa.z = make([]int64, maxSize)
	if len(net.Layers) > 0 {
		qa.Z = make([]int64, net.Layers[len(net.Layers)-1].Size)
	}
	return qa
}

// CheckQuantizable reports why net is not the output of an exact
// conversion: every layer must be BIF, with graded input.
func CheckQuantizable(net *chip.Network) error {
	var errs []error
	if !net.GradedInput {
		errs = append(errs, errors.New("input is not graded (exact conversion feeds pixel values once)"))
	}
	for _, ly := range net.Layers {
		if ly.Neuron.Kind != neuron.BIF {
			errs = append(errs, fmt.Errorf("layer %s has %s neurons, expected bif", ly.Name, ly.Neuron.Kind))
		}
	}
	if err := net.Validate(8); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("workloads: network %s is not an exact conversion: %w", net.Name, errors.Join(errs...))
	}
	return nil
}

// QuantizedForward runs the integer network that an exact conversion
// defines on one image (pixels 0..255, a_0 = pixel): for every layer l,
//
//	Z_l = bias_l + Σ w_int * a_{l-1}
//	a_l = clamp(floor((Z_l + θ_l/2) / θ_l), 0, L_l)
//
// with θ_l the layer's threshold and L_l its Levels; floor rounds towards
// -∞. It fills qa (from NewQuantizedActs) and returns the predicted class,
// the index of the largest Z of the last layer (the lowest on a tie). net
// must pass CheckQuantizable; QuantizedForward panics on a network of
// another shape.
func QuantizedForward(net *chip.Network, image []uint8, qa *QuantizedActs) int {
	if len(image) != net.Inputs {
		panic(fmt.Sprintf("workloads: QuantizedForward: image has %d pixels, network %s has %d inputs", len(image), net.Name, net.Inputs))
	}
	var prev []int32
	for l := range net.Layers {
		ly := &net.Layers[l]
		z := qa.z[:ly.Size]
		if ly.Bias != nil {
			for j, b := range ly.Bias {
				z[j] = int64(b)
			}
		} else {
			clear(z)
		}
		in := func(i int) int64 {
			if l == 0 {
				return int64(image[i])
			}
			return int64(prev[i])
		}
		if ly.Conv != nil {
			convScatter(ly.Conv, net.In(l), in, z)
		} else {
			for a := range net.In(l) {
				v := in(a)
				if v == 0 {
					continue
				}
				row := ly.Weights[a*ly.Size : (a+1)*ly.Size]
				for j, w := range row {
					z[j] += int64(w) * v
				}
			}
		}
		theta, L := int64(ly.Neuron.Threshold), int64(ly.Neuron.Levels)
		cnt := qa.Counts[l]
		for j, v := range z {
			cnt[j] = int32(min(max(floorDiv(v+theta/2, theta), 0), L))
		}
		prev = cnt
	}
	copy(qa.Z, qa.z[:len(qa.Z)])
	best := 0
	for j, v := range qa.Z {
		if v > qa.Z[best] {
			best = j
		}
	}
	return best
}

// floorDiv is floor(a / b) for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// convScatter adds every non-zero input's contribution to the outputs it
// reaches: input (c, iy, ix) meets output (o, oy, ox) through kernel tap
// (ky, kx) with iy = oy*SH - PH + ky*DH and ix = ox*SW - PW + kx*DW.
func convScatter(cv *chip.Conv, n int, in func(int) int64, z []int64) {
	cpg, opg := cv.InC/cv.Groups, cv.OutC/cv.Groups
	plane := cv.OutH * cv.OutW
	for i := range n {
		v := in(i)
		if v == 0 {
			continue
		}
		c, iy, ix := i/(cv.InH*cv.InW), (i/cv.InW)%cv.InH, i%cv.InW
		g, ci := c/cpg, c%cpg
		for ky := range cv.KH {
			ny := iy + cv.PadH - ky*cv.DilH // = oy*SH
			if ny < 0 || ny%cv.StrideH != 0 || ny/cv.StrideH >= cv.OutH {
				continue
			}
			oy := ny / cv.StrideH
			for kx := range cv.KW {
				nx := ix + cv.PadW - kx*cv.DilW
				if nx < 0 || nx%cv.StrideW != 0 || nx/cv.StrideW >= cv.OutW {
					continue
				}
				ox := nx / cv.StrideW
				for o := g * opg; o < (g+1)*opg; o++ {
					w := cv.Kernel[((o*cpg+ci)*cv.KH+ky)*cv.KW+kx]
					z[o*plane+oy*cv.OutW+ox] += int64(w) * v
				}
			}
		}
	}
}

// QuantizedAccuracy returns the accuracy of the integer network over the
// first samples images of s (all if samples <= 0 or > s.N), computed on
// `workers` goroutines (0 = GOMAXPROCS); the result does not depend on
// workers.
func QuantizedAccuracy(net *chip.Network, s *mnist.Set, samples, workers int) (float64, error) {
	if err := CheckQuantizable(net); err != nil {
		return 0, err
	}
	if s.Pixels() != net.Inputs {
		return 0, fmt.Errorf("workloads: images have %d pixels, network %s has %d inputs", s.Pixels(), net.Name, net.Inputs)
	}
	if samples <= 0 || samples > s.N {
		samples = s.N
	}
	if samples == 0 {
		return 0, nil
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	correct := make([]int, workers)
	ann.ForEachChunk(samples, workers, func(w, lo, hi int) {
		qa := NewQuantizedActs(net)
		for i := lo; i < hi; i++ {
			if QuantizedForward(net, s.Image(i), qa) == int(s.Labels[i]) {
				correct[w]++
			}
		}
	})
	total := 0
	for _, c := range correct {
		total += c
	}
	return float64(total) / float64(samples), nil
}
