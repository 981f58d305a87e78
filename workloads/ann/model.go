package ann

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"codeberg.org/sbinet/npyio/npy/float16"
	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// ModelFile is the model description: the layer list of a Net, with the
// names of its arrays in the .npz archive Weights. It is read from YAML (or
// JSON, which YAML parses) with unknown fields rejected. See docs/import.md.
type ModelFile struct {
	Name    string      `yaml:"name" json:"name"`
	Input   []int       `yaml:"input" json:"input"`     // [C, H, W], or [N] for a flat input
	Weights string      `yaml:"weights" json:"weights"` // .npz path, relative to the description file
	Layers  []LayerSpec `yaml:"layers" json:"layers"`
}

// LayerSpec is one entry of ModelFile.Layers. Type is one of dense, conv2d,
// avgpool2d, maxpool2d, flatten, relu, qcfs, add, batchnorm1d, batchnorm2d.
// Array names default to "<name>.weight", "<name>.bias",
// "<name>.running_mean" and "<name>.running_var"; a defaulted bias (or
// batch-norm weight and bias) may be absent from the archive.
type LayerSpec struct {
	Type        string  `yaml:"type" json:"type"`
	Name        string  `yaml:"name,omitempty" json:"name,omitempty"`
	OutFeatures int     `yaml:"out_features,omitempty" json:"out_features,omitempty"` // dense
	OutChannels int     `yaml:"out_channels,omitempty" json:"out_channels,omitempty"` // conv2d
	Kernel      int     `yaml:"kernel,omitempty" json:"kernel,omitempty"`             // conv2d, pools
	Stride      int     `yaml:"stride,omitempty" json:"stride,omitempty"`             // default 1 (conv2d), kernel (pools)
	Padding     int     `yaml:"padding,omitempty" json:"padding,omitempty"`           // default 0
	Groups      int     `yaml:"groups,omitempty" json:"groups,omitempty"`             // conv2d, default 1
	Weight      string  `yaml:"weight,omitempty" json:"weight,omitempty"`             // array name
	Bias        string  `yaml:"bias,omitempty" json:"bias,omitempty"`                 // array name
	RunningMean string  `yaml:"running_mean,omitempty" json:"running_mean,omitempty"` // batchnorm
	RunningVar  string  `yaml:"running_var,omitempty" json:"running_var,omitempty"`   // batchnorm
	Eps         float64 `yaml:"eps,omitempty" json:"eps,omitempty"`                   // batchnorm, default 1e-5
	Levels      int     `yaml:"levels,omitempty" json:"levels,omitempty"`             // qcfs
	Lambda      float64 `yaml:"lambda,omitempty" json:"lambda,omitempty"`             // qcfs
	From        string  `yaml:"from,omitempty" json:"from,omitempty"`                 // add
}

// modelTypes lists the layer types a model description accepts.
var modelTypes = []string{"dense", "conv2d", "avgpool2d", "maxpool2d", "flatten", "relu", "qcfs", "add", "batchnorm1d", "batchnorm2d"}

// LoadModel reads a model description (YAML or JSON) and the .npz archive it
// names, folds batch-norm layers into the preceding dense or conv2d layer,
// and returns the Net. Every problem is reported at once, each naming the
// layer and, for arrays, the array, the shape found and the shape expected.
func LoadModel(path string) (*Net, error) {
	desc, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ann: %w", err)
	}
	mf, err := ParseModelFile(desc)
	if err != nil {
		return nil, fmt.Errorf("ann: %s: %w", path, err)
	}
	if mf.Weights == "" {
		return nil, fmt.Errorf("ann: %s: weights (the .npz file) is not set", path)
	}
	wpath := mf.Weights
	if !filepath.IsAbs(wpath) {
		wpath = filepath.Join(filepath.Dir(path), wpath)
	}
	data, err := os.ReadFile(wpath)
	if err != nil {
		return nil, fmt.Errorf("ann: %s: weights: %w", path, err)
	}
	n, err := BuildNet(mf, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("ann: %s: %w", path, err)
	}
	return n, nil
}

