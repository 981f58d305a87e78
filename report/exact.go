package report

import (
	"fmt"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/workloads"
)

// Add checks one image's result against the quantized ANN's counts.
func (x *ExactReport) Add(r *chip.Result, qa *workloads.QuantizedActs) {
	x.Images++
	x.stepsSum += r.Timesteps
	x.TimestepsMean = float64(x.stepsSum) / float64(x.Images)
	x.TimestepsMax = max(x.TimestepsMax, r.Timesteps)
	if r.Quiet {
		x.ImagesQuiet++
	}
	wrong := 0
	for l, counts := range r.NeuronCounts {
		for j, c := range counts {
			if c != qa.Counts[l][j] {
				if x.FirstMismatch == "" {
					x.FirstMismatch = fmt.Sprintf("image %d, layer %d, neuron %d: %d spikes, quantized ANN %d", x.Images-1, l, j, c, qa.Counts[l][j])
				}
				wrong++
			}
		}
	}
	x.NeuronMismatches += wrong
	if wrong == 0 && r.Quiet {
		x.ImagesExact++
	}
}
