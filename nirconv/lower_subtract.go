package nirconv

import (
	"math"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
)

// subtractLoop is one reset-by-subtraction neuron written as FromChip
// writes it (expSubtractNodes): the I node v, the Threshold node t (the
// population's name) and the Scale node reset, with edges v -> t ->
// reset -> v.
type subtractLoop struct {
	v, t, reset string
	theta       int32 // the chip's if-subtract threshold (fires when v >= theta)
}

// findSubtractLoops returns the reset-by-subtraction loops of g, keyed by
// their Threshold node. A loop is recognized only when it computes
// exactly the chip's if-subtract neuron, so that lowering it to one
// population changes nothing (the edge reset -> v closes the cycle and so
// takes one step, as every recurrent edge does here: docs/nir.md):
//
//   - the I node has r = 1 for every element, one successor (the
//     Threshold node), and the Scale node among its predecessors;
//   - the Threshold node's only predecessor is the I node and every
//     element's threshold is θ − 1 for one integer θ in [1, 2^23 − 1]
//     (the chip's if-subtract threshold is one scalar);
//   - the Scale node's only predecessor is the Threshold node, its only
//     successor the I node, and every scale is −θ.
//
// Anything else (a Delay in the loop, which would subtract later) is left
// as the graph has it and lowered node by node.
func findSubtractLoops(g *nir.Graph) map[string]subtractLoop {
	succ := map[string][]string{}
	pred := map[string][]string{}
	for _, e := range g.Edges {
		succ[e.Src] = append(succ[e.Src], e.Dst)
		pred[e.Dst] = append(pred[e.Dst], e.Src)
	}
	byName := map[string]*nir.Node{}
	for _, n := range g.Nodes {
		byName[n.Name] = n
	}
	only := func(xs []string) (string, bool) {
		if len(xs) != 1 {
			return "", false
		}
		return xs[0], true
	}
	loops := map[string]subtractLoop{}
	for _, t := range g.Nodes {
		tp, ok := t.Params.(*nir.ThresholdParams)
		if t.Kind != nir.KindThreshold || !ok {
			continue
		}
		vName, ok := only(pred[t.Name])
		v := byName[vName]
		if !ok || v == nil || v.Kind != nir.KindI {
			continue
		}
		if s, ok := only(succ[v.Name]); !ok || s != t.Name || t.Out == nil || !t.Out.Equal(v.Out) {
			continue
		}
		var reset *nir.Node
		for _, s := range succ[t.Name] {
			n := byName[s]
			if n == nil || n.Kind != nir.KindScale {
				continue
			}
			p, ok1 := only(pred[s])
			d, ok2 := only(succ[s])
			if ok1 && ok2 && p == t.Name && d == v.Name {
				reset = n
				break
			}
		}
		if reset == nil {
			continue
		}
		theta, ok := subtractParams(v, tp, reset)
		if !ok {
			continue
		}
		loops[t.Name] = subtractLoop{v: v.Name, t: t.Name, reset: reset.Name, theta: theta}
	}
	return loops
}

// subtractParams checks the loop's parameters (see findSubtractLoops) and
// returns the chip threshold θ.
func subtractParams(v *nir.Node, tp *nir.ThresholdParams, reset *nir.Node) (int32, bool) {
	ip, ok1 := v.Params.(*nir.IParams)
	sp, ok2 := reset.Params.(*nir.ScaleParams)
	if !ok1 || !ok2 || len(tp.Threshold.Data) == 0 || len(ip.R.Data) == 0 || len(sp.Scale.Data) == 0 {
		return 0, false
	}
	th := tp.Threshold.Data[0] + 1
	if th != math.Trunc(th) || th < 1 || th > neuron.LIFStateMax {
		return 0, false
	}
	for _, x := range tp.Threshold.Data {
		if x+1 != th {
			return 0, false
		}
	}
	for _, r := range ip.R.Data {
		if r != 1 {
			return 0, false
		}
	}
	for _, s := range sp.Scale.Data {
		if s != -th {
			return 0, false
		}
	}
	return int32(th), true
}

// withoutLoops returns g with each recognized loop folded into its
// Threshold node: the I and Scale nodes and the loop's edges removed, and every edge into the I node redirected to the Threshold
// node. The nodes and edges keep their order.
func withoutLoops(g *nir.Graph, loops map[string]subtractLoop) *nir.Graph {
	if len(loops) == 0 {
		return g
	}
	drop := map[string]bool{}
	into := map[string]string{} // I node -> Threshold node
	for _, l := range loops {
		drop[l.v], drop[l.reset] = true, true
		into[l.v] = l.t
	}
	out := &nir.Graph{Notes: g.Notes}
	for _, n := range g.Nodes {
		if !drop[n.Name] {
			out.Nodes = append(out.Nodes, n)
		}
	}
	for _, e := range g.Edges {
		if t, ok := into[e.Dst]; ok && !drop[e.Src] {
			out.Edges = append(out.Edges, nir.Edge{Src: e.Src, Dst: t})
			continue
		}
		if !drop[e.Src] && !drop[e.Dst] {
			out.Edges = append(out.Edges, e)
		}
	}
	return out
}

// subtractPopulation adds the chip if-subtract population of a recognized
// loop, named after its Threshold node n: threshold θ, no bias of its own
// (FromChip puts the bias on the incoming Affine or Conv bias), state
// units as the file's (scale 1, input gain 1, so integer weights stay
// exact). In the float reference the loop runs as the graph has it.
func (lw *lowerer) subtractPopulation(n *nir.Node, loop subtractLoop) {
	size := n.Out.Size()
	gain := make([]float64, size)
	for i := range gain {
		gain[i] = 1
	}
	lw.pop[n.Name] = len(lw.net.Layers)
	lw.net.Layers = append(lw.net.Layers, chip.Layer{Name: n.Name, Size: size,
		Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: loop.theta}, Shape: chipShape(n.Out)})
	lw.quant = append(lw.quant, neuron.Quantized{Scale: 1, InputGain: gain})
	lw.fps = append(lw.fps, neuron.FloatParams{})
	lw.bias = append(lw.bias, nil)
	lw.out.Populations = append(lw.out.Populations, Population{Node: n.Name, Kind: n.Kind, Fires: true, Scale: 1,
		Folded: []string{loop.v, loop.reset}})
}
