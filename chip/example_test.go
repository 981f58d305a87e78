package chip_test

import (
	"context"
	"fmt"
	"log"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
)

// pixels is a stimulus that fires the same input channels at every
// timestep.
type pixels []int32

func (p pixels) Events(_ int, dst []chip.InputEvent) []chip.InputEvent {
	for _, ch := range p {
		dst = append(dst, chip.InputEvent{Channel: ch, Magnitude: 1})
	}
	return dst
}

// Example builds a two-layer network of integrate-and-fire neurons, maps
// it onto the "tiny" chip preset, simulates one sample and reads what
// the chip did: spikes per layer, packets, cycles and the prediction.
func Example() {
	// 3 inputs -> 4 hidden neurons -> 2 outputs. Weights are In x Out,
	// row-major: Weights[a*Size+j] connects source a to neuron j.
	net := &chip.Network{Name: "example", Inputs: 3, Layers: []chip.Layer{
		{Name: "hidden", Size: 4, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 4},
			Weights: []int8{
				2, 1, 0, 3, // input 0
				2, 1, 1, 0, // input 1
				1, 0, 1, 1, // input 2
			}},
		{Name: "out", Size: 2, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 2},
			Weights: []int8{
				1, 0, // hidden 0
				0, 1, // hidden 1
				0, 1, // hidden 2
				1, 0, // hidden 3
			}},
	}}
	cfg, err := chip.Preset("tiny")
	if err != nil {
		log.Fatal(err)
	}
	cfg.WeightBits = 4 // every weight above fits 4 bits
	m, err := chip.Map(net, cfg)
	if err != nil {
		log.Fatal(err)
	}
	sim, err := chip.NewSimulator(m, 1)
	if err != nil {
		log.Fatal(err)
	}
	// Inputs 0 and 1 fire at every timestep. The hidden layer integrates
	// frame t at timestep t+1, so a 10-timestep run sends frames 0..8:
	// 9 frames x 2 events = 18 host packets, and input [4 2 1 3] per
	// timestep into the hidden neurons (threshold 4), which fire 9, 4, 2
	// and 6 times. The outputs integrate the hidden spikes of timesteps
	// 1..8: scores 8+6 = 14 and 4+2 = 6 (spikes x threshold + residue).
	res, err := sim.Run(context.Background(), pixels{0, 1}, 10)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cores used:", len(m.Cores))
	fmt.Println("spikes per layer:", res.LayerSpikes)
	fmt.Println("host packets:", res.Counts.HostPackets, "spike packets:", res.Counts.Packets)
	fmt.Println("synaptic events:", res.Counts.SynapticOps)
	fmt.Println("scores:", res.Scores, "prediction:", res.Prediction())
	fmt.Println("cycles:", res.Cycles)
	// Output:
	// cores used: 2
	// spikes per layer: [21 10]
	// host packets: 18 spike packets: 21
	// synaptic events: 74
	// scores: [14 6] prediction: 0
	// cycles: 261
}

// Example_recurrent builds a graph with a cycle and a delay: one input
// kicks neuron A, A excites itself and, 2 timesteps later, B; B excites A
// back. Projections name their source (an input group or a population)
// and their target population; Outputs chooses the read-out.
func Example_recurrent() {
	ifn := func(theta int32) neuron.Params { return neuron.Params{Kind: neuron.IFSubtract, Threshold: theta} }
	net := &chip.Network{Name: "loop",
		InputGroups: []chip.InputGroup{{Name: "kick", Size: 1}},
		Layers:      []chip.Layer{{Name: "A", Size: 1, Neuron: ifn(2)}, {Name: "B", Size: 1, Neuron: ifn(1)}},
		Projections: []chip.Projection{
			{From: chip.Input(0), To: 0, Kind: chip.ProjDense, Weights: []int8{2}},
			{From: chip.Population(0), To: 0, Kind: chip.ProjOneToOne, Weights: []int8{1}}, // self
			{From: chip.Population(0), To: 1, Kind: chip.ProjDense, Weights: []int8{1}, Delay: 2},
			{From: chip.Population(1), To: 0, Kind: chip.ProjDense, Weights: []int8{1}},
		},
		Outputs: []int{0, 1},
	}
	cfg, err := chip.Preset("tiny")
	if err != nil {
		log.Fatal(err)
	}
	m, err := chip.Map(net, cfg)
	if err != nil {
		log.Fatal(err)
	}
	sim, err := chip.NewSimulator(m, 1)
	if err != nil {
		log.Fatal(err)
	}
	// The kick (frame 0) makes A fire at t1. A's self-connection brings it
	// to 1 at t2; its spike reaches B at t1+1+2 = t4, B fires, and A,
	// at 1+1 = 2, fires again at t5: a cycle of 4 timesteps. In 14
	// timesteps A fires at t1, t5, t9, t13 and B at t4, t8, t12; both end
	// at v = 0, so the scores are 4 x 2 and 3 x 1.
	res, err := sim.Run(context.Background(), once{0}, 14)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("spikes per population:", res.LayerSpikes)
	fmt.Println("delay slots of B's core:", m.Cores[1].DelaySlots)
	fmt.Println("scores (A, B):", res.Scores)
	// Output:
	// spikes per population: [4 3]
	// delay slots of B's core: 3
	// scores (A, B): [8 3]
}

// once fires the given channels at timestep 0 only.
type once []int32

func (o once) Events(t int, dst []chip.InputEvent) []chip.InputEvent {
	if t == 0 {
		for _, ch := range o {
			dst = append(dst, chip.InputEvent{Channel: ch, Magnitude: 1})
		}
	}
	return dst
}

// A layer whose neurons have more inputs than a core has axons is split
// along its inputs: splitter cores send partial sums to the home core.
func ExampleMapping_Splits() {
	cfg, _ := chip.Preset("tiny")
	cfg.AxonsPerCore = 30 // each of the 10 neurons has 100 inputs
	w := make([]int8, 100*10)
	for i := range w {
		w[i] = 1
	}
	net := &chip.Network{Name: "wide", Inputs: 100, Layers: []chip.Layer{
		{Name: "fc", Size: 10, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 50}, Weights: w},
	}}
	m, err := chip.Map(net, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range m.Splits() {
		fmt.Printf("layer %d: %d neurons, %d parts x %d groups, %d splitter cores\n", s.Layer, s.Neurons, s.Parts, s.Groups, s.SplitterCores)
	}
	for _, c := range m.Cores {
		fmt.Printf("core %d: neurons [%d, %d), axons [%d, %d), %d axons, splitter %v\n", c.Core, c.Lo, c.Hi, c.Split.AxonLo, c.Split.AxonHi, c.Axons, c.Splitter())
	}
	// Output:
	// layer 0: 10 neurons, 4 parts x 1 groups, 3 splitter cores
	// core 0: neurons [0, 10), axons [0, 25), 25 axons, splitter false
	// core 1: neurons [0, 10), axons [25, 50), 25 axons, splitter true
	// core 2: neurons [0, 10), axons [50, 75), 25 axons, splitter true
	// core 3: neurons [0, 10), axons [75, 100), 25 axons, splitter true
}