// ParseModelFile decodes a model description strictly (unknown fields are
// errors).
func ParseModelFile(desc []byte) (*ModelFile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(desc))
	dec.KnownFields(true)
	var mf ModelFile
	if err := dec.Decode(&mf); err != nil {
		return nil, fmt.Errorf("model description: %w", err)
	}
	return &mf, nil
}

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

// checkFields reports settings that do not apply to the layer type.
func checkFields(ls LayerSpec, lerr func(string, ...any)) {
	type field struct {
		name string
		set  bool
		ok   []string
	}
	conv, pool := []string{"conv2d"}, []string{"conv2d", "avgpool2d", "maxpool2d"}
	wb := []string{"dense", "conv2d", "batchnorm1d", "batchnorm2d"}
	bn := []string{"batchnorm1d", "batchnorm2d"}
	for _, f := range []field{
		{"out_features", ls.OutFeatures != 0, []string{"dense"}},
		{"out_channels", ls.OutChannels != 0, conv},
		{"kernel", ls.Kernel != 0, pool}, {"stride", ls.Stride != 0, pool}, {"padding", ls.Padding != 0, pool},
		{"groups", ls.Groups != 0, conv},
		{"weight", ls.Weight != "", wb}, {"bias", ls.Bias != "", wb},
		{"running_mean", ls.RunningMean != "", bn}, {"running_var", ls.RunningVar != "", bn}, {"eps", ls.Eps != 0, bn},
		{"levels", ls.Levels != 0, []string{"qcfs"}}, {"lambda", ls.Lambda != 0, []string{"qcfs"}},
		{"from", ls.From != "", []string{"add"}},
	} {
		if f.set && !slices.Contains(f.ok, ls.Type) {
			lerr("%s does not apply to %s (only to %s)", f.name, ls.Type, strings.Join(f.ok, ", "))
		}
	}
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

// readFloats reads a float16, float32 or float64 array (C or Fortran order)
// as float32 in C order and rejects NaN and ±Inf, naming the element.
func readFloats(z *npyfile.Archive, key string) ([]float32, error) {
	arr, err := z.Read(key)
	if err != nil {
		return nil, err
	}
	shape := arr.Shape
	var out []float32
	switch v := arr.Data.(type) {
	case []float16.Num:
		out = make([]float32, len(v))
		for i, h := range v {
			out[i] = HalfToFloat32(h.Uint16())
		}
	case []float32:
		out = v
	case []float64:
		out = make([]float32, len(v))
		for i, x := range v {
			if math.Abs(x) > math.MaxFloat32 && !math.IsInf(x, 0) {
				return nil, fmt.Errorf("element %s = %g overflows float32", index(shape, i), x)
			}
			out[i] = float32(x)
		}
	default:
		return nil, fmt.Errorf("dtype %s is not a float (expected float16, float32 or float64)", arr.DType)
	}
	if arr.Fortran && len(shape) > 1 {
		out = fortranToC(out, shape)
	}
	for i, v := range out {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("element %s is %v; weights must be finite", index(shape, i), v)
		}
	}
	return out, nil
}

// index formats flat C-order index i of an array of the given shape as
// "[i0, i1, ...]".
func index(shape []int, i int) string {
	idx := make([]string, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = fmt.Sprint(i % max(shape[d], 1))
		i /= max(shape[d], 1)
	}
	return "[" + strings.Join(idx, ", ") + "]"
}

// fortranToC reorders a column-major array of the given shape to row-major.
func fortranToC(x []float32, shape []int) []float32 {
	out := make([]float32, len(x))
	nd := len(shape)
	idx := make([]int, nd)
	for c := range out {
		// Fortran offset of the multi-index idx.
		f, stride := 0, 1
		for d := range nd {
			f += idx[d] * stride
			stride *= shape[d]
		}
		out[c] = x[f]
		for d := nd - 1; d >= 0; d-- { // advance idx in C order
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}

// HalfToFloat32 converts IEEE 754 binary16 bits to float32 exactly
// (subnormals, infinities and NaN included). npyio decodes float16 arrays
// into its float16.Num, but Num.Float32 (npyio v0.14.0) maps half-precision
// subnormals to float32 subnormals 2^112 times too small, so the
// conversion stays hand-written (TestHalfToFloat32 pins the difference).
func HalfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac * 2^-24
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	default:
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	}
}

