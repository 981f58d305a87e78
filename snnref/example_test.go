package snnref_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/snnref"
)

// A two-neuron recurrent IF network: neuron 0 is driven by the input and
// excites neuron 1, which inhibits neuron 0 one step later (a back edge).
func Example() {
	g := snnref.Graph{
		Nodes: []snnref.Node{
			{Name: "in", Kind: snnref.Input, Size: 2},
			{Name: "if", Kind: snnref.Neuron, Size: 2, Neuron: neuron.FloatParams{
				Kind: neuron.FloatIF, R: []float64{1}, VThreshold: []float64{0.5}}},
			{Name: "rec", Kind: snnref.Affine, In: 2, Out: 2, Weight: []float64{0, -1, 1, 0}},
		},
		Edges: []snnref.Edge{{From: "in", To: "if"}, {From: "if", To: "rec"}, {From: "rec", To: "if"}},
	}
	sim, err := snnref.New(g, neuron.FloatOptions{DT: 1e-4})
	if err != nil {
		fmt.Println(err)
		return
	}
	for t := range 5 {
		if err := sim.Step([][]float64{{0.3, 0}}); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("t=%d spikes=%v v=%.1f\n", t, sim.Output("if"), sim.State("if").V())
	}
	fmt.Println("counts", sim.SpikeCounts("if"))
	// Output:
	// t=0 spikes=[0 0] v=[0.3 0.0]
	// t=1 spikes=[1 0] v=[0.0 0.0]
	// t=2 spikes=[0 1] v=[0.3 0.0]
	// t=3 spikes=[0 0] v=[-0.4 0.0]
	// t=4 spikes=[0 0] v=[-0.1 0.0]
	// counts [1 1]
}
