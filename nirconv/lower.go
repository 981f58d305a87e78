package nirconv

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/snnref"
)

// DefaultDT is the time step used when LowerOptions.DT is 0: 1e-4 s, the
// dt snnTorch, Lava and SpiNNaker2 export NIR files with (NIR itself
// stores no time step; docs/nir.md, "Time step").
const DefaultDT = 1e-4

// LowerOptions control Lower.
type LowerOptions struct {
	DT         float64 // time step, s; 0 = DefaultDT
	WeightBits int     // the chip's signed weight width, 2..8 (chip.Config.WeightBits)
	// InputScale[g], if > 0, makes input group g (the g-th Input node in
	// name order) graded: a host event of magnitude m (0..255) stands for
	// the float input m·InputScale[g]. Missing or 0: binary spike input.
	InputScale []float64
}

// Population describes chip population l (Lowered.Net.Layers[l]).
type Population struct {
	Node  string   // the NIR node it comes from (inlined name)
	Kind  nir.Kind // its NIR type
	Fires bool     // false for LI, CubaLI and I (read out through v)
	// Scale is the state units per float voltage unit (neuron.Quantized).
	Scale float64
	// Folded lists the other NIR nodes lowered into this population: the
	// I and Scale nodes of a reset-by-subtraction loop (findSubtractLoops);
	// nil otherwise.
	Folded []string
}

// Lowered is a NIR graph mapped to the chip's general network.
type Lowered struct {
	Net  *chip.Network
	DT   float64
	Flat *nir.Graph // the inlined graph the network was built from
	// Inputs[g] is the NIR Input node of input group g.
	Inputs []string
	// Populations[l] describes Net.Layers[l].
	Populations []Population
	// Paths[i] lists the NIR nodes chip projection Net.Projections[i] was
	// composed from: source, connectivity nodes, target.
	Paths [][]string
	// Outputs[k] is the NIR Output node read out through population
	// Net.Outputs[k].
	Outputs []string
	// Latency[l] is the fewest timesteps between a host input frame and
	// population l integrating it (1 + delay per projection on the way;
	// -1 when no input reaches l). The chip lags the float reference,
	// which evaluates feed-forward edges within a step, by this much.
	Latency []int
}

// OutputLatency is the largest Latency over the output populations.
func (lw *Lowered) OutputLatency() int {
	m := 0
	for _, l := range lw.Net.Outputs {
		m = max(m, lw.Latency[l])
	}
	return m
}

// isPopulation reports whether nodes of kind k become chip populations.
func isPopulation(k nir.Kind) bool { return k.IsNeuron() || k == nir.KindThreshold }

// lowerer holds the state of one Lower call.
type lowerer struct {
	opt   LowerOptions
	g     *nir.Graph              // the inlined graph with loops folded (withoutLoops)
	loops map[string]subtractLoop // by Threshold node
	succ  map[string][]string
	pop   map[string]int // node name -> population index
	group map[string]int // Input node name -> group index
	quant []neuron.Quantized
	fps   []neuron.FloatParams
	bias  [][]float64 // per population, summed constant input (float x units)
	// scales fixes population scales (by node name); shrink collects the
	// extra halvings projections into a population need.
	scales map[string]float64
	shrink map[string]int
	net    *chip.Network
	out    *Lowered
}

// Lower maps a NIR graph (as nir.Read returns it) onto the chip's general
// network: nested graphs are inlined; every neuron or Threshold node
// becomes a population (neuron.Quantize); every chain of connectivity
// nodes (Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d, AvgPool2d,
// Flatten, Delay) between a source (Input or neuron node) and a neuron
// node becomes chip projections (see path.go); Input nodes become input
// groups and Output nodes name the read-out populations. Errors name the
// node and field, one line each.
func Lower(g *nir.Graph, opt LowerOptions) (*Lowered, error) {
	if opt.DT == 0 {
		opt.DT = DefaultDT
	}
	if !(opt.DT > 0) || math.IsInf(opt.DT, 0) {
		return nil, fmt.Errorf("nirconv: dt (%g s) must be finite and > 0", opt.DT)
	}
	if opt.WeightBits < 2 || opt.WeightBits > 8 {
		return nil, fmt.Errorf("nirconv: weight_bits (%d) must be in [2, 8]", opt.WeightBits)
	}
	flat, err := g.Inline()
	if err != nil {
		return nil, fmt.Errorf("nirconv: %w", err)
	}
	// A population's voltage scale starts at neuron.Quantize's default; a
	// projection whose weights would need a larger exponent than the chip
	// has halves its target's scale (threshold, reset, gains) as often as
	// needed and the graph is lowered again (at most once per population
	// in practice; each pass only lowers scales).
	loops := findSubtractLoops(flat)
	scales := map[string]float64{}
	for range 8 {
		lw, err := lowerOnce(flat, loops, opt, scales)
		if err != nil {
			return nil, err
		}
		if len(lw.shrink) == 0 {
			return lw.out, nil
		}
		for name, k := range lw.shrink {
			scales[name] = lw.out.Populations[lw.pop[name]].Scale / math.Exp2(float64(k))
		}
	}
	return nil, errors.New("nirconv: weight scales did not settle after 8 passes")
}

