package ann

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Shape is the shape of one sample's activations, channel-major (C, H, W)
// as in PyTorch. A flat vector of n features is (n, 1, 1).
type Shape struct {
	C, H, W int
}

// Size is the number of elements, C*H*W.
func (s Shape) Size() int { return s.C * s.H * s.W }

// Flat reports whether s is a vector (H = W = 1).
func (s Shape) Flat() bool { return s.H == 1 && s.W == 1 }

// String formats s as "CxHxW", or "N" for a flat shape.
func (s Shape) String() string {
	if s.Flat() {
		return fmt.Sprint(s.C)
	}
	return fmt.Sprintf("%dx%dx%d", s.C, s.H, s.W)
}

// LayerKind selects what a Layer computes.
type LayerKind uint8

const (
	// KindDense is a fully connected layer y = W x + B on a flat input;
	// W is Out x In (PyTorch nn.Linear).
	KindDense LayerKind = iota
	// KindConv2D is a 2-D convolution with square Kernel, Stride, Pad and
	// Groups; W is Out x In/Groups x Kernel x Kernel (PyTorch nn.Conv2d)
	// and B has Out entries.
	KindConv2D
	// KindAvgPool2D averages each Kernel x Kernel window (stride Stride,
	// zero padding Pad counted in the divisor, as PyTorch's default
	// count_include_pad=True).
	KindAvgPool2D
	// KindMaxPool2D takes the maximum of each window (padding is -inf, as
	// in PyTorch).
	KindMaxPool2D
	// KindFlatten reshapes (C, H, W) to (C*H*W, 1, 1) in channel-major
	// order (torch.flatten(x, 1)); the data does not move.
	KindFlatten
	// KindReLU is max(x, 0).
	KindReLU
	// KindQCFS is the quantization-clip-floor-shift activation of Bu et al.
	// (ICLR 2022) with Levels L and scale Lambda λ:
	// y = λ/L * clamp(floor(x*L/λ + 1/2), 0, L).
	KindQCFS
	// KindAdd adds the output of the earlier layer named From to its input
	// (a residual connection); the shapes must be equal.
	KindAdd

	numLayerKinds
)

var layerKindNames = [numLayerKinds]string{
	KindDense: "dense", KindConv2D: "conv2d", KindAvgPool2D: "avgpool2d", KindMaxPool2D: "maxpool2d",
	KindFlatten: "flatten", KindReLU: "relu", KindQCFS: "qcfs", KindAdd: "add",
}

// String returns the name used in model descriptions ("dense", "conv2d", ...).
func (k LayerKind) String() string {
	if k < numLayerKinds {
		return layerKindNames[k]
	}
	return fmt.Sprintf("LayerKind(%d)", uint8(k))
}

// Weighted reports whether the kind has weights (dense, conv2d).
func (k LayerKind) Weighted() bool { return k == KindDense || k == KindConv2D }

// Activation reports whether the kind is an elementwise activation (relu, qcfs).
func (k LayerKind) Activation() bool { return k == KindReLU || k == KindQCFS }

// Layer is one step of a Net. Which fields apply depends on Kind; the others
// must be zero (Validate reports misplaced settings).
type Layer struct {
	Kind LayerKind
	Name string // unique when set; required for dense, conv2d and layers named by an add
	// Out is the output features (dense) or output channels (conv2d).
	Out int
	// Kernel, Stride, Pad: square window of conv2d and the pools.
	Kernel, Stride, Pad int
	Groups              int       // conv2d: channel groups (1 = ordinary convolution)
	W                   []float32 // dense: Out x In; conv2d: Out x In/Groups x Kernel x Kernel
	B                   []float32 // dense, conv2d: Out biases (nil = no bias)
	Levels              int       // qcfs: quantization levels L >= 1
	Lambda              float32   // qcfs: clipping scale λ > 0
	From                string    // add: name of the earlier layer whose output is added
}

// Net is a feed-forward network: Layers applied in order to an input of
// shape Input. The last layer's output are the class scores.
type Net struct {
	Name   string
	Input  Shape
	Layers []Layer
}

