package neuron

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestCuba2Kernel steps pairs of identical LIF2Syn populations, one with
// the vector kernel (where the machine has one) and one with the scalar
// loop only, through random states and inputs that reach every branch:
// idle neurons (all-zero state, no bias, no input), refractory ones,
// spikes, negative currents and potentials, the clamp at ±LIFStateMax,
// the 24-bit wrap of the currents, and population sizes that are not a
// multiple of the kernel's 8 lanes. State, spikes, active counts and the
// cleared input buffers must agree after every step.
func TestCuba2Kernel(t *testing.T) {
	tested := false
	for _, k := range []cuba2Kernel{kernelAVX2, kernelAVX512} {
		if kernels(k) != k {
			continue // not on this machine
		}
		tested = true
		testCuba2Kernel(t, k)
	}
	if !tested {
		t.Skip("no vector kernel on this machine")
	}
}

func testCuba2Kernel(t *testing.T, k cuba2Kernel) {
	rng := rand.New(rand.NewPCG(11, 12))
	params := []Params{
		{Kind: LIF2Syn, Threshold: 671089, DecayU: 81, DecayU2: 41, DecayV: 20, Refractory: 49},
		{Kind: LIF2Syn, Threshold: 1, DecayU: 0, DecayU2: 4096, DecayV: 4096, Refractory: 0},
		{Kind: LIF2Syn, Threshold: LIFStateMax - 1, DecayU: 4095, DecayU2: 1, DecayV: 0, Refractory: 65535, Reset: -LIFStateMax},
		{Kind: LIF2Syn, Threshold: 300, DecayU: 700, DecayU2: 2000, DecayV: 3000, Refractory: 2, Reset: 123},
	}
	for pi, p := range params {
		for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 24, 64, 203} {
			bias := make([]int32, n)
			for ni := range bias {
				switch rng.IntN(3) {
				case 0: // no bias: such neurons can be idle
				case 1:
					bias[ni] = rng.Int32N(2001) - 1000
				default:
					bias[ni] = rng.Int32N(2*LIFStateMax+1) - LIFStateMax
				}
			}
			mv, err := New(p, n, bias)
			if err != nil {
				t.Fatal(err)
			}
			ms, _ := New(p, n, bias)
			vec, sca := mv.(*Cuba2State), ms.(*Cuba2State)
			vec.kernel, sca.kernel = k, kernelScalar
			// Random start states, the same in both (half of them zero).
			for ni := range n {
				if rng.IntN(2) == 0 {
					continue
				}
				vec.u1[ni] = rng.Int32N(1<<24) - 1<<23
				vec.u2[ni] = rng.Int32N(1<<24) - 1<<23
				vec.v[ni] = rng.Int32N(2*LIFStateMax+1) - LIFStateMax
				vec.ref[ni] = uint16(rng.IntN(3) * rng.IntN(1<<16))
			}
			copy(sca.u1, vec.u1)
			copy(sca.u2, vec.u2)
			copy(sca.v, vec.v)
			copy(sca.ref, vec.ref)
			inV := [][]int32{make([]int32, n), make([]int32, n)}
			inS := [][]int32{make([]int32, n), make([]int32, n)}
			var fv, fs []int32
			for step := range 300 {
				for port := range 2 {
					for ni := range n {
						var x int32
						switch rng.IntN(8) {
						case 0:
							x = rng.Int32() - rng.Int32() // the whole int32 range
						case 1, 2:
							x = rng.Int32N(20001) - 10000
						}
						inV[port][ni], inS[port][ni] = x, x
					}
				}
				var av, as int
				fv, av = vec.StepPorts(inV, fv[:0])
				fs, as = sca.StepPorts(inS, fs[:0])
				if !slices.Equal(fv, fs) || av != as || !slices.Equal(vec.u1, sca.u1) || !slices.Equal(vec.u2, sca.u2) ||
					!slices.Equal(vec.v, sca.v) || !slices.Equal(vec.ref, sca.ref) {
					t.Fatalf("kernel %d, params %d, n %d, step %d: vector fired %v active %d; scalar fired %v active %d", k, pi, n, step, fv, av, fs, as)
				}
				for port := range 2 {
					if slices.ContainsFunc(inV[port], func(x int32) bool { return x != 0 }) {
						t.Fatalf("kernel %d, params %d, n %d, step %d: port %d input not cleared", k, pi, n, step, port)
					}
				}
			}
		}
	}
}
