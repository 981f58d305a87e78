package rsnn_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/workloads/rsnn"
)

// A network exports as a NIR graph whose recurrent loop lif → fc_rec → lif
// carries the previous step's spikes.
func ExampleToNIR() {
	net, err := rsnn.NewNet(rsnn.DefaultShape(), 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	g, err := rsnn.ToNIR(net)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range g.Nodes {
		fmt.Println(n.Name, n.Kind)
	}
	for _, e := range g.Edges {
		fmt.Printf("%s -> %s\n", e.Src, e.Dst)
	}
	// Output:
	// fc_in Linear
	// fc_out Linear
	// fc_rec Linear
	// input Input
	// li LI
	// lif LIF
	// output Output
	// input -> fc_in
	// fc_in -> lif
	// lif -> fc_out
	// fc_out -> li
	// li -> output
	// lif -> fc_rec
	// fc_rec -> lif
}
