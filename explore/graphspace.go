package explore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"

	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/nirconv"
	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/models"
)

// defaultGraphSamples is the sequences a built-in graph space runs when
// it sets no samples: the default of the other built-in workloads' spaces.
const defaultGraphSamples = 300

// loadGraphModel makes a space that sweeps a built-in graph model
// (workload: seq-mnist; models.GraphNames) a NIR space: the embedded graph,
// and as input the first samples sequences of the embedded MNIST test set
// as rows (mnist.Set.RowSequences), exactly what spikemesh run --model
// seq-mnist --samples N feeds it, at nirconv.DefaultDT (run's --dt
// default, the time step the model was trained at). Points are keyed by
// the SHA-256 of the embedded model file and of the input's values.
func loadGraphModel(name string, samples int, pc *PointConfig) (*NIRModel, []error) {
	if samples == 0 {
		samples = defaultGraphSamples
	}
	test, err := mnist.Test()
	if err != nil {
		return nil, []error{fmt.Errorf("workload %s: %w", name, err)}
	}
	if samples < 1 || samples > test.N {
		return nil, []error{fmt.Errorf("samples is %d, must be in 1..%d (the MNIST test sequences %s runs on)", samples, test.N, name)}
	}
	g, err := models.LoadGraph(name)
	if err != nil {
		return nil, []error{fmt.Errorf("workload %s: %w", name, err)}
	}
	mh, err := models.GraphSHA256(name)
	if err != nil {
		return nil, []error{fmt.Errorf("workload %s: %w", name, err)}
	}
	test = test.Slice(0, samples)
	x, labels := test.RowSequences()
	const inputName = "MNIST test set as rows (pixel/255)"
	in, err := graphrun.NewInput(inputName, test.N, test.Rows, []int{test.Cols}, x, labels)
	if err != nil {
		return nil, []error{fmt.Errorf("workload %s: %w", name, err)}
	}
	m := &NIRModel{ModelPath: name, InputPath: inputName, Graph: g, Input: in, DT: nirconv.DefaultDT, BuiltIn: true}
	pc.Workload, pc.Samples, pc.Timesteps, pc.DT = name, samples, in.T, m.DT
	pc.ModelSHA256, pc.InputSHA256 = mh, valuesSHA256(x, labels)
	pc.Method, pc.Percentile, pc.Encoder, pc.Seed = 0, 0, 0, 0
	return m, nil
}

// fixedGraphError refuses the recipe parameters (hidden, steps_per_value)
// for a built-in graph model: its committed weights are trained for one
// hidden size, one row per timestep.
func fixedGraphError(name string) error {
	return fmt.Errorf("%s's weights are trained for one hidden size and one row per timestep; another needs retraining by BPTT (about 20 minutes per size, spikemesh train --model %s), so a sweep varies its chip, energy, timesteps and samples only", name, name)
}

// valuesSHA256 is the hex SHA-256 of an input's values (float64 bits,
// little-endian) followed by its labels (int64, little-endian): the key of
// an input built in memory rather than read from a file.
func valuesSHA256(x []float64, labels []int) string {
	h := sha256.New()
	var b [8]byte
	for _, v := range x {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	for _, l := range labels {
		binary.LittleEndian.PutUint64(b[:], uint64(l))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}