// Shapes returns the output shape of every layer, checking that each layer
// fits its input. It reports every problem it finds, each naming the layer.
func (n *Net) Shapes() ([]Shape, error) {
	var errs []error
	if n.Input.C < 1 || n.Input.H < 1 || n.Input.W < 1 {
		return nil, fmt.Errorf("ann: net %q: input shape %dx%dx%d must be positive", n.Name, n.Input.C, n.Input.H, n.Input.W)
	}
	if len(n.Layers) == 0 {
		return nil, fmt.Errorf("ann: net %q has no layers", n.Name)
	}
	shapes := make([]Shape, len(n.Layers))
	names := make(map[string]int, len(n.Layers))
	in := n.Input
	for l := range n.Layers {
		ly := &n.Layers[l]
		out, lerrs := ly.outShape(in, func(name string) (Shape, bool) {
			i, ok := names[name]
			if !ok {
				return Shape{}, false
			}
			return shapes[i], true
		})
		for _, e := range lerrs {
			errs = append(errs, fmt.Errorf("ann: layer %d (%s %q): %w", l, ly.Kind, ly.Name, e))
		}
		if ly.Name != "" {
			if prev, dup := names[ly.Name]; dup {
				errs = append(errs, fmt.Errorf("ann: layer %d (%s %q) has the same name as layer %d", l, ly.Kind, ly.Name, prev))
			} else {
				names[ly.Name] = l
			}
		}
		if len(lerrs) > 0 {
			// Keep checking the rest with the best guess of the shape.
			if out.Size() < 1 {
				return nil, errors.Join(errs...)
			}
		}
		shapes[l] = out
		in = out
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return shapes, nil
}

// Validate checks the whole net (see Shapes) and that no weight is NaN or
// infinite.
func (n *Net) Validate() error {
	_, err := n.Shapes()
	return err
}

// OutShape returns the output shape of the last layer, or the zero Shape if
// the net is invalid.
func (n *Net) OutShape() Shape {
	s, err := n.Shapes()
	if err != nil {
		return Shape{}
	}
	return s[len(s)-1]
}

// convOut is the output length of a window of size k, stride s and padding p
// over n inputs, or <= 0 when the window does not fit.
func convOut(n, k, s, p int) int {
	if s < 1 {
		return 0
	}
	return (n+2*p-k)/s + 1
}

// outShape computes the layer's output shape for input shape in and lists
// every problem. lookup finds an earlier layer's output shape by name.
func (ly *Layer) outShape(in Shape, lookup func(string) (Shape, bool)) (Shape, []error) {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	// Misplaced settings.
	if !ly.Kind.Weighted() {
		if ly.Out != 0 || ly.W != nil || ly.B != nil || ly.Groups != 0 {
			bad("out, groups, weight and bias apply to dense and conv2d only")
		}
	}
	if ly.Kind != KindConv2D && ly.Kind != KindAvgPool2D && ly.Kind != KindMaxPool2D {
		if ly.Kernel != 0 || ly.Stride != 0 || ly.Pad != 0 {
			bad("kernel, stride and padding apply to conv2d and pooling only")
		}
	}
	if ly.Kind != KindQCFS && (ly.Levels != 0 || ly.Lambda != 0) {
		bad("levels and lambda apply to qcfs only")
	}
	if ly.Kind != KindAdd && ly.From != "" {
		bad("from applies to add only")
	}
	if i := firstNonFinite(ly.W); i >= 0 {
		bad("weight element %d is %v", i, ly.W[i])
	}
	if i := firstNonFinite(ly.B); i >= 0 {
		bad("bias element %d is %v", i, ly.B[i])
	}

	switch ly.Kind {
	case KindDense:
		if ly.Name == "" {
			bad("dense layer needs a name")
		}
		if !in.Flat() {
			bad("input shape is %s, dense needs a flat input (insert a flatten layer)", in)
		}
		if ly.Out < 1 {
			bad("out features is %d, must be >= 1", ly.Out)
			return Shape{}, errs
		}
		if want := ly.Out * in.Size(); len(ly.W) != want {
			bad("weight has %d elements, expected %d x %d = %d", len(ly.W), ly.Out, in.Size(), want)
		}
		if ly.B != nil && len(ly.B) != ly.Out {
			bad("bias has %d elements, expected %d", len(ly.B), ly.Out)
		}
		return Shape{ly.Out, 1, 1}, errs
	case KindConv2D:
		if ly.Name == "" {
			bad("conv2d layer needs a name")
		}
		if ly.Out < 1 || ly.Kernel < 1 || ly.Stride < 1 || ly.Pad < 0 || ly.Groups < 1 {
			bad("out channels %d, kernel %d, stride %d, groups %d must be >= 1 and padding %d >= 0",
				ly.Out, ly.Kernel, ly.Stride, ly.Groups, ly.Pad)
			return Shape{}, errs
		}
		if in.C%ly.Groups != 0 || ly.Out%ly.Groups != 0 {
			bad("groups %d must divide the input channels %d and the output channels %d", ly.Groups, in.C, ly.Out)
			return Shape{}, errs
		}
		oh, ow := convOut(in.H, ly.Kernel, ly.Stride, ly.Pad), convOut(in.W, ly.Kernel, ly.Stride, ly.Pad)
		if oh < 1 || ow < 1 {
			bad("kernel %d with padding %d does not fit the %s input", ly.Kernel, ly.Pad, in)
			return Shape{}, errs
		}
		if want := ly.Out * in.C / ly.Groups * ly.Kernel * ly.Kernel; len(ly.W) != want {
			bad("weight has %d elements, expected %d x %d x %d x %d = %d", len(ly.W), ly.Out, in.C/ly.Groups, ly.Kernel, ly.Kernel, want)
		}
		if ly.B != nil && len(ly.B) != ly.Out {
			bad("bias has %d elements, expected %d", len(ly.B), ly.Out)
		}
		return Shape{ly.Out, oh, ow}, errs
	case KindAvgPool2D, KindMaxPool2D:
		if ly.Kernel < 1 || ly.Stride < 1 || ly.Pad < 0 || 2*ly.Pad > ly.Kernel {
			bad("kernel %d and stride %d must be >= 1 and padding %d in [0, kernel/2]", ly.Kernel, ly.Stride, ly.Pad)
			return Shape{}, errs
		}
		oh, ow := convOut(in.H, ly.Kernel, ly.Stride, ly.Pad), convOut(in.W, ly.Kernel, ly.Stride, ly.Pad)
		if oh < 1 || ow < 1 {
			bad("window %d with padding %d does not fit the %s input", ly.Kernel, ly.Pad, in)
			return Shape{}, errs
		}
		return Shape{in.C, oh, ow}, errs
	case KindFlatten:
		return Shape{in.Size(), 1, 1}, errs
	case KindReLU:
		return in, errs
	case KindQCFS:
		if ly.Levels < 1 || ly.Levels > 1<<15 {
			bad("levels is %d, must be in 1..%d", ly.Levels, 1<<15)
		}
		if !(ly.Lambda > 0) || firstNonFinite([]float32{ly.Lambda}) >= 0 {
			bad("lambda is %v, must be a finite number > 0", ly.Lambda)
		}
		return in, errs
	case KindAdd:
		s, ok := lookup(ly.From)
		switch {
		case ly.From == "":
			bad("add needs from: the name of an earlier layer")
		case !ok:
			bad("from %q names no earlier layer", ly.From)
		case s != in:
			bad("adds layer %q of shape %s to an input of shape %s", ly.From, s, in)
		}
		return in, errs
	default:
		bad("unknown layer kind %d", uint8(ly.Kind))
		return Shape{}, errs
	}
}

// Summary returns a one-line description of the layer stack, for example
// "1x28x28 conv2d(16,k5) relu avgpool2d(k2) ... dense(10)".
func (n *Net) Summary() string {
	parts := []string{n.Input.String()}
	for _, ly := range n.Layers {
		switch ly.Kind {
		case KindDense:
			parts = append(parts, fmt.Sprintf("dense(%d)", ly.Out))
		case KindConv2D:
			s := fmt.Sprintf("conv2d(%d,k%d", ly.Out, ly.Kernel)
			if ly.Stride != 1 {
				s += fmt.Sprintf(",s%d", ly.Stride)
			}
			if ly.Pad != 0 {
				s += fmt.Sprintf(",p%d", ly.Pad)
			}
			if ly.Groups != 1 {
				s += fmt.Sprintf(",g%d", ly.Groups)
			}
			parts = append(parts, s+")")
		case KindAvgPool2D, KindMaxPool2D:
			parts = append(parts, fmt.Sprintf("%s(k%d)", ly.Kind, ly.Kernel))
		case KindQCFS:
			parts = append(parts, fmt.Sprintf("qcfs(L%d)", ly.Levels))
		case KindAdd:
			parts = append(parts, "add("+ly.From+")")
		default:
			parts = append(parts, ly.Kind.String())
		}
	}
	return strings.Join(parts, " ")
}

// Params returns the number of weights and biases (plus one λ per qcfs layer).
func (n *Net) Params() int {
	p := 0
	for _, ly := range n.Layers {
		p += len(ly.W) + len(ly.B)
		if ly.Kind == KindQCFS {
			p++
		}
	}
	return p
}

// LayerMACs returns the multiply-accumulates of layer l for one sample:
// Out*In for dense, OutC*OutH*OutW*(InC/Groups)*Kernel^2 for conv2d, and 0
// for every other kind (pooling additions and activations are not MACs).
// in is the layer's input shape.
func (ly *Layer) LayerMACs(in Shape) uint64 {
	switch ly.Kind {
	case KindDense:
		return uint64(ly.Out) * uint64(in.Size())
	case KindConv2D:
		oh, ow := convOut(in.H, ly.Kernel, ly.Stride, ly.Pad), convOut(in.W, ly.Kernel, ly.Stride, ly.Pad)
		return uint64(ly.Out) * uint64(oh*ow) * uint64(in.C/ly.Groups*ly.Kernel*ly.Kernel)
	}
	return 0
}

// MACs returns the multiply-accumulates of one forward pass (dense and
// conv2d layers; see Layer.LayerMACs). It returns 0 for an invalid net.
func (n *Net) MACs() uint64 {
	shapes, err := n.Shapes()
	if err != nil {
		return 0
	}
	var t uint64
	in := n.Input
	for l := range n.Layers {
		t += n.Layers[l].LayerMACs(in)
		in = shapes[l]
	}
	return t
}

// firstNonFinite returns the index of the first NaN or ±Inf in x, or -1.
func firstNonFinite(x []float32) int {
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return i
		}
	}
	return -1
}
