package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/nirconv"
)

func newInspectCmd() *cobra.Command {
	var (
		chipName string
		dt       float64
	)
	cmd := &cobra.Command{
		Use:   "inspect FILE.nir",
		Short: "Print a NIR graph: nodes, edges, shapes, parameters, and how it maps onto the chip",
		Long: `inspect reads a NIR file and prints its nodes (type, input and output shape,
min/mean/max of every parameter array), its edges, and how spikemesh lowers
it onto the chip (--chip sets the weight bits, --dt the time step): which
node became which population or projection, the neuron and synapse counts,
or, when the graph cannot run on the chip, every reason why.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !(dt > 0) {
				return fmt.Errorf("--dt %g: must be > 0", dt)
			}
			cfg, err := chip.Resolve(chipName)
			if err != nil {
				return err
			}
			g, err := readGraph(args[0])
			if err != nil {
				return err
			}
			w := bufio.NewWriter(os.Stdout)
			inspect(w, args[0], g, cfg, chipName, dt)
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&chipName, "chip", "loihi", "chip preset name or YAML file whose weight bits the lowering uses")
	cmd.Flags().Float64Var(&dt, "dt", nirconv.DefaultDT, "time step in seconds (NIR stores none)")
	return cmd
}

// inspect writes the report of one graph.
func inspect(w io.Writer, file string, g *nir.Graph, cfg chip.Config, chipName string, dt float64) {
	version := g.Version
	if version == "" {
		version = "not stated"
	}
	fmt.Fprintf(w, "file      %s (NIR version %s)\n", file, version)
	for _, n := range g.Notes {
		fmt.Fprintf(w, "note      %s\n", n)
	}
	fmt.Fprintf(w, "\nnodes\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  name\ttype\tinput\toutput\tparameters (min / mean / max)\n")
	var walk func(g *nir.Graph, prefix string)
	walk = func(g *nir.Graph, prefix string) {
		for _, n := range g.Nodes {
			fmt.Fprintf(tw, "  %s%s\t%s\t%s\t%s\t%s\n", prefix, n.Name, n.Kind, n.In, n.Out, paramSummary(n.Params))
			if p, ok := n.Params.(*nir.GraphParams); ok {
				walk(p.Graph, prefix+n.Name+".")
			}
		}
	}
	walk(g, "")
	tw.Flush()
	flat, err := g.Inline()
	if err != nil {
		fmt.Fprintf(w, "\nunsupported: %v\n", err)
		return
	}
	fmt.Fprintf(w, "\nedges (nested graphs inlined)\n")
	for _, e := range flat.Edges {
		fmt.Fprintf(w, "  %s -> %s\n", e.Src, e.Dst)
	}
	lw, err := nirconv.Lower(g, nirconv.LowerOptions{DT: dt, WeightBits: cfg.WeightBits})
	if err != nil {
		fmt.Fprintf(w, "\nunsupported on the chip (%s, %d-bit weights, dt %g s):\n", chipName, cfg.WeightBits, dt)
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
		return
	}
	net := lw.Net
	synapses := lw.Synapses()
	fmt.Fprintf(w, "\nchip mapping (%s, %d-bit weights, dt %g s): %d neurons in %d populations, %d synapses in %d projections\n",
		chipName, cfg.WeightBits, dt, net.Neurons(), len(net.Layers), synapses, len(net.Projections))
	for gi, ig := range net.InputGroups {
		fmt.Fprintf(w, "  input group %d  <- %s (%d channels)\n", gi, lw.Inputs[gi], ig.Size)
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  population\t<- node\tchip model\tneurons\tthreshold\tscale\tlatency\n")
	for l, ly := range net.Layers {
		p := lw.Populations[l]
		fmt.Fprintf(tw, "  %d\t%s (%s)\t%s\t%d\t%d\t2^%d\t%d\n", l, p.Node, p.Kind, ly.Neuron.Kind, ly.Size, ly.Neuron.Threshold, exp2(p.Scale), lw.Latency[l])
	}
	tw.Flush()
	for l, p := range lw.Populations {
		if p.Folded != nil {
			fmt.Fprintf(w, "  population %d also holds %s (a reset-by-subtraction loop: %s)\n", l, strings.Join(p.Folded, ", "), net.Layers[l].Neuron.Kind)
		}
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  projection\tkind\tsynapses\tdelay\tweight exp\t<- nodes\n")
	for i, p := range net.Projections {
		in := net.SourceSize(p.From)
		fmt.Fprintf(tw, "  %d\t%s\t%d\t%d\t%d\t%s\n", i, p.Kind, p.Connections(in, net.Layers[p.To].Size), p.Delay, p.WeightExp, strings.Join(lw.Paths[i], " -> "))
	}
	tw.Flush()
	for k, l := range net.Outputs {
		fmt.Fprintf(w, "  output %s <- population %d (%s)\n", lw.Outputs[k], l, net.Layers[l].Name)
	}
}

// exp2 returns log2 of a power of two.
func exp2(x float64) int {
	e := 0
	for ; x >= 2; x /= 2 {
		e++
	}
	return e
}

// paramSummary lists a node's parameter arrays as "name shape min/mean/max".
func paramSummary(p nir.Params) string {
	type arr struct {
		name string
		t    nir.Tensor
	}
	var as []arr
	var extra string
	switch p := p.(type) {
	case *nir.IOParams:
		extra = "shape " + p.Shape.String()
	case *nir.AffineParams:
		as = []arr{{"weight", p.Weight}, {"bias", p.Bias}}
	case *nir.LinearParams:
		as = []arr{{"weight", p.Weight}}
	case *nir.ScaleParams:
		as = []arr{{"scale", p.Scale}}
	case *nir.ConvParams:
		as = []arr{{"weight", p.Weight}, {"bias", p.Bias}}
		extra = fmt.Sprintf("stride %v dilation %v padding %v (%s) groups %d", p.Stride, p.Dilation, p.Padding, p.PadMode, p.Groups)
	case *nir.PoolParams:
		extra = fmt.Sprintf("kernel %v stride %v padding %v", p.Kernel, p.Stride, p.Padding)
	case *nir.FlattenParams:
		extra = fmt.Sprintf("start_dim %d end_dim %d", p.StartDim, p.EndDim)
	case *nir.DelayParams:
		as = []arr{{"delay", p.Delay}}
	case *nir.ThresholdParams:
		as = []arr{{"threshold", p.Threshold}}
	case *nir.LIFParams:
		as = []arr{{"tau", p.Tau}, {"r", p.R}, {"v_leak", p.VLeak}, {"v_threshold", p.VThreshold}, {"v_reset", p.VReset}}
	case *nir.CubaLIFParams:
		as = []arr{{"tau_syn", p.TauSyn}, {"tau_mem", p.TauMem}, {"r", p.R}, {"v_leak", p.VLeak}, {"v_threshold", p.VThreshold}, {"v_reset", p.VReset}, {"w_in", p.WIn}}
	case *nir.CubaLIParams:
		as = []arr{{"tau_syn", p.TauSyn}, {"tau_mem", p.TauMem}, {"r", p.R}, {"v_leak", p.VLeak}, {"w_in", p.WIn}}
	case *nir.LIParams:
		as = []arr{{"tau", p.Tau}, {"r", p.R}, {"v_leak", p.VLeak}}
	case *nir.IFParams:
		as = []arr{{"r", p.R}, {"v_threshold", p.VThreshold}, {"v_reset", p.VReset}}
	case *nir.IParams:
		as = []arr{{"r", p.R}}
	case *nir.GraphParams:
		extra = fmt.Sprintf("nested graph of %d nodes", len(p.Graph.Nodes))
	}
	parts := []string{}
	if extra != "" {
		parts = append(parts, extra)
	}
	for _, a := range as {
		if len(a.t.Data) == 0 {
			continue
		}
		lo, hi, sum := a.t.Data[0], a.t.Data[0], 0.0
		for _, x := range a.t.Data {
			lo, hi, sum = min(lo, x), max(hi, x), sum+x
		}
		parts = append(parts, fmt.Sprintf("%s %s %.4g/%.4g/%.4g", a.name, a.t.Shape, lo, sum/float64(len(a.t.Data)), hi))
	}
	return strings.Join(parts, "; ")
}
