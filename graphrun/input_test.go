package graphrun

import (
	"archive/zip"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// npz writes arrays (name, shape, data) into an .npz archive.
func npz(t *testing.T, arrays ...any) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.npz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	for i := 0; i < len(arrays); i += 3 {
		w, err := z.Create(arrays[i].(string) + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		if err := npyfile.Write(w, arrays[i+1].([]int), arrays[i+2]); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

func TestReadInputEncodings(t *testing.T) {
	cases := []struct {
		data  []float32
		enc   Encoding
		scale float64
	}{
		{[]float32{0, 1, 1, 0}, Spikes, 1},
		{[]float32{0, 3, 255, 0}, Counts, 1},
		{[]float32{0, 0.5, 2.55, 0}, Currents, float64(float32(2.55)) / 255},
	}
	for _, c := range cases {
		in, err := ReadInput(npz(t, "data", []int{1, 2, 2}, c.data, "labels", []int{1}, []int64{3}))
		if err != nil {
			t.Fatal(err)
		}
		if in.Encoding != c.enc || in.Scale != c.scale || in.Channels != 2 || in.T != 2 || in.Labels[0] != 3 {
			t.Errorf("%v: encoding %s scale %g channels %d T %d labels %v", c.data, in.Encoding, in.Scale, in.Channels, in.T, in.Labels)
		}
		if c.enc == Currents && in.Magnitude(in.At(0, 1, 0)) != 255 {
			t.Errorf("largest current has magnitude %d, want 255", in.Magnitude(in.At(0, 1, 0)))
		}
	}
}

func TestReadInputErrors(t *testing.T) {
	nan := float32(math.NaN())
	cases := []struct {
		path, want string
	}{
		{npz(t, "data", []int{1, 2, 1}, []float32{0, nan}), "element 1 is NaN"},
		{npz(t, "data", []int{1, 2}, []float32{0, 1}), "want [samples, T, channels...]"},
		{npz(t, "data", []int{1, 1, 2}, []float32{0, -1}), "non-negative"},
		{npz(t, "data", []int{2, 1, 1}, []float32{0, 1}, "labels", []int{3}, []int64{0, 1, 2}), "field labels"},
		{npz(t, "data", []int{1, 1, 1}, []float32{1}, "labels", []int{1}, []float32{0.5}), "non-negative integer"},
		{npz(t, "a", []int{1, 1, 1}, []float32{1}, "b", []int{1, 1, 1}, []float32{1}), "want an array \"data\""},
		{filepath.Join(t.TempDir(), "x.csv"), ".npy or .npz"},
	}
	for _, c := range cases {
		_, err := ReadInput(c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}
