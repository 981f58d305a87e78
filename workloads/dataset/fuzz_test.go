package dataset

import (
	"bytes"
	"testing"
)

// FuzzRead: any bytes give a dataset or an error, never a panic, and an
// accepted dataset is internally consistent. Seeds: testdata/fuzz/FuzzRead
// plus the archives below.
func FuzzRead(f *testing.F) {
	f.Add(npz(f, arr{"x", []int{2, 1, 2, 2}, make([]uint8, 8)}, arr{"y", []int{2}, []int64{0, 1}}))
	f.Add(npz(f, arr{"x", []int{2, 3}, []float32{0, 0.5, 1, 1, 0.5, 0}}, arr{"y", []int{2}, []uint8{1, 0}},
		arr{"x_calib", []int{1, 3}, []float64{0, 0.25, 1}}))
	f.Add(npz(f, arr{"x", []int{1, 2, 2}, []bool{true, false, false, true}}, arr{"y", []int{1, 2}, []float64{0.5, -1}}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Read("fuzz.npz", bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		switch s.Kind {
		case ImageKind:
			im := s.Images
			for _, set := range []struct {
				n, pixels, images, labels int
			}{
				{im.Test.N, im.Test.Pixels(), len(im.Test.Images), len(im.Test.Labels)},
				{im.Calib.N, im.Calib.Pixels(), len(im.Calib.Images), len(im.Calib.Labels)},
			} {
				if set.n < 1 || set.images != set.n*set.pixels || set.labels != set.n || set.pixels != im.Shape[0]*im.Shape[1]*im.Shape[2] {
					t.Fatalf("inconsistent image set %+v for shape %v", set, im.Shape)
				}
			}
		case SequenceKind:
			q := s.Sequences
			if q.N < 1 || q.T < 1 || len(q.X) != q.N*q.T*q.Channels || (q.Labels == nil) == (q.StepTargets == nil) {
				t.Fatalf("inconsistent sequences: N %d T %d channels %d, %d values", q.N, q.T, q.Channels, len(q.X))
			}
		default:
			t.Fatalf("kind %v", s.Kind)
		}
	})
}
