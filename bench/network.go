package bench

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/internal/npyfile"
	"github.com/spikemesh/spikemesh/neuron"
)

// MaxFileBytes bounds each exported .npy file. The peer's 784-512-512-10
// network is 5.3 MB of float64 (w0.npy is 3.2 MB), so 1 GiB admits
// networks about 300 times larger while refusing absurd files up front.
const MaxFileBytes = 1 << 30

// loadNetwork reads the peer's export in dir: image.npy (input spike
// probabilities) and w0.npy, w1.npy, ... (fan_in x fan_out float weights,
// until the first missing file), and builds the chip network of
// reset-by-subtraction IF layers with weights quantized to weightBits.
// sizes lists the layer widths, input first.
func loadNetwork(dir string, weightBits int) (image []float64, net *chip.Network, sizes []int, err error) {
	image, _, err = readFloats(filepath.Join(dir, "image.npy"))
	if err != nil {
		return nil, nil, nil, err
	}
	for i, p := range image {
		if !(p >= 0 && p <= 1) {
			return nil, nil, nil, fmt.Errorf("bench: image.npy[%d] = %g, want a probability in [0, 1]", i, p)
		}
	}
	net = &chip.Network{Name: "peer-mlp", Inputs: len(image)}
	sizes = []int{len(image)}
	qmax := float64(int(1)<<(weightBits-1) - 1)
	for l := 0; ; l++ {
		name := filepath.Join(dir, fmt.Sprintf("w%d.npy", l))
		if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) && l > 0 {
			break
		}
		w, shape, err := readFloats(name)
		if err != nil {
			return nil, nil, nil, err
		}
		in := sizes[len(sizes)-1]
		if len(shape) != 2 || shape[0] != in {
			return nil, nil, nil, fmt.Errorf("bench: %s has shape %v, want (%d, fan_out)", name, shape, in)
		}
		var wmax float64
		for _, x := range w {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil, nil, fmt.Errorf("bench: %s holds %g", name, x)
			}
			wmax = max(wmax, math.Abs(x))
		}
		if wmax == 0 {
			return nil, nil, nil, fmt.Errorf("bench: %s is all zeros", name)
		}
		// Fixed point: weight step s = max|w| / qmax, threshold 1.0 -> round(1/s).
		s := wmax / qmax
		q := make([]int8, len(w))
		for i, x := range w {
			q[i] = int8(math.Round(x / s))
		}
		net.Layers = append(net.Layers, chip.Layer{Name: fmt.Sprintf("layer%d", l+1), Size: shape[1],
			Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: int32(math.Round(1 / s))}, Weights: q})
		sizes = append(sizes, shape[1])
	}
	return image, net, sizes, nil
}

// readFloats reads a float64 or float32 .npy file in C order as float64.
func readFloats(name string) ([]float64, []int, error) {
	a, err := npyfile.ReadFile(name, MaxFileBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("bench: %w", err)
	}
	if a.Fortran && len(a.Shape) > 1 {
		return nil, nil, fmt.Errorf("bench: %s is in Fortran order; save it C-contiguous", name)
	}
	switch v := a.Data.(type) {
	case []float64:
		return v, a.Shape, nil
	case []float32:
		x := make([]float64, len(v))
		for i, f := range v {
			x[i] = float64(f)
		}
		return x, a.Shape, nil
	}
	return nil, nil, fmt.Errorf("bench: %s has dtype %s, want float64 or float32", name, a.DType)
}
