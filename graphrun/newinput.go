package graphrun

import "fmt"

// NewInput makes an Input from values already in memory (a built-in data
// set), with the checks and encoding ReadInput applies to a file: data is
// samples × T × channels values in C order, shape the per-timestep shape,
// labels nil or one non-negative integer per sample. name says where the
// data came from in the report. data is used, not copied.
func NewInput(name string, samples, T int, shape []int, data []float64, labels []int) (*Input, error) {
	in := &Input{Name: name, Samples: samples, T: T, Shape: append([]int(nil), shape...), Channels: 1, Data: data}
	for _, d := range shape {
		in.Channels *= d
	}
	if samples < 1 || T < 1 || in.Channels < 1 || len(shape) == 0 {
		return nil, fmt.Errorf("graphrun: input %s: shape [%d, %d, %v] has an empty dimension", name, samples, T, shape)
	}
	if len(data) != samples*T*in.Channels {
		return nil, fmt.Errorf("graphrun: input %s: %d values for shape [%d, %d, %v], want %d", name, len(data), samples, T, shape, samples*T*in.Channels)
	}
	if err := in.classify(); err != nil {
		return nil, fmt.Errorf("graphrun: input %s: %v", name, err)
	}
	if labels != nil {
		if len(labels) != samples {
			return nil, fmt.Errorf("graphrun: input %s: %d labels for %d samples", name, len(labels), samples)
		}
		for i, l := range labels {
			if l < 0 {
				return nil, fmt.Errorf("graphrun: input %s: label %d is %d, want a non-negative integer", name, i, l)
			}
		}
		in.Labels = labels
	}
	return in, nil
}
