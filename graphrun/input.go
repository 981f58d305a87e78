package graphrun

import (
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// MaxInputBytes bounds an input file (.npy) or one array of an .npz
// archive: 1 GiB, refused before anything is allocated (internal/npyfile
// checks declared sizes first). It is a safety limit of spikemesh, far
// above the test sets NIR's frameworks ship (SHD's test split as dense
// float32 spikes at T = 100, 700 channels is 0.6 GiB).
const MaxInputBytes = 1 << 30

// Encoding says how input values become host input events.
type Encoding uint8

const (
	Spikes   Encoding = iota // every value is 0 or 1: binary spike events
	Counts                   // integers 0..255: graded events of that magnitude (weight x count)
	Currents                 // any other non-negative values: graded events, quantized (see Input.Scale)
)

func (e Encoding) String() string {
	switch e {
	case Counts:
		return "spike counts (graded)"
	case Currents:
		return "input currents (graded, quantized to 8-bit magnitudes)"
	}
	return "spikes"
}

// Input is a batch of input sequences: Samples × T × Channels values,
// row-major, with optional labels.
type Input struct {
	Name       string
	Samples, T int
	Shape      []int // per-timestep shape (channels...), as in the file
	Channels   int   // product of Shape
	Data       []float64
	Labels     []int // nil = no labels
	Encoding   Encoding
	// Scale is the float input one magnitude step stands for: 1 for spikes
	// and counts; for currents max|x|/255, so the largest value maps to
	// magnitude 255 and every value x to round(x/Scale).
	Scale float64
}

// At returns sample s's value of channel c at timestep t.
func (in *Input) At(s, t, c int) float64 { return in.Data[(s*in.T+t)*in.Channels+c] }

// Magnitude is the host event magnitude of value x (0: no event).
func (in *Input) Magnitude(x float64) uint8 {
	return uint8(math.RoundToEven(x / in.Scale))
}

// ReadInput reads inputs from a .npy file ([samples, T, channels...]) or
// an .npz archive holding "data" (the same layout; or, if there is no
// "data", the single array other than "labels") and optionally "labels"
// ([samples] integers). Values must be finite and non-negative: the
// chip's host events carry an unsigned magnitude.
func ReadInput(path string) (*Input, error) {
	var data, labels *npyfile.Array
	var err error
	switch {
	case strings.HasSuffix(path, ".npz"):
		data, labels, err = readArchive(path)
	case strings.HasSuffix(path, ".npy"):
		data, err = npyfile.ReadFile(path, MaxInputBytes)
	default:
		err = fmt.Errorf("graphrun: input %s: want a .npy or .npz file", path)
	}
	if err != nil {
		return nil, err
	}
	if data.Fortran {
		return nil, fmt.Errorf("graphrun: input %s: field data: Fortran order is not supported; save a C-order array", path)
	}
	if len(data.Shape) < 3 {
		return nil, fmt.Errorf("graphrun: input %s: field data: shape %v, want [samples, T, channels...]", path, data.Shape)
	}
	in := &Input{Name: path, Samples: data.Shape[0], T: data.Shape[1], Shape: data.Shape[2:], Channels: 1}
	for _, d := range in.Shape {
		in.Channels *= d
	}
	if in.Samples < 1 || in.T < 1 || in.Channels < 1 {
		return nil, fmt.Errorf("graphrun: input %s: field data: shape %v has an empty dimension", path, data.Shape)
	}
	if in.Data, err = floats(data.Data); err != nil {
		return nil, fmt.Errorf("graphrun: input %s: field data: %v", path, err)
	}
	if err := in.classify(); err != nil {
		return nil, fmt.Errorf("graphrun: input %s: field data: %v", path, err)
	}
	if labels != nil {
		ls, err := floats(labels.Data)
		if err != nil || len(labels.Shape) != 1 || labels.Shape[0] != in.Samples {
			return nil, fmt.Errorf("graphrun: input %s: field labels: shape %v, want [%d] integers", path, labels.Shape, in.Samples)
		}
		in.Labels = make([]int, len(ls))
		for i, x := range ls {
			if x != math.Trunc(x) || x < 0 || x > math.MaxInt32 {
				return nil, fmt.Errorf("graphrun: input %s: field labels: element %d is %g, want a non-negative integer", path, i, x)
			}
			in.Labels[i] = int(x)
		}
	}
	return in, nil
}

// readArchive returns an .npz archive's data and labels arrays.
func readArchive(path string) (data, labels *npyfile.Array, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("graphrun: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("graphrun: %w", err)
	}
	a, err := npyfile.OpenArchive(path, f, st.Size(), MaxInputBytes)
	if err != nil {
		return nil, nil, err
	}
	key := "data"
	if !a.Has(key) {
		var others []string
		for _, k := range a.Keys() {
			if k != "labels" {
				others = append(others, k)
			}
		}
		if len(others) != 1 {
			return nil, nil, fmt.Errorf("graphrun: input %s: want an array \"data\" (and optionally \"labels\"), found %v", path, a.Keys())
		}
		key = others[0]
	}
	if data, err = a.Read(key); err != nil {
		return nil, nil, err
	}
	if a.Has("labels") {
		if labels, err = a.Read("labels"); err != nil {
			return nil, nil, err
		}
	}
	return data, labels, nil
}

// floats converts a decoded numeric array to float64.
func floats(v any) ([]float64, error) {
	if out, ok := npyfile.Float64s(v); ok {
		return out, nil
	}
	return nil, fmt.Errorf("element type %T is not supported; use bool, integers or floats", v)
}

// classify checks the values and picks the encoding and scale.
func (in *Input) classify() error {
	ints, maxV := true, 0.0
	for i, x := range in.Data {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("element %d is %v, want a finite number", i, x)
		}
		if x < 0 {
			return fmt.Errorf("element %d is %g: the chip's host events carry non-negative magnitudes only", i, x)
		}
		ints = ints && x == math.Trunc(x)
		maxV = max(maxV, x)
	}
	in.Scale = 1
	switch {
	case ints && maxV <= 1:
		in.Encoding = Spikes
	case ints && maxV <= 255:
		in.Encoding = Counts
	default:
		in.Encoding, in.Scale = Currents, maxV/255
	}
	return nil
}
