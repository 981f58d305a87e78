package chip

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// recurrentNet is a CUBA-like recurrent network for benchmarks: n IF
// neurons driven by a constant bias, each source connected to a random 2 %
// of the population (first 80 % excitatory, the rest inhibitory and
// stronger), as sparse self-projections with delay 0 and 1.
func recurrentNet(n int) *Network {
	rng := rand.New(rand.NewPCG(3, 4))
	var exc, inh []Synapse
	for pre := range n {
		for post := range n {
			if rng.IntN(50) != 0 {
				continue
			}
			if pre < n*4/5 {
				exc = append(exc, Synapse{Pre: int32(pre), Post: int32(post), Weight: 6})
			} else {
				inh = append(inh, Synapse{Pre: int32(pre), Post: int32(post), Weight: -30})
			}
		}
	}
	bias := make([]int32, n)
	for i := range bias {
		bias[i] = int32(8 + rng.IntN(8))
	}
	return &Network{Name: "recurrent", InputGroups: []InputGroup{},
		Layers: []Layer{{Name: "pop", Size: n, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 256}, Bias: bias}},
		Projections: []Projection{
			{Name: "exc", From: Population(0), To: 0, Kind: ProjSparse, Synapses: exc},
			{Name: "inh", From: Population(0), To: 0, Kind: ProjSparse, Synapses: inh, Delay: 1},
		}}
}

// BenchmarkRecurrent runs the 4000-neuron recurrent network on the loihi
// preset for 100 timesteps and reports synaptic events per second.
func BenchmarkRecurrent(b *testing.B) {
	cfg, err := Preset("loihi")
	if err != nil {
		b.Fatal(err)
	}
	m, err := Map(recurrentNet(4000), cfg)
	if err != nil {
		b.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		b.Fatal(err)
	}
	var events, spikes uint64
	b.ResetTimer()
	for range b.N {
		res, err := sim.Run(context.Background(), eventStim{}, 100)
		if err != nil {
			b.Fatal(err)
		}
		events += res.Counts.SynapticOps
		spikes += res.Counts.Spikes
	}
	b.ReportMetric(float64(len(m.Cores)), "cores")
	b.ReportMetric(float64(spikes)/float64(b.N)/4000/100, "spikes/neuron/step")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "synevents/s")
}
