package ann

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestNPZRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiny.npz")
	want := tiny()
	if err := SaveNPZ(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadNPZFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

func TestSaveNPZRejectsInvalid(t *testing.T) {
	m := tiny()
	m.Layers[0].W[0] = float32(math.NaN())
	err := SaveNPZ(filepath.Join(t.TempDir(), "bad.npz"), m)
	if err == nil || !strings.Contains(err.Error(), "weight[0][0] is NaN") {
		t.Fatalf("SaveNPZ(NaN model) = %v, want a NaN error", err)
	}
}

// npyFile is one array of a hand-built archive.
type npyFile struct {
	key     string
	descr   string // numpy dtype literal, e.g. "<f4"
	fortran bool
	shape   []int
	data    any // []float32, []float64, []int8 or string (encoded as <U)
}

// rawNPY encodes a .npy version 1.0 file by hand, so tests can produce
// layouts npyio does not write (Fortran order, float64 2-D, int8).
func rawNPY(f npyFile) []byte {
	shape := "("
	for _, s := range f.shape {
		shape += fmt.Sprintf("%d,", s)
	}
	shape += ")"
	fortran := "False"
	if f.fortran {
		fortran = "True"
	}
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", f.descr, fortran, shape)
	for (10+len(hdr)+1)%64 != 0 {
		hdr += " "
	}
	hdr += "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	if s, ok := f.data.(string); ok {
		for _, r := range s {
			binary.Write(&b, binary.LittleEndian, uint32(r))
		}
	} else {
		binary.Write(&b, binary.LittleEndian, f.data)
	}
	return b.Bytes()
}

func rawNPZ(t *testing.T, files []npyFile) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.Create(f.key)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(rawNPY(f))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tinyFiles is tiny() as hand-built arrays without a "layers" key.
func tinyFiles() []npyFile {
	return []npyFile{
		{key: "fc1.weight.npy", descr: "<f4", shape: []int{3, 2}, data: []float32{1, -1, 0.5, 0.5, -2, 1}},
		{key: "fc1.bias.npy", descr: "<f4", shape: []int{3}, data: []float32{0, 1, 0.5}},
		{key: "fc2.weight.npy", descr: "<f4", shape: []int{2, 3}, data: []float32{1, 2, 3, -1, 0, 4}},
		{key: "fc2.bias.npy", descr: "<f4", shape: []int{2}, data: []float32{0.25, -1}},
	}
}

