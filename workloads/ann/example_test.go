package ann_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/workloads/ann"
)

func ExampleMLP_Forward() {
	m := &ann.MLP{Name: "tiny", Layers: []ann.Dense{
		// W is Out x In row-major: fc1 row o holds the weights into unit o.
		{Name: "fc1", In: 2, Out: 3, W: []float32{1, -1, 0.5, 0.5, -2, 1}, B: []float32{0, 1, 0.5}},
		{Name: "fc2", In: 3, Out: 2, W: []float32{1, 2, 3, -1, 0, 4}, B: []float32{0.25, -1}},
	}}
	if err := m.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	acts := m.NewActs()
	class := m.Forward([]float32{1, 2}, acts)
	fmt.Println("hidden (after ReLU):", acts[0])
	fmt.Println("logits:", acts[1])
	fmt.Println("class:", class, "MACs:", m.MACs())
	// Output:
	// hidden (after ReLU): [0 2.5 0.5]
	// logits: [6.75 1]
	// class: 0 MACs: 12
}
