package neuron_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/neuron"
)

// Three IF neurons with reset by subtraction and threshold 10. Neuron 0 gets
// 4 per step, neuron 1 gets 25 once (its surplus makes it fire again the
// next step, one spike per step), neuron 2 gets nothing and stays idle.
func Example() {
	m, err := neuron.New(neuron.Params{Kind: neuron.IFSubtract, Threshold: 10}, 3, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	in := make([]int32, m.Len())
	fired := make([]int32, 0, m.Len())
	for t := 1; t <= 5; t++ {
		in[0] = 4
		if t == 1 {
			in[1] = 25
		}
		var active int
		fired, active = m.Step(in, fired[:0]) // Step zeroes in
		fmt.Printf("t=%d fired=%v active=%d v=%v\n", t, fired, active, m.V())
	}
	// Output:
	// t=1 fired=[1] active=2 v=[4 15 0]
	// t=2 fired=[1] active=2 v=[8 5 0]
	// t=3 fired=[0] active=1 v=[2 5 0]
	// t=4 fired=[] active=1 v=[6 5 0]
	// t=5 fired=[0] active=1 v=[0 5 0]
}

// Parameters decode from YAML/JSON model names; an unknown name is an error
// that lists the valid ones.
func ExampleKind_UnmarshalText() {
	var k neuron.Kind
	fmt.Println(k.UnmarshalText([]byte("lif")), k)
	fmt.Println(k.UnmarshalText([]byte("izhikevich")))
	// Output:
	// <nil> lif
	// neuron: unknown model "izhikevich"; valid: if-subtract, if-zero, lif, bif, li, lif-2syn, sanafe-lif
}

// Validate reports every problem at once.
func ExampleParams_Validate() {
	p := neuron.Params{Kind: neuron.LIF, Threshold: 0, DecayU: 5000}
	fmt.Println(p.Validate())
	// Output:
	// neuron: threshold (0) must be >= 1
	// neuron: decay_u (5000) must be <= 4096
}

// Mapping lif_norse.nir's LIF (tau 2.5 ms, threshold 0.1) to the chip at
// dt = 0.1 ms, then quantizing its input weight (1.0) to 8 bits.
func ExampleQuantize() {
	p := neuron.FloatParams{Kind: neuron.FloatLIF, Tau: []float64{2.5e-3}, R: []float64{1},
		VLeak: []float64{0}, VThreshold: []float64{0.1}}
	q, err := neuron.Quantize(p, 1, neuron.QuantizeOptions{DT: 1e-4})
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := neuron.QuantizeWeights([]float64{1.0 * q.InputGain[0]}, 8)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("kind=%s threshold=%d decay_u=%d decay_v=%d scale=%g\n", q.Params.Kind, q.Params.Threshold, q.Params.DecayU, q.Params.DecayV, q.Scale)
	fmt.Printf("weight=%d*2^%d=%d state units (float %.1f)\n", w.Mant[0], w.Exp, w.Value(0), q.InputGain[0])
	// Output:
	// kind=lif threshold=838861 decay_u=4096 decay_v=164 scale=8.388608e+06
	// weight=82*2^12=335872 state units (float 335872.0)
}

// One CubaLIF neuron in float64 (snnTorch's export convention: r =
// tau_mem/dt, w_in = tau_syn/dt, so I ← 0.5·I + x and v ← 0.75·v + I).
// At t=1 v = 0.75 + 1.5 = 2.25 > 2: a spike, and V shows the reset value 0;
// at t=3 v = 0.75·1.75 + 1.875 = 3.1875 fires again.
func ExampleFloatState() {
	dt := 1e-4
	p := neuron.FloatParams{Kind: neuron.FloatCubaLIF, TauSyn: []float64{2 * dt}, TauMem: []float64{4 * dt},
		R: []float64{4}, WIn: []float64{2}, VLeak: []float64{0}, VThreshold: []float64{2}}
	s, err := neuron.NewFloat(p, 1, neuron.FloatOptions{DT: dt})
	if err != nil {
		fmt.Println(err)
		return
	}
	in := []float64{0}
	for t := range 4 {
		in[0] = 1
		fired := s.Step(in, nil)
		fmt.Printf("t=%d I=%.3f v=%.4f fired=%v\n", t, s.I()[0], s.V()[0], fired)
	}
	// Output:
	// t=0 I=1.000 v=1.0000 fired=[]
	// t=1 I=1.500 v=0.0000 fired=[0]
	// t=2 I=1.750 v=1.7500 fired=[]
	// t=3 I=1.875 v=0.0000 fired=[0]
}