// lowerOnce is one pass of Lower with the given population scales (node
// name -> state units per float voltage unit; missing = Quantize's
// default). loops are the reset-by-subtraction loops to lower as one
// population each (findSubtractLoops). lw.shrink lists populations whose
// scale must shrink.
func lowerOnce(flat *nir.Graph, loops map[string]subtractLoop, opt LowerOptions, scales map[string]float64) (*lowerer, error) {
	lw := &lowerer{opt: opt, g: withoutLoops(flat, loops), loops: loops, succ: map[string][]string{}, pop: map[string]int{}, group: map[string]int{},
		scales: scales, shrink: map[string]int{},
		net: &chip.Network{Name: "nir", InputGroups: []chip.InputGroup{}},
		out: &Lowered{DT: opt.DT, Flat: flat}}
	for _, e := range lw.g.Edges {
		if lw.g.Node(e.Src) == nil || lw.g.Node(e.Dst) == nil {
			return nil, fmt.Errorf("nirconv: edge %s -> %s names a node the graph does not have", e.Src, e.Dst)
		}
		lw.succ[e.Src] = append(lw.succ[e.Src], e.Dst)
	}
	if err := lw.nodes(); err != nil {
		return nil, err
	}
	if err := lw.edges(); err != nil {
		return nil, err
	}
	if len(lw.shrink) > 0 {
		return lw, nil
	}
	if err := lw.biases(); err != nil {
		return nil, err
	}
	lw.out.Net = lw.net
	lw.out.Latency = latency(lw.net)
	if err := lw.net.Validate(opt.WeightBits); err != nil {
		return nil, fmt.Errorf("nirconv: the lowered network is invalid: %w", err)
	}
	if err := lw.reach(); err != nil {
		return nil, err
	}
	return lw, nil
}

