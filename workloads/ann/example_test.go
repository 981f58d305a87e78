package ann_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/workloads/ann"
)

// A 1x4x4 image through a 2x2 convolution, average pooling and a dense
// layer, with the intermediate shapes.
func ExampleNet_Forward() {
	n := &ann.Net{Name: "toy", Input: ann.Shape{C: 1, H: 4, W: 4}, Layers: []ann.Layer{
		{Kind: ann.KindConv2D, Name: "conv", Out: 1, Kernel: 2, Stride: 2, Groups: 1, W: []float32{1, 1, 1, 1}},
		{Kind: ann.KindReLU},
		{Kind: ann.KindAvgPool2D, Kernel: 2, Stride: 2},
		{Kind: ann.KindFlatten},
		{Kind: ann.KindDense, Name: "fc", Out: 2, W: []float32{1, -1}, B: []float32{0, 3}},
	}}
	shapes, _ := n.Shapes()
	fmt.Println(n.Summary())
	fmt.Println("shapes:", shapes)
	ws, err := n.NewWorkspace(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []float32{
		1, 0, 0, 0,
		0, 1, 0, 0,
		0, 0, 1, 1,
		0, 0, 1, 1,
	}
	class := n.Forward(x, ws)
	fmt.Println("conv:", ws.Acts[0], "pool:", ws.Acts[2], "scores:", ws.Acts[4], "class:", class)
	fmt.Println("MACs:", n.MACs())
	// Output:
	// 1x4x4 conv2d(1,k2,s2) relu avgpool2d(k2) flatten dense(2)
	// shapes: [1x2x2 1x2x2 1 1 2]
	// conv: [2 0 0 4] pool: [1.5] scores: [1.5 1.5] class: 0
	// MACs: 18
}
