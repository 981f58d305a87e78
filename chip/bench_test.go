package chip

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// randomNet is a dense network with int8 weights drawn from a seeded PCG,
// biased positive so that hidden layers fire.
func randomNet(sizes ...int) *Network {
	rng := rand.New(rand.NewPCG(1, 2))
	net := &Network{Name: "random", Inputs: sizes[0]}
	for l := 1; l < len(sizes); l++ {
		in, n := sizes[l-1], sizes[l]
		w := make([]int8, in*n)
		for i := range w {
			w[i] = int8(rng.IntN(247) - 120) // [-120, 126]
		}
		net.Layers = append(net.Layers, Layer{Name: fmt.Sprintf("l%d", l), Size: n,
			Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: int32(in) * 8}, Weights: w})
	}
	return net
}

// bernoulliStim fires each of n channels with probability p per timestep.
type bernoulliStim struct {
	n   int
	p   float64
	rng *rand.Rand
}

func (s *bernoulliStim) Events(_ int, dst []InputEvent) []InputEvent {
	for i := 0; i < s.n; i++ {
		if s.rng.Float64() < s.p {
			dst = append(dst, InputEvent{Channel: int32(i), Magnitude: 1})
		}
	}
	return dst
}

// BenchmarkRun simulates a 784-512-512-10 network on the Loihi preset with
// the whole chip model on (mesh, timing, counts) and reports synaptic events
// per second of wall time.
func BenchmarkRun(b *testing.B) {
	cfg, err := Preset("loihi")
	if err != nil {
		b.Fatal(err)
	}
	m, err := Map(randomNet(784, 512, 512, 10), cfg)
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			sim, err := NewSimulator(m, workers)
			if err != nil {
				b.Fatal(err)
			}
			var events, packets uint64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				stim := &bernoulliStim{n: 784, p: 0.13, rng: rand.New(rand.NewPCG(3, uint64(i)))}
				res, err := sim.Run(context.Background(), stim, 32)
				if err != nil {
					b.Fatal(err)
				}
				events += res.Counts.SynapticOps
				packets += res.Counts.Packets + res.Counts.HostPackets
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(events)/s, "synevents/s")
			b.ReportMetric(float64(packets)/s, "packets/s")
		})
	}
}

// BenchmarkScaling runs networks of four sizes at three input activity
// levels (0 = silent) and reports wall time per synaptic event and per
// timestep, so that cost can be compared with events: a silent network and
// idle cores should cost almost nothing.
func BenchmarkScaling(b *testing.B) {
	cfg, err := Preset("loihi")
	if err != nil {
		b.Fatal(err)
	}
	cfg.MeshWidth, cfg.MeshHeight = 16, 8 // room for the largest
	for _, sizes := range [][]int{{784, 128, 10}, {784, 512, 512, 10}, {784, 1024, 1024, 10}, {784, 2048, 2048, 10}} {
		m, err := Map(randomNet(sizes...), cfg)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range []float64{0, 0.05, 0.2} {
			b.Run(fmt.Sprintf("net=%v/p=%g", sizes, p), func(b *testing.B) {
				sim, err := NewSimulator(m, 1)
				if err != nil {
					b.Fatal(err)
				}
				const T = 32
				var events, packets uint64
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					stim := &bernoulliStim{n: 784, p: p, rng: rand.New(rand.NewPCG(3, uint64(i)))}
					res, err := sim.Run(context.Background(), stim, T)
					if err != nil {
						b.Fatal(err)
					}
					events += res.Counts.SynapticOps
					packets += res.Counts.Packets + res.Counts.HostPackets
				}
				s := b.Elapsed().Seconds()
				b.ReportMetric(float64(len(m.Cores)), "cores")
				b.ReportMetric(float64(events)/float64(b.N), "synevents/op")
				b.ReportMetric(float64(packets)/float64(b.N), "packets/op")
				b.ReportMetric(s*1e9/float64(b.N*T), "ns/timestep")
				if events > 0 {
					b.ReportMetric(s*1e9/float64(events), "ns/synevent")
				}
			})
		}
	}
}

