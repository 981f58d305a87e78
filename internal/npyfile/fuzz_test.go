package npyfile

import (
	"archive/zip"
	"bytes"
	"reflect"
	"testing"
)

// FuzzRead: Decode never panics, and whatever it accepts in C order
// survives a Write/Decode round trip unchanged.
func FuzzRead(f *testing.F) {
	f.Add(raw(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", f32bytes(1, 2)))
	f.Add(raw(3, "{'shape': (1, 1), 'descr': '<i8', 'fortran_order': True}\n", make([]byte, 8)))
	f.Add(raw(2, "{'descr': '|b1', 'fortran_order': False, 'shape': (), }\n", []byte{1}))
	f.Add(raw(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (0, 4), }\n", nil))
	f.Add(raw(1, "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }\n", make([]byte, 7)))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Decode("fuzz.npy", b)
		if err != nil || a.Fortran || a.DType == Float16 {
			return // Write has no float16 or Fortran-order output
		}
		var out bytes.Buffer
		if err := Write(&out, a.Shape, a.Data); err != nil {
			t.Fatalf("accepted %+v but cannot write it: %v", a.Header, err)
		}
		back, err := Decode("again.npy", out.Bytes())
		if err != nil {
			t.Fatalf("cannot read back: %v", err)
		}
		if !reflect.DeepEqual(back.Header, a.Header) || !reflect.DeepEqual(back.Data, a.Data) && a.Len() > 0 {
			t.Fatalf("round trip changed %+v into %+v", a.Header, back.Header)
		}
	})
}

// FuzzArchive: opening and reading any archive never panics and never
// returns more than the entry limit.
func FuzzArchive(f *testing.F) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("a.npy")
	Write(w, []int{2}, []float32{1, 2})
	zw.Close()
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, z []byte) {
		a, err := OpenArchive("fuzz.npz", bytes.NewReader(z), int64(len(z)), 1<<16)
		if err != nil {
			return
		}
		for _, k := range a.Keys() {
			a.Header(k)
			if arr, err := a.Read(k); err == nil && arr.Len()*arr.DType.Size() > 1<<16 {
				t.Fatalf("entry %s: %d elements of %s exceed the limit", k, arr.Len(), arr.DType)
			}
		}
	})
}
