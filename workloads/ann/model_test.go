package ann

import (
	"archive/zip"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy/float16"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// torchExpected reads the fixture inputs and PyTorch outputs.
func torchExpected(t *testing.T) (x, y []float32) {
	t.Helper()
	f, err := os.ReadFile(filepath.Join("testdata", "tiny-expected.npz"))
	if err != nil {
		t.Fatal(err)
	}
	z, err := npyfile.OpenArchive("tiny-expected.npz", bytes.NewReader(f), int64(len(f)), MaxArrayBytes)
	if err != nil {
		t.Fatal(err)
	}
	if x, err = readFloats(z, "x"); err != nil {
		t.Fatal(err)
	}
	if y, err = readFloats(z, "y"); err != nil {
		t.Fatal(err)
	}
	return x, y
}

// TestLoadTorchExport loads the Sequential exported by
// testdata/export_torch.py (conv, batch norm, relu, both pools, grouped conv,
// flatten, dense, batchnorm1d) and checks the Go forward pass against
// PyTorch's outputs, for float32, float64 and float16 archives.
func TestLoadTorchExport(t *testing.T) {
	x, want := torchExpected(t)
	for _, c := range []struct {
		file string
		tol  float64
	}{{"tiny.yaml", 2e-6}, {"tiny-f64.yaml", 2e-6}, {"tiny-f16.yaml", 2e-2}} {
		t.Run(c.file, func(t *testing.T) {
			n, err := LoadModel(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := n.Summary(); got != "2x8x8 conv2d(4,k3,p1) relu avgpool2d(k2) conv2d(6,k3,g2) relu maxpool2d(k2) flatten dense(5) relu dense(3)" {
				t.Errorf("summary %q", got)
			}
			ws, err := n.NewWorkspace(4)
			if err != nil {
				t.Fatal(err)
			}
			n.ForwardBatch(x, 4, ws)
			got := ws.Acts[len(ws.Acts)-1]
			for i := range want {
				if d := math.Abs(float64(got[i] - want[i])); d > c.tol {
					t.Errorf("output %d: %.7f, PyTorch %.7f (|diff| %.2g > %.2g)", i, got[i], want[i], d, c.tol)
				}
			}
		})
	}
}

// writeNPZ builds an archive from raw .npy entries.
func writeTestNPZ(t *testing.T, entries map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range entries {
		w, err := zw.Create(name + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func npyF32(shape []int, v ...float32) []byte {
	var b bytes.Buffer
	npyfile.Write(&b, shape, v)
	return b.Bytes()
}

// npyF16 writes the bits as uint16 and relabels the dtype as float16 (the
// two descrs have the same length, so the header stays valid).
func npyF16(shape []int, bits ...uint16) []byte {
	var b bytes.Buffer
	npyfile.Write(&b, shape, bits)
	return bytes.Replace(b.Bytes(), []byte("'<u2'"), []byte("'<f2'"), 1)
}

func build(t *testing.T, desc string, entries map[string][]byte) (*Net, error) {
	t.Helper()
	mf, err := ParseModelFile([]byte(desc))
	if err != nil {
		return nil, err
	}
	data := writeTestNPZ(t, entries)
	return BuildNet(mf, bytes.NewReader(data), int64(len(data)))
}

func TestHalfToFloat32(t *testing.T) {
	cases := []struct {
		bits uint16
		want float64
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x3555, 0.333251953125}, {0x7bff, 65504},
		{0x0001, 5.960464477539063e-08}, {0x03ff, 6.097555160522461e-05}, {0x0400, 6.103515625e-05},
		{0x8000, 0}, {0x7c00, math.Inf(1)}, {0xfc00, math.Inf(-1)},
	}
	for _, c := range cases {
		if got := HalfToFloat32(c.bits); float64(got) != c.want {
			t.Errorf("HalfToFloat32(%#04x) = %g, want %g", c.bits, got, c.want)
		}
	}
	if got := HalfToFloat32(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("HalfToFloat32(0x7e00) = %g, want NaN", got)
	}
	if got := HalfToFloat32(0x8000); !math.Signbit(float64(got)) {
		t.Error("HalfToFloat32(0x8000) lost the sign of -0")
	}
	// Why the conversion is not npyio's: its Num.Float32 gets subnormals
	// wrong. If this starts failing, npyio was fixed and can be used.
	if got := float16.Float16Frombits(0x0001).Float32(); float64(got) == 5.960464477539063e-08 {
		t.Error("npyio's float16 now converts subnormals correctly; use Num.Float32 instead of HalfToFloat32")
	}
}

const denseDesc = `
name: t
input: [3]
weights: w.npz
layers:
  - {type: dense, name: fc, out_features: 2}
  - {type: relu}
  - {type: dense, name: out, out_features: 1}
`

func TestBuildNetFloat16(t *testing.T) {
	n, err := build(t, denseDesc, map[string][]byte{
		"fc.weight":  npyF16([]int{2, 3}, 0x3c00, 0xc000, 0x3800, 0x0000, 0x3555, 0x0001), // 1 -2 .5 0 .33325 2^-24
		"fc.bias":    npyF16([]int{2}, 0x3c00, 0xbc00),
		"out.weight": npyF32([]int{1, 2}, 1, 1),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1, -2, 0.5, 0, 0.333251953125, 5.960464477539063e-08}
	for i, w := range want {
		if n.Layers[0].W[i] != w {
			t.Errorf("weight %d = %g, want %g", i, n.Layers[0].W[i], w)
		}
	}
	if n.Layers[2].B != nil {
		t.Errorf("absent defaulted bias loaded as %v, want nil", n.Layers[2].B)
	}
}

func TestBuildNetErrors(t *testing.T) {
	good := map[string][]byte{
		"fc.weight":  npyF32([]int{2, 3}, 1, 2, 3, 4, 5, 6),
		"fc.bias":    npyF32([]int{2}, 0, 0),
		"out.weight": npyF32([]int{1, 2}, 1, 1),
	}
	with := func(k string, v []byte) map[string][]byte {
		m := map[string][]byte{}
		for a, b := range good {
			m[a] = b
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	nan := float32(math.NaN())
	cases := []struct {
		name    string
		desc    string
		entries map[string][]byte
		want    []string
	}{
		{"two shape mismatches", denseDesc, with("fc.weight", npyF32([]int{2, 4}, 1, 2, 3, 4, 5, 6, 7, 8)),
			[]string{`layer 0 (dense "fc"): weight array "fc.weight" has shape (2, 4), expected (2, 3)`}},
		{"all mismatches at once", denseDesc, func() map[string][]byte {
			m := with("fc.bias", npyF32([]int{3}, 0, 0, 0))
			m["out.weight"] = npyF32([]int{2, 2}, 1, 1, 1, 1)
			return m
		}(), []string{`layer 0 (dense "fc"): bias array "fc.bias" has shape (3,), expected (2,)`,
			`layer 2 (dense "out"): weight array "out.weight" has shape (2, 2), expected (1, 2)`}},
		{"NaN", denseDesc, with("fc.weight", npyF32([]int{2, 3}, 1, 2, 3, 4, nan, 6)),
			[]string{`weight array "fc.weight": element [1, 1] is NaN; weights must be finite`}},
		{"Inf", denseDesc, with("out.weight", npyF32([]int{1, 2}, 1, float32(math.Inf(-1)))),
			[]string{`weight array "out.weight": element [0, 1] is -Inf`}},
		{"f16 Inf", denseDesc, with("fc.bias", npyF16([]int{2}, 0x7c00, 0)),
			[]string{`bias array "fc.bias": element [0] is +Inf`}},
		{"missing array", denseDesc, with("out.weight", nil),
			[]string{`layer 2 (dense "out"): weight array "out.weight" is missing from the archive`}},
		{"missing explicit bias", strings.Replace(denseDesc, "out_features: 1}", "out_features: 1, bias: out.b}", 1), good,
			[]string{`bias array "out.b" is missing`}},
		{"unknown layer type", strings.Replace(denseDesc, "type: relu", "type: gelu", 1), good,
			[]string{`layer 1 (gelu ""): unknown layer type "gelu", expected one of dense, conv2d`}},
		{"unknown field", strings.Replace(denseDesc, "type: relu", "type: relu, slope: 2", 1), good,
			[]string{`unknown key slope`}},
		{"misplaced field", strings.Replace(denseDesc, "type: relu", "type: relu, kernel: 2", 1), good,
			[]string{`layer 1 (relu ""): kernel does not apply to relu`}},
		{"not flat", strings.Replace(denseDesc, "input: [3]", "input: [3, 1, 2]", 1), good,
			[]string{`input shape is 3x1x2, dense needs a flat input (add a flatten layer before it)`}},
		{"int array", denseDesc, with("fc.bias", func() []byte {
			var b bytes.Buffer
			npyfile.Write(&b, []int{2}, []int32{0, 0})
			return b.Bytes()
		}()), []string{`bias array "fc.bias": dtype`, `is not a float`}},
		{"batchnorm misplaced", strings.Replace(denseDesc, "type: relu}", "type: relu}\n  - {type: batchnorm1d, name: bn}", 1), good,
			[]string{`layer 2 (batchnorm1d "bn"): must directly follow a dense layer`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := build(t, c.desc, c.entries)
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

// TestBatchNormFolding checks that a conv2d + batchnorm2d folded at load
// time computes what conv2d followed by the batch-norm formula computes.
func TestBatchNormFolding(t *testing.T) {
	desc := `
input: [1, 3, 3]
weights: w.npz
layers:
  - {type: conv2d, name: c, out_channels: 2, kernel: 2}
  - {type: batchnorm2d, name: bn, eps: 0.1}
`
	w := []float32{1, -1, 0.5, 2, 0, 1, -2, 1}
	b := []float32{0.5, -1}
	gamma, beta, mean, vr := []float32{2, 0.5}, []float32{0.25, -0.5}, []float32{1, -1}, []float32{0.9, 3.9}
	entries := map[string][]byte{
		"c.weight": npyF32([]int{2, 1, 2, 2}, w...), "c.bias": npyF32([]int{2}, b...),
		"bn.weight": npyF32([]int{2}, gamma...), "bn.bias": npyF32([]int{2}, beta...),
		"bn.running_mean": npyF32([]int{2}, mean...), "bn.running_var": npyF32([]int{2}, vr...),
	}
	folded, err := build(t, desc, entries)
	if err != nil {
		t.Fatal(err)
	}
	if len(folded.Layers) != 1 {
		t.Fatalf("%d layers after folding, want 1", len(folded.Layers))
	}
	plain := &Net{Input: Shape{1, 3, 3}, Layers: []Layer{{Kind: KindConv2D, Name: "c", Out: 2, Kernel: 2, Stride: 1, Groups: 1, W: w, B: b}}}
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	wsF, _ := folded.NewWorkspace(1)
	wsP, _ := plain.NewWorkspace(1)
	folded.Forward(x, wsF)
	plain.Forward(x, wsP)
	// By hand for channel 0 at (0,0): conv = 1*1 - 1*2 + .5*4 + 2*5 + .5 = 11.5;
	// bn = 2*(11.5-1)/sqrt(1) + .25 = 21.25.
	if got := wsF.Acts[0][0]; math.Abs(float64(got)-21.25) > 1e-5 {
		t.Errorf("folded output (0,0,0) = %g, want 21.25", got)
	}
	for i, v := range wsP.Acts[0][:8] {
		c := i / 4
		ref := float64(gamma[c])*(float64(v)-float64(mean[c]))/math.Sqrt(float64(vr[c])+0.1) + float64(beta[c])
		if d := math.Abs(float64(wsF.Acts[0][i]) - ref); d > 1e-5 {
			t.Errorf("output %d: folded %g, conv then batch norm %g", i, wsF.Acts[0][i], ref)
		}
	}
}

// TestSaveLoadModel round-trips a net through SaveModel and LoadModel.
func TestSaveLoadModel(t *testing.T) {
	n := tinyCNN()
	if err := InitNet(n, 5); err != nil {
		t.Fatal(err)
	}
	n.Layers[4].Lambda = 0.8125
	n.Layers[0].B[1] = 0.375
	path := filepath.Join(t.TempDir(), "m.yaml")
	if err := SaveModel(path, n); err != nil {
		t.Fatal(err)
	}
	got, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != n.Name || got.Input != n.Input || len(got.Layers) != len(n.Layers) {
		t.Fatalf("loaded %s %v with %d layers", got.Name, got.Input, len(got.Layers))
	}
	for l := range n.Layers {
		a, b := n.Layers[l], got.Layers[l]
		if a.Kind != b.Kind || a.Name != b.Name || a.Out != b.Out || a.Kernel != b.Kernel || a.Stride != b.Stride ||
			a.Pad != b.Pad || a.Groups != b.Groups || a.Levels != b.Levels || a.Lambda != b.Lambda ||
			!equalF32(a.W, b.W) || !equalF32(a.B, b.B) {
			t.Errorf("layer %d: saved %+v, loaded %+v", l, a, b)
		}
	}
}

func equalF32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// TestBuildNetJSON: a JSON description is read like YAML.
func TestBuildNetJSON(t *testing.T) {
	desc := `{"name": "j", "input": [3], "weights": "w.npz", "layers": [
		{"type": "dense", "name": "fc", "out_features": 2, "weight": "a", "bias": "b"},
		{"type": "relu"},
		{"type": "dense", "name": "out", "out_features": 1}]}`
	n, err := build(t, desc, map[string][]byte{
		"a": npyF32([]int{2, 3}, 1, 2, 3, 4, 5, 6), "b": npyF32([]int{2}, 0.5, -0.5), "out.weight": npyF32([]int{1, 2}, 1, -1),
	})
	if err != nil {
		t.Fatal(err)
	}
	// fc = [1+2+3+.5, 4+5+6-.5] = [6.5, 14.5]; out = 6.5 - 14.5 = -8.
	if got := forward1(t, n, []float32{1, 1, 1})[2]; len(got) != 1 || got[0] != -8 {
		t.Errorf("output %v, want [-8]", got)
	}
}