// BenchmarkFullChip fills a Loihi-size chip (117 of 128 cores: a
// 784-2560-3584-10 network, split by synaptic memory and fan-out limits)
// and compares 1 and 2 workers, within one sample (mode=run: cores in
// parallel, mesh overlapped) and over batches of 4 samples (mode=samples:
// RunSamples, each worker on its own replica of the chip).
func BenchmarkFullChip(b *testing.B) {
	cfg, err := Preset("loihi")
	if err != nil {
		b.Fatal(err)
	}
	m, err := Map(randomNet(784, 2560, 3584, 10), cfg)
	if err != nil {
		b.Fatal(err)
	}
	stim := func(seed int) Stimulus {
		return &bernoulliStim{n: 784, p: 0.13, rng: rand.New(rand.NewPCG(5, uint64(seed)))}
	}
	for _, mode := range []string{"run", "samples"} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("mode=%s/workers=%d", mode, workers), func(b *testing.B) {
				sim, err := NewSimulator(m, workers)
				if err != nil {
					b.Fatal(err)
				}
				var events uint64
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if mode == "run" {
						res, err := sim.Run(context.Background(), stim(i), 16)
						if err != nil {
							b.Fatal(err)
						}
						events += res.Counts.SynapticOps
						continue
					}
					err := sim.RunSamples(context.Background(), Samples{N: 4, Timesteps: 16,
						Stimulus: func(k int) Stimulus { return stim(4*i + k) },
						Each: func(_ int, r Result) error {
							events += r.Counts.SynapticOps
							return nil
						}})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(m.Cores)), "cores")
				b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "synevents/s")
			})
		}
	}
}

// BenchmarkMemory reports the heap a built simulator holds per synapse
// (8-bit weights, one per connection) for a dense network of 10^7 synapses.
func BenchmarkMemory(b *testing.B) {
	cfg, err := Preset("loihi")
	if err != nil {
		b.Fatal(err)
	}
	cfg.MeshWidth, cfg.MeshHeight = 16, 8
	net := randomNet(784, 4096, 1536, 10)
	var synapses int
	for l := range net.Layers {
		synapses += net.In(l) * net.Layers[l].Size
	}
	m, err := Map(net, cfg)
	if err != nil {
		b.Fatal(err)
	}
	var perSyn float64
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		sim, err := NewSimulator(m, 1)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perSyn = float64(after.HeapAlloc-before.HeapAlloc) / float64(synapses)
		runtime.KeepAlive(sim)
	}
	b.ReportMetric(float64(synapses), "synapses")
	b.ReportMetric(perSyn, "bytes/synapse")
}

// BenchmarkMapMillion maps a network of just over a million neurons, a
// 16x256x256 convolution over a 256x256 image followed by a 16x128x128
// strided convolution, onto a Loihi-style chip of 40x40 tiles of 4 cores.
func BenchmarkMapMillion(b *testing.B) {
	kernel := func(n int) []int8 {
		k := make([]int8, n)
		for i := range k {
			k[i] = int8(i%7 - 3)
		}
		return k
	}
	p := neuron.Params{Kind: neuron.IFSubtract, Threshold: 16}
	net := &Network{Name: "million", Inputs: 256 * 256, Layers: []Layer{
		{Name: "c1", Size: 16 * 256 * 256, Neuron: p, Conv: &Conv{InC: 1, InH: 256, InW: 256, OutC: 16, OutH: 256, OutW: 256,
			KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, PadHEnd: 1, PadWEnd: 1, DilH: 1, DilW: 1, Groups: 1, Kernel: kernel(16 * 9)}},
		{Name: "c2", Size: 16 * 128 * 128, Neuron: p, Conv: &Conv{InC: 16, InH: 256, InW: 256, OutC: 16, OutH: 128, OutW: 128,
			KH: 2, KW: 2, StrideH: 2, StrideW: 2, DilH: 1, DilW: 1, Groups: 16, Kernel: kernel(16 * 4)}},
	}}
	cfg, err := Preset("loihi")
	if err != nil {
		b.Fatal(err)
	}
	cfg.MeshWidth, cfg.MeshHeight = 40, 40
	neurons := net.Neurons()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := Map(net, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(float64(len(m.Cores)), "cores")
		}
	}
	b.ReportMetric(float64(neurons), "neurons")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/map")
}

// BenchmarkHundredMillion maps and simulates a 10000-10000-10 network
// (10^8 synapses, 8-bit weights, one per connection) on a Loihi-style chip
// of 16x16 tiles whose cores accept 16384 axons, and reports the
// simulator's heap per synapse.
func BenchmarkHundredMillion(b *testing.B) {
	if testing.Short() {
		b.Skip("builds 10^8 synapses")
	}
	cfg, err := Preset("loihi")
	if err != nil {
		b.Fatal(err)
	}
	cfg.MeshWidth, cfg.MeshHeight, cfg.AxonsPerCore, cfg.FanoutPerCore = 16, 16, 16384, 16384
	net := randomNet(10000, 10000, 10)
	m, err := Map(net, cfg)
	if err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sim, err := NewSimulator(m, 0)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ResetTimer()
	var events uint64
	for i := 0; i < b.N; i++ {
		res, err := sim.Run(context.Background(), &bernoulliStim{n: 10000, p: 0.05, rng: rand.New(rand.NewPCG(7, uint64(i)))}, 4)
		if err != nil {
			b.Fatal(err)
		}
		events += res.Counts.SynapticOps
	}
	b.ReportMetric(float64(len(m.Cores)), "cores")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e8, "bytes/synapse")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "synevents/s")
}