func TestLoadNPZ(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name    string
		edit    func(f []npyFile) []npyFile
		wantErr string // "" = must equal tiny() apart from Name
	}{
		{"archive order, no layers key", func(f []npyFile) []npyFile { return f }, ""},
		{"layers key overrides archive order", func(f []npyFile) []npyFile {
			return append([]npyFile{f[2], f[3], f[0], f[1]},
				npyFile{key: "layers.npy", descr: "<U3", shape: []int{2}, data: "fc1fc2"})
		}, ""},
		{"float64 arrays", func(f []npyFile) []npyFile {
			f[0] = npyFile{key: "fc1.weight.npy", descr: "<f8", shape: []int{3, 2}, data: []float64{1, -1, 0.5, 0.5, -2, 1}}
			f[3] = npyFile{key: "fc2.bias.npy", descr: "<f8", shape: []int{2}, data: []float64{0.25, -1}}
			return f
		}, ""},
		{"fortran order", func(f []npyFile) []npyFile {
			f[2] = npyFile{key: "fc2.weight.npy", descr: "<f4", fortran: true, shape: []int{2, 3}, data: []float32{1, -1, 2, 0, 3, 4}}
			return f
		}, ""},
		{"NaN weight", func(f []npyFile) []npyFile {
			f[2].data = []float32{1, 2, 3, -1, nan, 4}
			return f
		}, `array "fc2.weight.npy" (shape [2 3]) holds NaN at flat index 4`},
		{"Inf bias", func(f []npyFile) []npyFile {
			f[1].data = []float32{0, float32(math.Inf(1)), 0.5}
			return f
		}, `array "fc1.bias.npy" (shape [3]) holds +Inf at flat index 1`},
		{"shapes do not chain", func(f []npyFile) []npyFile {
			f[2] = npyFile{key: "fc2.weight.npy", descr: "<f4", shape: []int{2, 4}, data: make([]float32, 8)}
			return f
		}, `array "fc2.weight.npy" has shape [2 4]: its 4 inputs do not match the 3 outputs of "fc1.weight.npy" (shape [3 2])`},
		{"bias shape", func(f []npyFile) []npyFile {
			f[3] = npyFile{key: "fc2.bias.npy", descr: "<f4", shape: []int{3}, data: []float32{1, 2, 3}}
			return f
		}, `array "fc2.bias.npy" has shape [3], expected (2,) to match "fc2.weight.npy" of shape [2 3]`},
		{"1-D weight", func(f []npyFile) []npyFile {
			f[0] = npyFile{key: "fc1.weight.npy", descr: "<f4", shape: []int{6}, data: []float32{1, -1, 0.5, 0.5, -2, 1}}
			return f
		}, `array "fc1.weight.npy" has shape [6], expected 2-D (out, in)`},
		{"int8 weight", func(f []npyFile) []npyFile {
			f[0] = npyFile{key: "fc1.weight.npy", descr: "|i1", shape: []int{3, 2}, data: []int8{1, -1, 0, 0, -2, 1}}
			return f
		}, `array "fc1.weight.npy" has dtype |i1 and shape [3 2], expected float32 or float64`},
		{"unknown array", func(f []npyFile) []npyFile {
			return append(f, npyFile{key: "bn1.running_mean.npy", descr: "<f4", shape: []int{3}, data: []float32{0, 0, 0}})
		}, `array "bn1.running_mean.npy" is not <layer>.weight`},
		{"orphan bias", func(f []npyFile) []npyFile {
			return append(f, npyFile{key: "fc3.bias.npy", descr: "<f4", shape: []int{1}, data: []float32{0}})
		}, `array "fc3.bias.npy" has no matching "fc3.weight.npy"`},
		{"layers names a missing layer", func(f []npyFile) []npyFile {
			return append(f, npyFile{key: "layers.npy", descr: "<U3", shape: []int{3}, data: "fc1fc2fc3"})
		}, `array "layers.npy" lists layer "fc3" but "fc3.weight.npy" is missing`},
		{"layers omits a layer", func(f []npyFile) []npyFile {
			return append(f, npyFile{key: "layers.npy", descr: "<U3", shape: []int{1}, data: "fc1"})
		}, `array "fc2.weight.npy" is not listed in "layers.npy" [fc1]`},
		{"no weights", func(f []npyFile) []npyFile { return nil }, "no <layer>.weight arrays found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := rawNPZ(t, tc.edit(tinyFiles()))
			got, err := LoadNPZ(bytes.NewReader(data), int64(len(data)))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "ann: ") {
					t.Fatalf("LoadNPZ error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tiny()
			want.Name = ""
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestLoadNPZMissingBiasIsZero(t *testing.T) {
	f := tinyFiles()
	data := rawNPZ(t, []npyFile{f[0], f[1], f[2]})
	m, err := LoadNPZ(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if b := m.Layers[1].B; len(b) != 2 || b[0] != 0 || b[1] != 0 {
		t.Errorf("fc2 bias = %v, want [0 0]", b)
	}
}

func TestLoadNPZNotZip(t *testing.T) {
	data := []byte("not a zip archive at all")
	if _, err := LoadNPZ(bytes.NewReader(data), int64(len(data))); err == nil || !strings.HasPrefix(err.Error(), "ann: reading npz: ") {
		t.Errorf("LoadNPZ(garbage) = %v, want an ann: reading npz error", err)
	}
}
