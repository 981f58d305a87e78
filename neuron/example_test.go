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
	// neuron: unknown model "izhikevich"; valid: if-subtract, if-zero, lif, bif, li, lif-2syn
}

// Validate reports every problem at once.
func ExampleParams_Validate() {
	p := neuron.Params{Kind: neuron.LIF, Threshold: 0, DecayU: 5000}
	fmt.Println(p.Validate())
	// Output:
	// neuron: threshold (0) must be >= 1
	// neuron: decay_u (5000) must be <= 4096
}
