package ann

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// MaxArrayBytes bounds each array of a weights archive (uncompressed).
// The largest committed model (workloads/models/mnist-mlp-qcfs.npz) has a
// 1.6 MB array; 1 GiB admits 268 million float32 weights per array, far
// beyond what a chip preset maps, while refusing zip bombs up front.
const MaxArrayBytes = 1 << 30

// BuildNet builds a Net from a parsed description and the .npz archive r of
// the given size (see LoadModel).
func BuildNet(mf *ModelFile, r io.ReaderAt, size int64) (*Net, error) {
	a, err := npyfile.OpenArchive(mf.Weights, r, size, MaxArrayBytes)
	if err != nil {
		return nil, err
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	n := &Net{Name: mf.Name}
	switch len(mf.Input) {
	case 1:
		n.Input = Shape{mf.Input[0], 1, 1}
	case 3:
		n.Input = Shape{mf.Input[0], mf.Input[1], mf.Input[2]}
	default:
		return nil, fmt.Errorf("input is %v, expected [C, H, W] or [N]", mf.Input)
	}
	if n.Input.C < 1 || n.Input.H < 1 || n.Input.W < 1 {
		return nil, fmt.Errorf("input is %v, every dimension must be >= 1", mf.Input)
	}
	if len(mf.Layers) == 0 {
		return nil, errors.New("layers is empty")
	}
	in := n.Input
	named := map[string]Shape{}
	for i, ls := range mf.Layers {
		where := fmt.Sprintf("layer %d (%s %q)", i, ls.Type, ls.Name)
		lerr := func(format string, args ...any) { fail(where+": "+format, args...) }
		// array reads the named array, checks its shape and values. def
		// marks a defaulted name, which may be absent when optional.
		array := func(field, name string, def, optional bool, want ...int) []float32 {
			if !a.Has(name) {
				if !(def && optional) {
					lerr("%s array %q is missing from the archive", field, name)
				}
				return nil
			}
			h, err := a.Header(name)
			if err != nil {
				lerr("%s array %q: %v", field, name, err)
				return nil
			}
			if got := h.Shape; !slices.Equal(got, want) {
				lerr("%s array %q has shape %s, expected %s", field, name, shapeStr(got), shapeStr(want))
				return nil
			}
			v, err := readFloats(a, name)
			if err != nil {
				lerr("%s array %q: %v", field, name, err)
				return nil
			}
			return v
		}
		arrayName := func(explicit, suffix string) (string, bool) {
			if explicit != "" {
				return explicit, false
			}
			if ls.Name == "" {
				return "", true
			}
			return ls.Name + "." + suffix, true
		}
		stride := ls.Stride
		switch ls.Type {
		case "dense":
			if ls.OutFeatures < 1 {
				lerr("out_features is %d, must be >= 1", ls.OutFeatures)
				return nil, errors.Join(errs...)
			}
			if !in.Flat() {
				lerr("input shape is %s, dense needs a flat input (add a flatten layer before it)", in)
			}
			ly := Layer{Kind: KindDense, Name: ls.Name, Out: ls.OutFeatures}
			wn, _ := arrayName(ls.Weight, "weight")
			bn, bdef := arrayName(ls.Bias, "bias")
			if wn == "" {
				lerr("needs a name or a weight array name")
			} else {
				ly.W = array("weight", wn, false, false, ls.OutFeatures, in.Size())
			}
			if bn != "" {
				ly.B = array("bias", bn, bdef, true, ls.OutFeatures)
			}
			if ly.Name == "" {
				ly.Name = fmt.Sprintf("dense%d", i)
			}
			n.Layers = append(n.Layers, ly)
			in = Shape{ls.OutFeatures, 1, 1}
		case "conv2d":
			groups := max(ls.Groups, 1)
			if stride == 0 {
				stride = 1
			}
			if ls.OutChannels < 1 || ls.Kernel < 1 || stride < 1 || ls.Padding < 0 || ls.Groups < 0 {
				lerr("out_channels %d, kernel %d, stride %d, groups %d must be >= 1 and padding %d >= 0",
					ls.OutChannels, ls.Kernel, stride, ls.Groups, ls.Padding)
				return nil, errors.Join(errs...)
			}
			if in.C%groups != 0 || ls.OutChannels%groups != 0 {
				lerr("groups %d must divide the input channels %d and out_channels %d", groups, in.C, ls.OutChannels)
				return nil, errors.Join(errs...)
			}
			oh, ow := convOut(in.H, ls.Kernel, stride, ls.Padding), convOut(in.W, ls.Kernel, stride, ls.Padding)
			if oh < 1 || ow < 1 {
				lerr("kernel %d with padding %d does not fit the input of shape %s", ls.Kernel, ls.Padding, in)
				return nil, errors.Join(errs...)
			}
			ly := Layer{Kind: KindConv2D, Name: ls.Name, Out: ls.OutChannels, Kernel: ls.Kernel, Stride: stride, Pad: ls.Padding, Groups: groups}
			wn, _ := arrayName(ls.Weight, "weight")
			bn, bdef := arrayName(ls.Bias, "bias")
			if wn == "" {
				lerr("needs a name or a weight array name")
			} else {
				ly.W = array("weight", wn, false, false, ls.OutChannels, in.C/groups, ls.Kernel, ls.Kernel)
			}
			if bn != "" {
				ly.B = array("bias", bn, bdef, true, ls.OutChannels)
			}
			if ly.Name == "" {
				ly.Name = fmt.Sprintf("conv%d", i)
			}
			n.Layers = append(n.Layers, ly)
			in = Shape{ls.OutChannels, oh, ow}
		case "batchnorm1d", "batchnorm2d":
			var prev *Layer
			if len(n.Layers) > 0 {
				prev = &n.Layers[len(n.Layers)-1]
			}
			wantKind := KindConv2D
			if ls.Type == "batchnorm1d" {
				wantKind = KindDense
			}
			if prev == nil || prev.Kind != wantKind || i == 0 || mf.Layers[i-1].Type != wantKind.String() {
				lerr("must directly follow a %s layer (it is folded into it)", wantKind)
				continue
			}
			c := in.C
			eps := ls.Eps
			if eps == 0 {
				eps = 1e-5
			}
			if !(eps > 0) {
				lerr("eps is %v, must be > 0", ls.Eps)
				continue
			}
			gn, gdef := arrayName(ls.Weight, "weight")
			bn, bdef := arrayName(ls.Bias, "bias")
			mn, _ := arrayName(ls.RunningMean, "running_mean")
			vn, _ := arrayName(ls.RunningVar, "running_var")
			if mn == "" || vn == "" {
				lerr("needs a name or running_mean and running_var array names")
				continue
			}
			var gamma, beta []float32
			if gn != "" {
				gamma = array("weight", gn, gdef, true, c)
			}
			if bn != "" {
				beta = array("bias", bn, bdef, true, c)
			}
			mean := array("running_mean", mn, false, false, c)
			vr := array("running_var", vn, false, false, c)
			if mean == nil || vr == nil || prev.W == nil {
				continue
			}
			for ch, v := range vr {
				if v < 0 {
					lerr("running_var array %q element %d is %v, must be >= 0", vn, ch, v)
					break
				}
			}
			foldBatchNorm(prev, gamma, beta, mean, vr, eps)
		case "avgpool2d", "maxpool2d":
			if stride == 0 {
				stride = ls.Kernel
			}
			if ls.Kernel < 1 || stride < 1 || ls.Padding < 0 || 2*ls.Padding > ls.Kernel {
				lerr("kernel %d and stride %d must be >= 1 and padding %d in [0, kernel/2]", ls.Kernel, stride, ls.Padding)
				return nil, errors.Join(errs...)
			}
			oh, ow := convOut(in.H, ls.Kernel, stride, ls.Padding), convOut(in.W, ls.Kernel, stride, ls.Padding)
			if oh < 1 || ow < 1 {
				lerr("window %d with padding %d does not fit the input of shape %s", ls.Kernel, ls.Padding, in)
				return nil, errors.Join(errs...)
			}
			k := KindAvgPool2D
			if ls.Type == "maxpool2d" {
				k = KindMaxPool2D
			}
			n.Layers = append(n.Layers, Layer{Kind: k, Name: ls.Name, Kernel: ls.Kernel, Stride: stride, Pad: ls.Padding})
			in = Shape{in.C, oh, ow}
		case "flatten":
			n.Layers = append(n.Layers, Layer{Kind: KindFlatten, Name: ls.Name})
			in = Shape{in.Size(), 1, 1}
		case "relu":
			n.Layers = append(n.Layers, Layer{Kind: KindReLU, Name: ls.Name})
		case "qcfs":
			if ls.Levels < 1 || ls.Levels > 1<<15 {
				lerr("levels is %d, must be in 1..%d", ls.Levels, 1<<15)
			}
			if !(ls.Lambda > 0 && ls.Lambda <= math.MaxFloat32) {
				lerr("lambda is %v, must be > 0", ls.Lambda)
			}
			n.Layers = append(n.Layers, Layer{Kind: KindQCFS, Name: ls.Name, Levels: ls.Levels, Lambda: float32(ls.Lambda)})
		case "add":
			s, ok := named[ls.From]
			switch {
			case ls.From == "":
				lerr("from is empty, expected the name of an earlier layer")
			case !ok:
				lerr("from %q names no earlier layer", ls.From)
			case s != in:
				lerr("adds layer %q of shape %s to an input of shape %s", ls.From, s, in)
			}
			n.Layers = append(n.Layers, Layer{Kind: KindAdd, Name: ls.Name, From: ls.From})
		default:
			lerr("unknown layer type %q, expected one of %s", ls.Type, strings.Join(modelTypes, ", "))
			continue
		}
		if ls.Name != "" && !strings.HasPrefix(ls.Type, "batchnorm") {
			named[ls.Name] = in
		}
		checkFields(ls, lerr)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return n, nil
}

// foldBatchNorm folds y = γ (x - μ)/sqrt(σ² + eps) + β into the preceding
// layer: W'[o] = W[o] γ_o/s_o and b'_o = (b_o - μ_o) γ_o/s_o + β_o with
// s_o = sqrt(σ²_o + eps). gamma and beta may be nil (1 and 0). Arithmetic is
// in float64, rounded once to float32.
func foldBatchNorm(ly *Layer, gamma, beta, mean, vr []float32, eps float64) {
	per := len(ly.W) / ly.Out
	if ly.B == nil {
		ly.B = make([]float32, ly.Out)
	}
	for o := range ly.Out {
		g := 1.0
		if gamma != nil {
			g = float64(gamma[o])
		}
		sc := g / math.Sqrt(float64(vr[o])+eps)
		for i := o * per; i < (o+1)*per; i++ {
			ly.W[i] = float32(float64(ly.W[i]) * sc)
		}
		b := (float64(ly.B[o]) - float64(mean[o])) * sc
		if beta != nil {
			b += float64(beta[o])
		}
		ly.B[o] = float32(b)
	}
}

func shapeStr(s []int) string {
	p := make([]string, len(s))
	for i, v := range s {
		p[i] = fmt.Sprint(v)
	}
	if len(s) == 1 {
		return "(" + p[0] + ",)"
	}
	return "(" + strings.Join(p, ", ") + ")"
}
