package mackeyglass_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
)

// NeuroBench's sMAPE of two predictions: |1 − 1|/(1 + 1) = 0 and
// |2 − 4|/(2 + 4) = 1/3, mean 1/6, times 200.
func ExampleSMAPE() {
	s, err := mackeyglass.SMAPE([]float64{1, 2}, []float64{1, 4})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3f %%\n", s)
	// Output: 33.333 %
}

// The series of NeuroBench's task: 1 501 points, 750 train and 750 test
// steps, starting at the constant history.
func ExampleTask_Generate() {
	task := mackeyglass.NeuroBench()
	xs, err := task.Generate()
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d points, spacing %.6f, x0 %.7f, x1 %.5f\n", len(xs), task.Spacing(), xs[0], xs[1])
	fmt.Println(task.TrainPoints(), "train and", task.TestPoints(), "test steps")
	// Output:
	// 1501 points, spacing 2.628418, x0 0.7206597, x1 0.87510
	// 750 train and 750 test steps
}

// The committed regressor as the NIR graph graphrun runs.
func ExampleModel_Graph() {
	m, err := mackeyglass.Builtin()
	if err != nil {
		panic(err)
	}
	g, err := m.Graph()
	if err != nil {
		panic(err)
	}
	for _, n := range g.Nodes {
		fmt.Println(n.Name, n.Kind, n.In, "→", n.Out)
	}
	// Output:
	// input Input 1 → 1
	// output Output 1 → 1
	// readout LI 1 → 1
	// reservoir LIF 100 → 100
	// w_in Affine 1 → 100
	// w_out Affine 100 → 1
	// w_rec Linear 100 → 100
}