// SaveModel writes n as a model description at path (YAML) and its arrays
// as float32 in a .npz next to it, named like path with the extension
// replaced by ".npz". Dense and conv2d layers store "<name>.weight" and
// "<name>.bias" in PyTorch's shapes; qcfs λ and levels go in the YAML.
// LoadModel reads the pair back to an identical Net.
func SaveModel(path string, n *Net) error {
	if err := n.Validate(); err != nil {
		return err
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) + ".npz"
	mf, arrs := describe(n, base)
	desc, err := marshalModelFile(mf)
	if err != nil {
		return fmt.Errorf("ann: %w", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, a := range arrs {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: a.name + ".npy", Method: zip.Deflate})
		if err != nil {
			return fmt.Errorf("ann: %w", err)
		}
		if err := npyfile.Write(w, a.shape, a.data); err != nil {
			return fmt.Errorf("ann: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("ann: %w", err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), base), buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("ann: %w", err)
	}
	if err := os.WriteFile(path, desc, 0o644); err != nil {
		return fmt.Errorf("ann: %w", err)
	}
	return nil
}

// marshalModelFile writes the description with one flow-style line per
// layer, as in docs/import.md.
func marshalModelFile(mf *ModelFile) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Model description for ann.LoadModel (docs/import.md), written by ann.SaveModel.\n")
	flow := func(v any) (string, error) {
		var node yaml.Node
		if err := node.Encode(v); err != nil {
			return "", err
		}
		node.Style = yaml.FlowStyle
		out, err := yaml.Marshal(&node)
		return strings.TrimSpace(string(out)), err
	}
	name, err := flow(mf.Name)
	if err != nil {
		return nil, err
	}
	in, err := flow(mf.Input)
	if err != nil {
		return nil, err
	}
	w, err := flow(mf.Weights)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "name: %s\ninput: %s\nweights: %s\nlayers:\n", name, in, w)
	for _, ls := range mf.Layers {
		line, err := flow(ls)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "  - %s\n", line)
	}
	return b.Bytes(), nil
}

type namedArray struct {
	name  string
	shape []int
	data  []float32
}

// describe returns the ModelFile of n and the arrays to store.
func describe(n *Net, weights string) (*ModelFile, []namedArray) {
	mf := &ModelFile{Name: n.Name, Weights: weights}
	if n.Input.Flat() {
		mf.Input = []int{n.Input.C}
	} else {
		mf.Input = []int{n.Input.C, n.Input.H, n.Input.W}
	}
	var arrs []namedArray
	in := n.Input
	for _, ly := range n.Layers {
		ls := LayerSpec{Type: ly.Kind.String(), Name: ly.Name}
		switch ly.Kind {
		case KindDense:
			ls.OutFeatures = ly.Out
			arrs = append(arrs, namedArray{ly.Name + ".weight", []int{ly.Out, in.Size()}, ly.W})
		case KindConv2D:
			ls.OutChannels, ls.Kernel, ls.Stride, ls.Padding, ls.Groups = ly.Out, ly.Kernel, ly.Stride, ly.Pad, ly.Groups
			arrs = append(arrs, namedArray{ly.Name + ".weight", []int{ly.Out, in.C / ly.Groups, ly.Kernel, ly.Kernel}, ly.W})
		case KindAvgPool2D, KindMaxPool2D:
			ls.Kernel, ls.Stride, ls.Padding = ly.Kernel, ly.Stride, ly.Pad
		case KindQCFS:
			ls.Levels, ls.Lambda = ly.Levels, float64(ly.Lambda)
		case KindAdd:
			ls.From = ly.From
		}
		if ly.Kind.Weighted() && ly.B != nil {
			arrs = append(arrs, namedArray{ly.Name + ".bias", []int{ly.Out}, ly.B})
		}
		mf.Layers = append(mf.Layers, ls)
		out, _ := ly.outShape(in, func(string) (Shape, bool) { return in, true })
		in = out
	}
	return mf, arrs
}