// nodes creates the input groups (Input nodes in name order) and the
// populations (neuron nodes in breadth-first order from the inputs, then
// any others in name order).
func (lw *lowerer) nodes() error {
	var order []*nir.Node
	seen := map[string]bool{}
	var queue []string
	for _, n := range lw.g.Nodes {
		switch {
		case n.Kind == nir.KindInput:
			lw.group[n.Name] = len(lw.net.InputGroups)
			gi := len(lw.net.InputGroups)
			ig := chip.InputGroup{Name: n.Name, Size: n.Out.Size(), Shape: chipShape(n.Out)}
			if gi < len(lw.opt.InputScale) && lw.opt.InputScale[gi] > 0 {
				ig.Graded = true
			}
			lw.net.InputGroups = append(lw.net.InputGroups, ig)
			lw.out.Inputs = append(lw.out.Inputs, n.Name)
			queue = append(queue, n.Name)
			seen[n.Name] = true
		case n.Kind == nir.KindGraph:
			return fmt.Errorf("nirconv: node %s: nested graph left after inlining", n.Name)
		case n.Kind == nir.KindInvalid || !n.Kind.IsNeuron() && !isKnownConnectivity(n.Kind) && n.Kind != nir.KindOutput && n.Kind != nir.KindThreshold:
			return fmt.Errorf("nirconv: node %s: type %s is not supported on the chip", n.Name, n.Kind)
		}
	}
	if len(lw.net.InputGroups) == 0 {
		return errors.New("nirconv: the graph has no Input node: no path from input to output")
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if n := lw.g.Node(name); isPopulation(n.Kind) {
			order = append(order, n)
		}
		for _, s := range lw.succ[name] {
			if !seen[s] {
				seen[s] = true
				queue = append(queue, s)
			}
		}
	}
	for _, n := range lw.g.Nodes {
		if isPopulation(n.Kind) && !seen[n.Name] {
			order = append(order, n)
		}
	}
	var errs []error
	for _, n := range order {
		if err := lw.population(n); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// population quantizes one neuron node into a chip population.
func (lw *lowerer) population(n *nir.Node) error {
	if loop, ok := lw.loops[n.Name]; ok {
		lw.subtractPopulation(n, loop)
		return nil
	}
	fp, ok := snnref.NeuronParams(n.Params)
	if !ok {
		return fmt.Errorf("nirconv: node %s: type %s has no neuron parameters", n.Name, n.Kind)
	}
	size := n.Out.Size()
	if n.Out == nil || size < 1 {
		return fmt.Errorf("nirconv: node %s (%s): field shape: unknown; give the node's parameters as arrays or the Input a shape", n.Name, n.Kind)
	}
	q, err := neuron.Quantize(fp, size, neuron.QuantizeOptions{DT: lw.opt.DT, Scale: lw.scales[n.Name]})
	if err != nil {
		return nodeErrors(n.Name, err)
	}
	snapGains(q.InputGain)
	lw.pop[n.Name] = len(lw.net.Layers)
	lw.net.Layers = append(lw.net.Layers, chip.Layer{Name: n.Name, Size: size, Neuron: q.Params, Bias: q.Bias,
		Vectors: q.Vectors, Shape: chipShape(n.Out)})
	lw.quant = append(lw.quant, q)
	lw.fps = append(lw.fps, fp)
	lw.bias = append(lw.bias, nil)
	lw.out.Populations = append(lw.out.Populations, Population{Node: n.Name, Kind: n.Kind, Fires: fp.Kind.Fires(), Scale: q.Scale})
	return nil
}

// edges walks from every source (input groups, then populations) through
// the connectivity nodes to the next neuron or Output nodes and builds
// the projections and the outputs.
func (lw *lowerer) edges() error {
	var errs []error
	outputs := map[string]int{}
	walkFrom := func(src string, from chip.Source) {
		var walk func(at string, chain []*nir.Node)
		walk = func(at string, chain []*nir.Node) {
			for _, s := range lw.succ[at] {
				n := lw.g.Node(s)
				switch {
				case isPopulation(n.Kind):
					if err := lw.project(src, from, chain, n); err != nil && !errors.Is(err, errShrink) {
						errs = append(errs, err)
					}
				case n.Kind == nir.KindOutput:
					if from.Kind != chip.FromPopulation || weighted(chain) {
						errs = append(errs, fmt.Errorf("nirconv: node %s (Output): fed by %s through %s; the chip reads out neuron populations only, so an Output must follow a neuron node directly", n.Name, src, names(chain)))
						continue
					}
					if _, dup := outputs[n.Name]; dup {
						errs = append(errs, fmt.Errorf("nirconv: node %s (Output): fed by more than one neuron node", n.Name))
						continue
					}
					outputs[n.Name] = from.Index
				case n.Kind == nir.KindInput:
					errs = append(errs, fmt.Errorf("nirconv: node %s (Input): edge from %s into an Input node", n.Name, at))
				default:
					for _, c := range chain {
						if c.Name == n.Name {
							errs = append(errs, fmt.Errorf("nirconv: nodes %s: cycle with zero delay through connectivity nodes only (an algebraic loop); a recurrent path must pass through a neuron node", names(append(chain, n))))
							return
						}
					}
					walk(n.Name, append(slices.Clip(chain), n))
				}
			}
		}
		walk(src, nil)
	}
	for _, name := range lw.out.Inputs {
		walkFrom(name, chip.Input(lw.group[name]))
	}
	for _, p := range lw.out.Populations {
		walkFrom(p.Node, chip.Population(lw.pop[p.Node]))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	names := make([]string, 0, len(outputs))
	for n := range outputs {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return errors.New("nirconv: the graph has no Output node fed by a neuron node: no path from input to output")
	}
	for _, n := range names {
		lw.net.Outputs = append(lw.net.Outputs, outputs[n])
		lw.out.Outputs = append(lw.out.Outputs, n)
	}
	return nil
}

// reach refuses a network none of whose outputs an input can reach.
func (lw *lowerer) reach() error {
	r := lw.net.Reachable()
	for _, l := range lw.net.Outputs {
		if r[l] {
			return nil
		}
	}
	return fmt.Errorf("nirconv: no path from input to output: no Input node reaches %s", names(nodesOf(lw.g, lw.out.Outputs)))
}

// biases adds each population's summed constant input (Affine and conv
// biases on its incoming paths) to its chip bias. A constant input x adds
// x·g to the current u every step; the chip's bias adds to v directly, so
// the bias is x·g/a_s with a_s the current's per-step decay fraction:
// the same steady state (u* = x·g/a_s), reached at once instead of with
// the synaptic time constant (docs/nir.md, "Biases").
func (lw *lowerer) biases() error {
	var errs []error
	for l, b := range lw.bias {
		if b == nil {
			continue
		}
		q, ly := &lw.quant[l], &lw.net.Layers[l]
		out := make([]int32, ly.Size)
		copy(out, ly.Bias)
		for ni, x := range b {
			if k := ly.Neuron.Kind; k != neuron.LIF && k != neuron.LI {
				// if-subtract (a recognized loop): the bias adds to v.
				out[ni] = int32(math.RoundToEven(float64(out[ni]) + x*q.InputGain[ni]))
				continue
			}
			du := ly.Neuron.DecayU
			if ly.Vectors.DecayU != nil {
				du = ly.Vectors.DecayU[ni]
			}
			as := float64(du) / neuron.DecayMax
			if du == 0 { // no current decay: the decay fraction Quantize keeps is dt/tau_syn
				as = lw.opt.DT / at(lw.fps[l].TauSyn, ni)
			}
			y := math.RoundToEven(float64(out[ni]) + x*q.InputGain[ni]/as)
			if math.IsNaN(y) || math.Abs(y) > neuron.LIFStateMax {
				errs = append(errs, fmt.Errorf("nirconv: node %s: field bias: neuron %d's constant input is %g state units per step, outside ±%d", ly.Name, ni, y, neuron.LIFStateMax))
				continue
			}
			out[ni] = int32(y)
		}
		ly.Bias = out
	}
	return errors.Join(errs...)
}

// gainSnapTol is how close (relative) an input gain must be to a power of
// two to be taken as that power of two. A file that FromChip wrote holds
// r = 4096/decay_v (and 4096²/(decay_u·decay_v)), so the gain S·a·r is S
// up to the rounding of the parameters: float64 rounding (~1e-16) in
// ours, float32 rounding (6e-8) in a file a float32 framework re-saved.
// 1e-6 covers both with a margin and is far below the 8-bit weight step
// (1/127), so it changes no other file's weights except at exact rounding
// ties (docs/nir.md, "Exporting a chip network").
const gainSnapTol = 1e-6

// snapGains replaces every gain within gainSnapTol of a power of two by
// that power of two, so that integer weights written by FromChip come
// back exactly.
func snapGains(gain []float64) {
	for i, g := range gain {
		if !(g > 0) || math.IsInf(g, 0) {
			continue
		}
		p := math.Exp2(math.Round(math.Log2(g)))
		if math.Abs(g/p-1) <= gainSnapTol {
			gain[i] = p
		}
	}
}

// latency computes Lowered.Latency by relaxation over the projections.
func latency(n *chip.Network) []int {
	lat := make([]int, len(n.Layers))
	for i := range lat {
		lat[i] = -1
	}
	for changed := true; changed; {
		changed = false
		for _, p := range n.Projections {
			src := 0
			if p.From.Kind == chip.FromPopulation {
				src = lat[p.From.Index]
			}
			if src < 0 {
				continue
			}
			if d := src + 1 + p.Delay; lat[p.To] < 0 || d < lat[p.To] {
				lat[p.To], changed = d, true
			}
		}
	}
	return lat
}

// chipShape converts a NIR shape of rank 1 to 3 to a chip.Shape.
func chipShape(s nir.Shape) chip.Shape {
	switch len(s) {
	case 1:
		return chip.Shape{C: s[0], H: 1, W: 1}
	case 2:
		return chip.Shape{C: s[0], H: 1, W: s[1]}
	case 3:
		return chip.Shape{C: s[0], H: s[1], W: s[2]}
	}
	return chip.Shape{}
}

// at returns xs[i], or xs[0] for a scalar, or 1 when xs is empty.
func at(xs []float64, i int) float64 {
	switch {
	case len(xs) == 0:
		return 1
	case len(xs) == 1:
		return xs[0]
	}
	return xs[i]
}

func nodesOf(g *nir.Graph, names []string) []*nir.Node {
	var out []*nir.Node
	for _, n := range names {
		out = append(out, g.Node(n))
	}
	return out
}

// names formats nodes as "a -> b -> c" ("no node" when empty).
func names(ns []*nir.Node) string {
	if len(ns) == 0 {
		return "no connectivity node"
	}
	s := ""
	for i, n := range ns {
		if i > 0 {
			s += " -> "
		}
		s += n.Name
	}
	return s
}

// Synapses is the number of synapses over every projection (padding taps
// of a convolution excluded, zero dense weights included).
func (lw *Lowered) Synapses() int64 {
	var s int64
	for _, p := range lw.Net.Edges() {
		s += p.Connections(lw.Net.SourceSize(p.From), lw.Net.Layers[p.To].Size)
	}
	return s
}

// maxNodeErrors bounds the problems listed per node: a parameter wrong for
// every neuron of a large population would otherwise give one line per
// neuron.
const maxNodeErrors = 3

// nodeErrors prefixes each line of err with the node's name, keeping the
// first maxNodeErrors lines and counting the rest.
func nodeErrors(node string, err error) error {
	lines := strings.Split(err.Error(), "\n")
	var errs []error
	for i, l := range lines {
		if i == maxNodeErrors {
			errs = append(errs, fmt.Errorf("nirconv: node %s: and %d more problems like these", node, len(lines)-i))
			break
		}
		errs = append(errs, fmt.Errorf("nirconv: node %s: %s", node, l))
	}
	return errors.Join(errs...)
}
