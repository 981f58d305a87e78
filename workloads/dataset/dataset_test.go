package dataset

import (
	"archive/zip"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/internal/npyfile"
	"github.com/spikemesh/spikemesh/workloads/ann"
)

// arr is one array of a test archive.
type arr struct {
	key   string
	shape []int
	data  any
}

// npz builds a .npz archive (what numpy.savez writes: a zip of .npy
// entries) from arrays.
func npz(t testing.TB, arrays ...arr) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, a := range arrays {
		w, err := zw.Create(a.key + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		if err := npyfile.Write(w, a.shape, a.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func read(t *testing.T, b []byte) (*Set, error) {
	t.Helper()
	return Read("d.npz", bytes.NewReader(b), int64(len(b)))
}

func TestImagesUint8(t *testing.T) {
	px := make([]uint8, 3*1*2*2)
	for i := range px {
		px[i] = uint8(20 * i)
	}
	s, err := read(t, npz(t, arr{"x", []int{3, 1, 2, 2}, px}, arr{"y", []int{3}, []int64{2, 0, 1}}))
	if err != nil {
		t.Fatal(err)
	}
	im := s.Images
	if s.Kind != ImageKind || im.Shape != [3]int{1, 2, 2} || im.Flat || im.Test.N != 3 || im.Test.Rows != 2 || im.Test.Cols != 2 {
		t.Fatalf("got kind %v, shape %v flat %v, set %dx%dx%d", s.Kind, im.Shape, im.Flat, im.Test.N, im.Test.Rows, im.Test.Cols)
	}
	if !bytes.Equal(im.Test.Images, px) || !bytes.Equal(im.Test.Labels, []uint8{2, 0, 1}) {
		t.Errorf("pixels %v labels %v", im.Test.Images, im.Test.Labels)
	}
	// Without x_calib, the first min(2000, N) = 3 images calibrate.
	if im.Calib.N != 3 || im.CalibSource != "the first 3 images of x (no x_calib)" {
		t.Errorf("calib %d images from %q", im.Calib.N, im.CalibSource)
	}
	// The float the model sees is x/255 of the byte.
	if got := im.Test.Float(1, nil)[0]; got != float32(80)/255 {
		t.Errorf("image 1 pixel 0 = %v, want 80/255", got)
	}
}

func TestImagesFloatFlatAndCalib(t *testing.T) {
	x := []float32{0, 1, 0.5, 0.2, 1.0 / 255, 0.998}
	s, err := read(t, npz(t, arr{"x", []int{2, 3}, x}, arr{"y", []int{2}, []uint8{9, 4}},
		arr{"x_calib", []int{1, 3}, []float64{0.25, 0, 1}}))
	if err != nil {
		t.Fatal(err)
	}
	im := s.Images
	// round(x*255): 0, 255, 127.5 -> 128 (to even), 51, 1, 254.49 -> 254.
	want := []uint8{0, 255, 128, 51, 1, 254}
	if !im.Flat || im.Shape != [3]int{3, 1, 1} || !bytes.Equal(im.Test.Images, want) {
		t.Errorf("flat %v shape %v pixels %v, want %v", im.Flat, im.Shape, im.Test.Images, want)
	}
	if im.Calib.N != 1 || !bytes.Equal(im.Calib.Images, []uint8{64, 0, 255}) || im.CalibSource != "1 calibration images from x_calib" {
		t.Errorf("calib %d %v %q", im.Calib.N, im.Calib.Images, im.CalibSource)
	}
}

func TestSequences(t *testing.T) {
	x := []float32{0, 1, 1, 0, 2, 0, 0.5, 0, 0, 0, 0, 1}
	s, err := read(t, npz(t, arr{"x", []int{2, 3, 2}, x}, arr{"y", []int{2}, []int32{1, 0}}))
	if err != nil {
		t.Fatal(err)
	}
	q := s.Sequences
	if s.Kind != SequenceKind || q.N != 2 || q.T != 3 || q.Channels != 2 || len(q.X) != 12 || q.X[6] != 0.5 || q.Labels[0] != 1 || q.StepTargets != nil {
		t.Fatalf("got %+v", q)
	}
	if err := s.CheckSteps(3); err != nil {
		t.Error(err)
	}
	if err := s.CheckSteps(4); err == nil || !strings.Contains(err.Error(), "sequences have 3 timesteps, the run needs 4") {
		t.Errorf("CheckSteps(4) = %v", err)
	}
	s, err = read(t, npz(t, arr{"x", []int{2, 3, 2}, x}, arr{"y", []int{2, 3}, []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}}))
	if err != nil {
		t.Fatal(err)
	}
	if q := s.Sequences; q.Labels != nil || len(q.StepTargets) != 6 || q.StepTargets[5] != 0.6 {
		t.Errorf("per-step targets: %+v", q)
	}
}

// TestBadFiles: every malformed file gives one line naming the file and
// the array.
func TestBadFiles(t *testing.T) {
	img := arr{"x", []int{2, 1, 2, 2}, make([]uint8, 8)}
	lab := arr{"y", []int{2}, []int64{0, 1}}
	seq := arr{"x", []int{2, 3, 1}, make([]float32, 6)}
	nan := make([]float32, 8)
	nan[5] = float32(math.NaN())
	seqNaN := make([]float64, 6)
	seqNaN[4] = math.NaN()
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "d.npz is empty"},
		{"not zip", []byte("hello"), "not a .npz (zip) archive"},
		{"no arrays", npz(t), "missing array x (found no arrays)"},
		{"missing y", npz(t, img), "missing array y (found x)"},
		{"missing x", npz(t, lab), "missing array x (found y)"},
		{"unexpected", npz(t, img, lab, arr{"labels", []int{2}, []int64{0, 1}}), `unexpected array "labels"`},
		{"x dtype", npz(t, arr{"x", []int{2, 4}, make([]int32, 8)}, lab), "array x: dtype <i4, want uint8 (pixels 0..255) or float in [0, 1]"},
		{"y dtype", npz(t, img, arr{"y", []int{2}, []float32{0, 1}}), "array y: <f4 [2], want [2] integer labels"},
		{"label count", npz(t, img, arr{"y", []int{3}, []int64{0, 1, 2}}), "array y: <i8 [3], want [2] integer labels"},
		{"negative label", npz(t, img, arr{"y", []int{2}, []int64{0, -1}}), "label -1 of sample 1, want 0..255"},
		{"NaN pixel", npz(t, arr{"x", []int{2, 1, 2, 2}, nan}, lab), "array x: element 5 is NaN; float pixels must lie in [0, 1]"},
		{"pixel above 1", npz(t, arr{"x", []int{2, 4}, []float64{0, 0, 2, 0, 0, 0, 0, 0}}, lab), "array x: element 2 is 2; float pixels must lie in [0, 1]"},
		{"x 1-d", npz(t, arr{"x", []int{8}, make([]uint8, 8)}, lab), "array x: shape [8], want [N, C, H, W] or [N, D] images"},
		{"x empty dim", npz(t, arr{"x", []int{0, 4}, []uint8{}}, arr{"y", []int{0}, []int64{}}), "array x: shape [0 4] has an empty dimension"},
		{"calib shape", npz(t, img, lab, arr{"x_calib", []int{1, 4}, make([]uint8, 4)}), "array x_calib: shape [1 4], want [K, 1, 2, 2] like x [2 1 2 2]"},
		{"calib NaN", npz(t, img, lab, arr{"x_calib", []int{2, 1, 2, 2}, nan}), "array x_calib: element 5 is NaN"},
		{"seq calib", npz(t, seq, lab, arr{"x_calib", []int{2, 3, 1}, make([]float32, 6)}), "only image datasets"},
		{"seq NaN", npz(t, arr{"x", []int{2, 3, 1}, seqNaN}, lab), "array x: element 4 is NaN, want a finite non-negative number"},
		{"seq negative", npz(t, arr{"x", []int{2, 3, 1}, []int8{0, 0, -1, 0, 0, 0}}, lab), "array x: element 2 is -1"},
		{"seq targets", npz(t, seq, arr{"y", []int{2, 2}, make([]float32, 4)}), "array y: <f4 [2 2], want [2] integer labels or [2, 3] per-step targets"},
		{"seq target NaN", npz(t, seq, arr{"y", []int{2, 3}, seqNaN}), "array y: element 4 is NaN, want a finite target"},
		{"scalar y", npz(t, img, arr{"y", []int{}, []int64{1}}), "array y is a scalar"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := read(t, c.file)
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || !strings.Contains(msg, "d.npz") || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line naming d.npz and containing %q", msg, c.want)
			}
		})
	}
}

func TestReadFileRefuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dir.npz")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.npz")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		empty:                          "empty.npz is empty",
		dir:                            "is not a regular file",
		filepath.Join(dir, "no.npz"):   "no such file",
		filepath.Join(dir, "data.csv"): "neither a built-in set (mnist, fashion-mnist) nor a .npz file",
	} {
		if _, err := Open(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%s) = %v, want %q", path, err, want)
		}
	}
}

func TestCheckNet(t *testing.T) {
	cnn := &ann.Net{Input: ann.Shape{C: 1, H: 2, W: 2}, Layers: []ann.Layer{{Kind: ann.KindFlatten}, {Kind: ann.KindDense, Name: "fc", Out: 3}}}
	mlp := &ann.Net{Input: ann.Shape{C: 4, H: 1, W: 1}, Layers: []ann.Layer{{Kind: ann.KindDense, Name: "fc", Out: 3}}}
	img4 := arr{"x", []int{2, 1, 2, 2}, make([]uint8, 8)}
	img4T := arr{"x", []int{2, 2, 1, 2}, make([]uint8, 8)}
	flat := arr{"x", []int{2, 4}, make([]uint8, 8)}
	lab := arr{"y", []int{2}, []int64{0, 2}}
	for _, n := range []*ann.Net{cnn, mlp} {
		if err := ann.InitNet(n, 1); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		x    arr
		y    arr
		net  *ann.Net
		want string // "" = fits
	}{
		{"cnn 4-d", img4, lab, cnn, ""},
		{"cnn flat", flat, lab, cnn, ""},
		{"mlp 4-d", img4, lab, mlp, ""},
		{"cnn transposed", img4T, lab, cnn, "array x: samples are 2x1x2, model m takes 1x2x2 inputs (4 values)"},
		{"mlp wrong size", arr{"x", []int{2, 5}, make([]uint8, 10)}, lab, mlp, "array x: samples are 5, model m takes 4 inputs"},
		{"label too big", img4, arr{"y", []int{2}, []int64{0, 3}}, cnn, "array y: label 3 of sample 1, model m has 3 outputs (labels 0..2)"},
	} {
		s, err := read(t, npz(t, c.x, c.y))
		if err != nil {
			t.Fatal(err)
		}
		err = s.CheckNet("m", c.net)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: CheckNet = %v, want %q", c.name, err, c.want)
		}
	}
	s, err := read(t, npz(t, arr{"x", []int{2, 3, 4}, make([]float32, 24)}, lab))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckNet("m", mlp); err == nil || !strings.Contains(err.Error(), "model m is a converted ANN and needs images") {
		t.Errorf("sequences for an ANN: %v", err)
	}
}

func TestBuiltins(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes both 10,000-image test sets (about 30 s under -race); the cmd tests open mnist in -short")
	}
	for _, name := range []string{MNIST, FashionMNIST} {
		s, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		im := s.Images
		if s.Kind != ImageKind || im.Test.N != 10000 || im.Calib.N != 2000 || im.Shape != [3]int{1, 28, 28} {
			t.Errorf("%s: %v, %d test, %d calib, shape %v", name, s.Kind, im.Test.N, im.Calib.N, im.Shape)
		}
	}
}
