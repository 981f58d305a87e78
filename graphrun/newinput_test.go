package graphrun

import (
	"strings"
	"testing"
)

// TestNewInput: values in memory get ReadInput's encodings and checks.
func TestNewInput(t *testing.T) {
	in, err := NewInput("rows", 2, 2, []int{2}, []float64{0, 1, 0.5, 0, 0, 0.25, 1, 0}, []int{3, 1})
	if err != nil {
		t.Fatal(err)
	}
	if in.Encoding != Currents || in.Scale != 1.0/255 || in.Channels != 2 || in.At(1, 0, 1) != 0.25 {
		t.Errorf("got encoding %s, scale %g, channels %d, x[1,0,1] %g; want currents, 1/255, 2, 0.25", in.Encoding, in.Scale, in.Channels, in.At(1, 0, 1))
	}
	if in, err := NewInput("spikes", 1, 2, []int{1}, []float64{0, 1}, nil); err != nil || in.Encoding != Spikes || in.Labels != nil {
		t.Errorf("0/1 values: %v, %+v", err, in)
	}
	for _, c := range []struct {
		name   string
		data   []float64
		labels []int
		want   string
	}{
		{"short", []float64{0, 1}, nil, "2 values for shape [1, 2, [2]], want 4"},
		{"negative", []float64{0, -1, 0, 0}, nil, "non-negative"},
		{"labels", []float64{0, 1, 0, 0}, []int{1, 2}, "2 labels for 1 samples"},
		{"label", []float64{0, 1, 0, 0}, []int{-1}, "label 0 is -1"},
	} {
		if _, err := NewInput(c.name, 1, 2, []int{2}, c.data, c.labels); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
