package neuron

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkStep measures Step over populations the size of one core and of
// a whole mid-sized network (~100k neurons). Each iteration refills the
// input buffer from one of several pre-generated frames (as the engine's
// accumulation would) and steps; the metric counts every neuron, active or
// idle, so it reflects the cost per neuron per timestep.
func BenchmarkStep(b *testing.B) {
	models := []struct {
		name string
		p    Params
		bias bool
		vec  bool // per-neuron thresholds and decays (the Vectors loop)
	}{
		{"if-subtract", Params{Kind: IFSubtract, Threshold: 64}, false, false},
		{"if-subtract-bias", Params{Kind: IFSubtract, Threshold: 64}, true, false},
		{"lif", Params{Kind: LIF, Threshold: 64, DecayU: 1024, DecayV: 256, Refractory: 1}, false, false},
		{"lif-vectors", Params{Kind: LIF, Threshold: 64, DecayU: 1024, DecayV: 256, Refractory: 1}, false, true},
		{"lif-2syn-bias", Params{Kind: LIF2Syn, Threshold: 64, DecayU: 1024, DecayU2: 512, DecayV: 256, Refractory: 1}, true, false},
	}
	for _, mc := range models {
		for _, n := range []int{1024, 100_000} {
			for _, density := range []float64{0.1, 1} {
				name := fmt.Sprintf("%s/neurons=%d/input-density=%g", mc.name, n, density)
				b.Run(name, func(b *testing.B) {
					rng := rand.New(rand.NewPCG(42, uint64(n)))
					var bias []int32
					if mc.bias {
						bias = make([]int32, n)
						for ni := range bias {
							bias[ni] = rng.Int32N(5) - 1
						}
					}
					var vec Vectors
					if mc.vec {
						vec.Threshold, vec.DecayV = make([]int32, n), make([]uint16, n)
						for ni := range n {
							vec.Threshold[ni], vec.DecayV[ni] = 48+rng.Int32N(32), uint16(128+rng.IntN(256))
						}
					}
					m, err := NewWithVectors(mc.p, n, bias, vec)
					if err != nil {
						b.Fatal(err)
					}
					const frames = 8
					src := make([][]int32, frames)
					for f := range src {
						src[f] = make([]int32, n)
						for ni := range src[f] {
							if rng.Float64() < density {
								src[f][ni] = rng.Int32N(41) - 10
							}
						}
					}
					in := make([]int32, n)
					fired := make([]int32, 0, n)
					b.ResetTimer()
					for i := range b.N {
						copy(in, src[i%frames])
						fired, _ = m.Step(in, fired[:0])
					}
					b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "neurons/s")
				})
			}
		}
	}
}
