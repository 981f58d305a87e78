package spikemesh_test

import (
	"context"
	"fmt"
	"log"

	"github.com/spikemesh/spikemesh"
	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/workloads"
)

// Evaluate the built-in MLP on the Loihi preset: rate conversion, the first
// 5 MNIST test images, 8 timesteps each.
func ExampleEvaluate() {
	c, err := chip.Preset("loihi")
	if err != nil {
		log.Fatal(err)
	}
	e, err := energy.Preset("loihi")
	if err != nil {
		log.Fatal(err)
	}
	r, err := spikemesh.Evaluate(context.Background(), spikemesh.Options{
		Model: "mnist-mlp", Chip: c, Energy: e, Samples: 5, Timesteps: []int{8},
		Encoder: workloads.Rate, Method: workloads.MethodRate, Percentile: 99.9, Seed: 1,
	})
	if err != nil {
		log.Fatal(err)
	}
	run := r.Runs[0]
	fmt.Printf("%d of %d cores, ANN %.0f %%, SNN %.0f %% at T=%d\n", r.Chip.CoresUsed, r.Chip.CoresAvailable,
		r.ANNAccuracyPct, run.SNNAccuracyPct, run.Timesteps)
	fmt.Printf("%.0f synaptic ops, %.3f µJ per inference (%s)\n", run.SynapticOps, run.Energy.TotalUJ, run.Energy.Model)
	// Output:
	// 7 of 128 cores, ANN 100 %, SNN 100 % at T=8
	// 369375 synaptic ops, 17.634 µJ per inference (loihi)
}
