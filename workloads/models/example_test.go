package models_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/workloads/models"
)

// The built-in MLP is a Net like the others: dense layers with ReLU
// between them.
func ExampleLoad_mlp() {
	n, err := models.Load("mnist-mlp")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n.Summary())
	fmt.Println("MACs per image:", n.MACs())
	// Output:
	// 784 dense(512) relu dense(512) relu dense(10)
	// MACs per image: 668672
}

func ExampleLoad() {
	n, err := models.Load("mnist-cnn")
	if err != nil {
		fmt.Println(err)
		return
	}
	shapes, _ := n.Shapes()
	for l, ly := range n.Layers {
		fmt.Printf("%-9s %-6s -> %s\n", ly.Kind, ly.Name, shapes[l])
	}
	fmt.Println("MACs per image:", n.MACs())
	// Output:
	// conv2d    conv1  -> 16x24x24
	// relu             -> 16x24x24
	// avgpool2d pool1  -> 16x12x12
	// conv2d    conv2  -> 32x8x8
	// relu             -> 32x8x8
	// avgpool2d pool2  -> 32x4x4
	// flatten          -> 512
	// dense     fc1    -> 128
	// relu             -> 128
	// dense     fc2    -> 10
	// MACs per image: 1116416
}
