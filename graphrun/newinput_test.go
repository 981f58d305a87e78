package graphrun

import (
	"strings"
	"testing"
)

func TestNewInput(t *testing.T) {
	in, err := NewInput("s.npz", 2, 2, []int{1}, []float64{0, 1, 1, 0}, []int{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	if in.Encoding != Spikes || in.Channels != 1 || in.At(1, 0, 0) != 1 || in.Labels[0] != 1 {
		t.Errorf("got %+v", in)
	}
	in, err = NewInput("s.npz", 1, 2, []int{2}, []float64{0, 0.5, 2, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if in.Encoding != Currents || in.Scale != 2.0/255 {
		t.Errorf("currents: encoding %v scale %v", in.Encoding, in.Scale)
	}
	for _, c := range []struct {
		data   []float64
		labels []int
		want   string
	}{
		{[]float64{0, 1, 1}, nil, "3 values do not fill [2, 2, [1]]"},
		{[]float64{0, 1, 1, 0}, []int{1}, "1 labels for 2 samples"},
		{[]float64{0, -1, 1, 0}, nil, "element 1 is -1"},
	} {
		if _, err := NewInput("s.npz", 2, 2, []int{1}, c.data, c.labels); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewInput(%v, %v) = %v, want %q", c.data, c.labels, err, c.want)
		}
	}
}
