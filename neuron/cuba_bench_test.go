package neuron

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkCUBAStep steps one core's slice (1000 neurons) of Brian2's CUBA
// network in its regime: QuantizeCUBA's parameters, potentials uniform in
// [Vr, Vt), about 0.046 input events per neuron and step (183 synaptic
// events per step over 4000 neurons in the peer's network), excitatory
// on port 0 (weight 528) and inhibitory on port 1 (-2944) in the ratio
// 4:1. It reports the time per neuron update and spikes per step, for
// the scalar loop and every vector kernel this machine runs.
func BenchmarkCUBAStep(b *testing.B) {
	for _, k := range []cuba2Kernel{kernelScalar, kernelAVX2, kernelAVX512} {
		if kernels(k) != k {
			continue
		}
		b.Run([]string{"scalar", "avx2", "avx512"}[k], func(b *testing.B) { benchCUBAStep(b, k) })
	}
}

func benchCUBAStep(b *testing.B, k cuba2Kernel) {
	q, err := QuantizeCUBA(CUBAParams{TauM: 0.020, TauE: 0.005, TauI: 0.010, El: -0.049, Vt: -0.050, Vr: -0.060,
		We: 1.62e-3, Wi: -9e-3, Refractory: 0.005}, 1e-4)
	if err != nil {
		b.Fatal(err)
	}
	const n, frames = 1000, 64
	rng := rand.New(rand.NewPCG(7, 8))
	bias := make([]int32, n)
	v0 := make([]int32, n)
	for ni := range n {
		bias[ni] = q.Bias
		v0[ni] = rng.Int32N(q.Params.Threshold)
	}
	m, err := New(q.Params, n, bias)
	if err != nil {
		b.Fatal(err)
	}
	m.(*Cuba2State).kernel = k
	mp := m.(MultiPort)
	if err := m.(VSetter).SetV(v0); err != nil {
		b.Fatal(err)
	}
	type event struct{ port, ni, w int32 }
	src := make([][]event, frames)
	for f := range src {
		for range 46 {
			if rng.IntN(5) < 4 {
				src[f] = append(src[f], event{0, rng.Int32N(n), 528})
			} else {
				src[f] = append(src[f], event{1, rng.Int32N(n), -2944})
			}
		}
	}
	in := [][]int32{make([]int32, n), make([]int32, n)}
	fired := make([]int32, 0, n)
	var spikes int
	b.ResetTimer()
	for i := range b.N {
		// Scatter the frame's events as the chip's sparse rows do.
		for _, e := range src[i%frames] {
			in[e.port][e.ni] += e.w
		}
		fired, _ = mp.StepPorts(in, fired[:0])
		spikes += len(fired)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/n, "ns/neuron-update")
	b.ReportMetric(float64(spikes)/float64(b.N), "spikes/step")
}
