package nir

import (
	"reflect"
	"testing"
)

// TestConvOut checks the size formula against values PyTorch's Conv2d
// documentation formula gives by hand.
func TestConvOut(t *testing.T) {
	tests := []struct{ n, pad, dil, k, stride, want int }{
		{34, 1, 1, 5, 2, 16}, // cnn_sinabs layer 0: floor(31/2)+1
		{16, 1, 1, 3, 1, 16},
		{16, 0, 1, 2, 2, 8},
		{16, 1, 2, 3, 2, 7}, // floor((16+2-4-1)/2)+1
		{3, 0, 1, 5, 1, 0},  // kernel larger than input
	}
	for _, tt := range tests {
		if got := convOut(tt.n, tt.pad, tt.dil, tt.k, tt.stride); got != tt.want {
			t.Errorf("convOut(%d, pad %d, dil %d, k %d, stride %d) = %d, want %d", tt.n, tt.pad, tt.dil, tt.k, tt.stride, got, tt.want)
		}
	}
}

func TestFlattenShape(t *testing.T) {
	tests := []struct {
		start, end int
		in, want   Shape
	}{
		{0, -1, Shape{8, 4, 4}, Shape{128}},
		{1, -1, Shape{8, 4, 4}, Shape{8, 16}},
		{0, 1, Shape{8, 4, 4}, Shape{32, 4}},
		{-2, -1, Shape{2, 3, 5}, Shape{2, 15}},
	}
	for _, tt := range tests {
		got, err := flattenShape(&FlattenParams{StartDim: tt.start, EndDim: tt.end}, tt.in)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("flatten %s [%d,%d] = %s, %v; want %s", tt.in, tt.start, tt.end, got, err, tt.want)
		}
	}
	if _, err := flattenShape(&FlattenParams{StartDim: 2, EndDim: 1}, Shape{2, 3, 4}); err == nil {
		t.Error("start_dim after end_dim accepted")
	}
	if _, err := flattenShape(&FlattenParams{StartDim: 0, EndDim: 3}, Shape{2, 3}); err == nil {
		t.Error("end_dim past the rank accepted")
	}
}

func TestConvShapeGroups(t *testing.T) {
	p := &ConvParams{Dims: 2, Weight: Tensor{Shape: Shape{4, 1, 3, 3}}, Groups: 2,
		Stride: []int{1, 1}, Dilation: []int{1, 1}, Padding: []int{0, 0}, PadMode: PadSame}
	out, err := convShape(p, Shape{2, 8, 8})
	if err != nil || !out.Equal(Shape{4, 8, 8}) {
		t.Errorf("grouped same conv: %s, %v", out, err)
	}
	if _, err := convShape(p, Shape{3, 8, 8}); err == nil {
		t.Error("wrong channel count accepted")
	}
}

// TestParseInfo pins the Info() formats of scigolib/hdf5 v0.14.1 that the
// reader depends on.
func TestParseInfo(t *testing.T) {
	tests := []struct {
		text  string
		class dsClass
		size  int
		shape Shape
	}{
		{"Dataset: float (size=4 bytes), 2D array [4 x 3], contiguous (address=0x20A0, size=48)", classFloat, 4, Shape{4, 3}},
		{"Dataset: float (size=4 bytes), 4D array [16 2 5 5], contiguous (address=0x3448, size=3200)", classFloat, 4, Shape{16, 2, 5, 5}},
		{"Dataset: integer (size=8 bytes), scalar, contiguous (address=0x2098, size=8)", classInt, 8, Shape{}},
		{"Dataset: class_9 (size=16 bytes), 1D array [7], contiguous", classVLen, 16, Shape{7}},
	}
	for _, tt := range tests {
		di, err := parseInfo(tt.text)
		if err != nil || di.class != tt.class || di.elemSize != tt.size || !reflect.DeepEqual(di.shape, tt.shape) {
			t.Errorf("parseInfo(%q) = %+v, %v", tt.text, di, err)
		}
	}
	if _, err := parseInfo("Dataset: float (size=4 bytes), null, contiguous"); err == nil {
		t.Error("null dataspace accepted")
	}
}
