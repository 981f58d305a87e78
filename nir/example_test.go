package nir_test

import (
	"fmt"
	"os"

	"github.com/spikemesh/spikemesh/nir"
)

// Read a network exported by Norse and list its nodes and edges.
func ExampleRead() {
	g, err := nir.Read("testdata/lif_norse.nir", nir.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("NIR version", g.Version)
	if err := g.Summary(os.Stdout); err != nil {
		fmt.Println(err)
	}
	lif := g.Node("1").Params.(*nir.LIFParams)
	fmt.Printf("tau %.4g s, v_threshold %.3g, v_reset given: %v\n", lif.Tau.Data[0], lif.VThreshold.Data[0], !lif.VResetMissing)
	// Output:
	// NIR version 0.1.1
	// 0 Affine 1 -> 1
	// 1 LIF 1 -> 1
	// input Input 1 -> 1
	// output Output 1 -> 1
	// edge input -> 0
	// edge 0 -> 1
	// edge 1 -> output
	// tau 0.0025 s, v_threshold 0.1, v_reset given: false
}

// Inline a nested graph: the Braille network with its recurrent layer as a
// NIRGraph becomes one level, the layer's nodes prefixed with "lif1.".
func ExampleGraph_Inline() {
	g, err := nir.Read("testdata/braille_noDelay_bias_zero_subgraph.nir", nir.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	flat, err := g.Inline()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range flat.Nodes {
		fmt.Println(n.Name, n.Kind, n.In, "->", n.Out)
	}
	fmt.Println(len(flat.Edges), "edges")
	// Output:
	// fc1 Affine 12 -> 38
	// fc2 Affine 38 -> 7
	// input Input 12 -> 12
	// lif1.lif1 CubaLIF 38 -> 38
	// lif1.lin Affine 38 -> 38
	// lif2 CubaLIF 7 -> 7
	// output Output 7 -> 7
	// 7 edges
}

// Write a graph built in Go (Input → Linear → LIF → Output, float32
// parameters as frameworks export them) and read it back.
func ExampleWrite() {
	f32 := func(shape nir.Shape, v ...float64) nir.Tensor {
		return nir.Tensor{Shape: shape, Data: v, DType: nir.Float32}
	}
	g := &nir.Graph{
		Nodes: []*nir.Node{
			{Name: "in", Kind: nir.KindInput, Params: &nir.IOParams{Shape: nir.Shape{2}}},
			{Name: "lif", Kind: nir.KindLIF, Params: &nir.LIFParams{
				Tau: f32(nir.Shape{1}, 0.015625), R: f32(nir.Shape{1}, 1), VLeak: f32(nir.Shape{1}, 0),
				VThreshold: f32(nir.Shape{1}, 1), VReset: f32(nir.Shape{1}, 0)}},
			{Name: "lin", Kind: nir.KindLinear, Params: &nir.LinearParams{Weight: f32(nir.Shape{1, 2}, 0.5, -0.25)}},
			{Name: "out", Kind: nir.KindOutput, Params: &nir.IOParams{Shape: nir.Shape{1}}},
		},
		Edges: []nir.Edge{{Src: "in", Dst: "lin"}, {Src: "lin", Dst: "lif"}, {Src: "lif", Dst: "out"}},
	}
	dir, err := os.MkdirTemp("", "nir-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := dir + "/net.nir"
	if err := nir.Write(path, g); err != nil {
		fmt.Println(err)
		return
	}
	back, err := nir.Read(path, nir.Options{Strict: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("NIR version", back.Version)
	if err := back.Summary(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// NIR version 1.0.7
	// in Input 2 -> 2
	// lif LIF 1 -> 1
	// lin Linear 2 -> 1
	// out Output 1 -> 1
	// edge in -> lin
	// edge lin -> lif
	// edge lif -> out
}
