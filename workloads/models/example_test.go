package models_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/workloads/models"
)

func ExampleBuiltin() {
	m, err := models.Builtin("mnist-mlp")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range m.Layers {
		fmt.Printf("%s: %d -> %d\n", d.Name, d.In, d.Out)
	}
	fmt.Println("MACs per image:", m.MACs())
	// Output:
	// fc1: 784 -> 512
	// fc2: 512 -> 512
	// fc3: 512 -> 10
	// MACs per image: 668672
}
