package npyfile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy/float16"
)

// raw builds a .npy file by hand: version major.0, header dict (a newline
// is not added) and data bytes.
func raw(major byte, dict string, data []byte) []byte {
	b := []byte(magic)
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	}
	b = append(b, dict...)
	return append(b, data...)
}

func f32bytes(v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// TestDecodeValid: headers numpy or other writers produce, in every
// accepted variant, decode to the same array.
func TestDecodeValid(t *testing.T) {
	six := f32bytes(1, 2, 3, 4, 5, 6)
	for _, tc := range []struct {
		name string
		file []byte
		want Header
	}{
		{"numpy v1", raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }   \n", six), Header{Float32, false, []int{2, 3}}},
		{"keys in another order", raw(1, "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}\n", six), Header{Float32, false, []int{2, 3}}},
		{"double quotes, no spaces", raw(1, `{"descr":"<f4","fortran_order":False,"shape":(6,)}`+"\n", six), Header{Float32, false, []int{6}}},
		{"version 2", raw(2, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }\n", six), Header{Float32, true, []int{3, 2}}},
		{"version 3", raw(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }\n", six), Header{Float32, false, []int{6}}},
		{"0-d", raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }\n", six[:4]), Header{Float32, false, []int{}}},
		{"empty", raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }\n", nil), Header{Float32, false, []int{0, 3}}},
		{"uint8 with <", raw(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (6,), }\n", []byte{1, 2, 3, 4, 5, 6}), Header{Uint8, false, []int{6}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Decode("x.npy", tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a.Header, tc.want) {
				t.Errorf("header %+v, want %+v", a.Header, tc.want)
			}
			if a.Len() > 0 && tc.want.DType == Float32 {
				if v := a.Data.([]float32); v[0] != 1 || len(v) != a.Len() {
					t.Errorf("data %v", v)
				}
			}
		})
	}
}

// TestDecodeMalformed: every malformed input is an error naming the file
// and the field at fault, and the error never echoes file contents.
func TestDecodeMalformed(t *testing.T) {
	ok := "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n"
	six := f32bytes(1, 2, 3, 4, 5, 6)
	huge := strings.Repeat("9", 40)
	for _, tc := range []struct {
		name, field string
		file        []byte
	}{
		{"empty file", "header", nil},
		{"bad magic", "magic", append([]byte("\x93NUMPX\x01\x00"), raw(1, ok, six)[8:]...)},
		{"unknown version", "version", raw(4, ok, six)},
		{"minor version", "version", append(raw(1, ok, six)[:7:7], append([]byte{1}, raw(1, ok, six)[8:]...)...)},
		{"header longer than file", "header", raw(1, ok, six)[:30]},
		{"header over the limit", "header_len", raw(2, ok+strings.Repeat(" ", MaxHeaderBytes), six)},
		{"no newline after header", "header", raw(1, strings.TrimSuffix(ok, "\n")+" ", six)},
		{"dtype A0", "descr", raw(1, "{'descr': 'A0', 'fortran_order': False, 'shape': (2, 3), }\n", six)},
		{"big-endian", "descr", raw(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }\n", six)},
		{"object dtype", "descr", raw(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2, 3), }\n", six)},
		{"structured dtype", "descr", raw(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }\n", six)},
		{"fortran_order not bool", "fortran_order", raw(1, "{'descr': '<f4', 'fortran_order': 1, 'shape': (2, 3), }\n", six)},
		{"missing shape", "shape", raw(1, "{'descr': '<f4', 'fortran_order': False, }\n", six)},
		{"unknown key", "header", raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'secret': 1}\n", six)},
		{"duplicate key", "header", raw(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", six)},
		{"negative shape", "shape", raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }\n", six)},
		{"huge dimension", "shape", raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': ("+huge+",), }\n", six)},
		{"huge declared shape", "shape", raw(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }\n", six)},
		{"one-tuple without comma", "shape", raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6), }\n", six)},
		{"short data", "data", raw(1, ok, six[:20])},
		{"fortran order short data", "data", raw(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }\n", six[:20])},
		{"stray bytes", "data", raw(1, ok, append(six, 0))},
		{"text after dict", "header", raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } x\n", six)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("w0.npy", tc.file)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "npyfile: w0.npy: "+tc.field) {
				t.Errorf("error %q does not name the file and field %q", msg, tc.field)
			}
			if strings.Contains(msg, "secret") || strings.Contains(msg, "A0") || strings.Contains(msg, huge) {
				t.Errorf("error %q echoes file contents", msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error %q spans lines", msg)
			}
		})
	}
}

// TestWriteRoundTrip: Write lays files out as numpy.save does (data at a
// multiple of 64 bytes) and Decode reads every type back unchanged.
func TestWriteRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		shape []int
		data  any
	}{
		{[]int{2, 3}, []float32{1, -2, 3.5, 0, float32(math.Inf(1)), 6}},
		{[]int{3}, []float64{1e300, -1, 0.5}},
		{[]int{2, 2}, []uint64{0, 1, math.MaxUint64, 7}},
		{[]int{4}, []int8{-128, 0, 1, 127}},
		{[]int{2}, []int32{-1, 1 << 30}},
		{[]int{2}, []uint16{65535, 3}},
		{[]int{3}, []bool{true, false, true}},
		{[]int{}, []int64{-5}},
		{[]int{0}, []uint8{}},
	} {
		var b bytes.Buffer
		if err := Write(&b, tc.shape, tc.data); err != nil {
			t.Fatal(err)
		}
		_, data, err := readHeader(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if off := b.Len() - len(data); err != nil || off%64 != 0 {
			t.Errorf("%T: data offset %d (%v), want a multiple of 64", tc.data, off, err)
		}
		a, err := Decode("rt.npy", b.Bytes())
		if err != nil {
			t.Fatalf("%T: %v", tc.data, err)
		}
		if !reflect.DeepEqual(a.Shape, tc.shape) || (a.Len() > 0 && !reflect.DeepEqual(a.Data, tc.data)) {
			t.Errorf("%T: read back %v %v, want %v %v", tc.data, a.Shape, a.Data, tc.shape, tc.data)
		}
	}
	if err := Write(&bytes.Buffer{}, []int{2, 2}, []float32{1}); err == nil {
		t.Error("shape (2, 2) with 1 element: no error")
	}
	if err := Write(&bytes.Buffer{}, []int{1}, []string{"x"}); err == nil {
		t.Error("[]string: no error")
	}
}

// TestWriteNumpyBytes pins the exact bytes numpy.save writes for
// np.arange(3, dtype='<f4') (numpy 1.24): a 128-byte header then the data.
func TestWriteNumpyBytes(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, []int{3}, []float32{0, 1, 2}); err != nil {
		t.Fatal(err)
	}
	dict := "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
	want := raw(1, dict+strings.Repeat(" ", 128-10-len(dict)-1)+"\n", f32bytes(0, 1, 2))
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("got\n%q\nwant\n%q", b.Bytes(), want)
	}
}

// TestFloat16: half floats decode through npyio's float16 type.
func TestFloat16(t *testing.T) {
	data := binary.LittleEndian.AppendUint16(nil, 0x3c00) // 1.0
	data = binary.LittleEndian.AppendUint16(data, 0xc000) // -2.0
	a, err := Decode("h.npy", raw(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }\n", data))
	if err != nil {
		t.Fatal(err)
	}
	v := a.Data.([]float16.Num)
	if v[0].Float32() != 1 || v[1].Float32() != -2 {
		t.Errorf("got %v", v)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "w0.npy")
	var b bytes.Buffer
	if err := Write(&b, []int{2}, []float64{1, 2}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if a, err := ReadFile(name, 1<<20); err != nil || a.Data.([]float64)[1] != 2 {
		t.Errorf("ReadFile: %v, %v", a, err)
	}
	if _, err := ReadFile(name, 100); err == nil || !strings.Contains(err.Error(), "limit is 100") {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "none.npy"), 100); err == nil || !strings.Contains(err.Error(), "none.npy") {
		t.Errorf("missing file: %v", err)
	}
}

// zipOf builds an archive with the given entries (deflated).
func zipOf(t *testing.T, entries ...struct {
	name string
	data []byte
}) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type entry = struct {
	name string
	data []byte
}

func npyOf(t *testing.T, shape []int, data any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, shape, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestArchive(t *testing.T) {
	z := zipOf(t, entry{"fc1.weight.npy", npyOf(t, []int{2, 2}, []float32{1, 2, 3, 4})},
		entry{"fc1.bias.npy", npyOf(t, []int{2}, []float32{5, 6})},
		entry{"junk.npy", []byte("PK not an array at all")})
	a, err := OpenArchive("m.npz", bytes.NewReader(z), int64(len(z)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Keys(); !reflect.DeepEqual(got, []string{"fc1.bias", "fc1.weight", "junk"}) || !a.Has("fc1.bias") || a.Has("fc2") {
		t.Errorf("keys %v", got)
	}
	if h, err := a.Header("fc1.weight"); err != nil || !reflect.DeepEqual(h.Shape, []int{2, 2}) {
		t.Errorf("header %+v, %v", h, err)
	}
	if arr, err := a.Read("fc1.bias"); err != nil || arr.Data.([]float32)[1] != 6 {
		t.Errorf("read %v, %v", arr, err)
	}
	for _, f := range []func(string) error{
		func(k string) error { _, err := a.Header(k); return err },
		func(k string) error { _, err := a.Read(k); return err },
	} {
		if err := f("junk"); err == nil || !strings.HasPrefix(err.Error(), `npyfile: m.npz: entry "junk.npy": magic`) || strings.Contains(err.Error(), "PK not") {
			t.Errorf("entry not NPY: %v", err)
		}
		if err := f("fc2"); err == nil || !strings.Contains(err.Error(), `no array "fc2"`) {
			t.Errorf("missing key: %v", err)
		}
	}
}

func TestArchiveMalformed(t *testing.T) {
	open := func(z []byte, limit int64) (*Archive, error) {
		return OpenArchive("m.npz", bytes.NewReader(z), int64(len(z)), limit)
	}
	if _, err := open([]byte("not a zip"), 1<<20); err == nil || !strings.Contains(err.Error(), "m.npz: not a .npz") {
		t.Errorf("not a zip: %v", err)
	}
	if _, err := open(zipOf(t, entry{"readme.txt", []byte("x")}), 1<<20); err == nil || !strings.Contains(err.Error(), "readme.txt") {
		t.Errorf("non-.npy entry: %v", err)
	}
	if _, err := open(zipOf(t, entry{"a.npy", nil}, entry{"a.npy", nil}), 1<<20); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate entry: %v", err)
	}

	// A zip bomb: 16 MiB of zeros behind a valid header compress to a few
	// tens of KiB; its declared size is refused before decompression.
	bomb := npyOf(t, []int{16 << 20}, make([]uint8, 16<<20))
	a, err := open(zipOf(t, entry{"bomb.npy", bomb}), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []func() error{
		func() error { _, err := a.Header("bomb"); return err },
		func() error { _, err := a.Read("bomb"); return err },
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), `entry "bomb.npy": uncompressed size 16777344 bytes, limit is 1048576`) {
			t.Errorf("zip bomb: %v", err)
		}
	}

	// The same bomb with a lying small declared size: reading stops at the
	// limit whatever the entry declares.
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(bomb)
	fw.Close()
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "liar.npy", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(bomb),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: 1000})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	a, err = open(zb.Bytes(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Read("liar"); err == nil || !strings.HasPrefix(err.Error(), `npyfile: m.npz: entry "liar.npy": `) {
		t.Errorf("lying size: %v", err)
	}
	if _, err := a.Header("liar"); err == nil {
		t.Error("lying size: header check passed")
	}

	// Declared size and header disagree.
	short := npyOf(t, []int{4}, []float32{1, 2, 3, 4})
	a, err = open(zipOf(t, entry{"s.npy", short[:len(short)-4]}), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Header("s"); err == nil || !strings.Contains(err.Error(), `entry "s.npy": data: 12 bytes after the header`) {
		t.Errorf("short entry: %v", err)
	}
}

func TestReadFileRefusesNonRegular(t *testing.T) {
	for _, p := range []string{"/dev/zero", t.TempDir()} {
		_, err := ReadFile(p, 1<<20)
		if err == nil || !strings.Contains(err.Error(), "is not a regular file") {
			t.Errorf("ReadFile(%s) = %v, want a refusal", p, err)
		}
	}
}

// TestFloat64s: every element type Read produces converts exactly; other
// types are refused.
func TestFloat64s(t *testing.T) {
	for _, c := range []struct {
		in   any
		want []float64
	}{
		{[]bool{true, false}, []float64{1, 0}},
		{[]int8{-128, 127}, []float64{-128, 127}},
		{[]uint64{1 << 53}, []float64{1 << 53}},
		{[]float16.Num{float16.New(0.5)}, []float64{0.5}},
		{[]float32{-1.25}, []float64{-1.25}},
		{[]float64{3}, []float64{3}},
	} {
		got, ok := Float64s(c.in)
		if !ok || !slices.Equal(got, c.want) {
			t.Errorf("Float64s(%v) = %v, %v; want %v", c.in, got, ok, c.want)
		}
	}
	if _, ok := Float64s([]string{"x"}); ok {
		t.Error("Float64s accepted []string")
	}
}
