package sanafe

import (
	"fmt"
	"math"
	"slices"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/internal/membudget"
	"github.com/spikemesh/spikemesh/neuron"
)

// Weight split. The chip stores 8-bit signed weights (chip.Synapse,
// Loihi's synapse width); SANA-FE weights are any number. An integer
// weight w outside [-128, 127] is carried exactly by two projections of
// the same edge: the high part hi = floor(w/128) with weight exponent 7
// and the low part lo = w - 128*hi in [0, 127] with exponent 0, so that
// w = hi<<7 + lo for |w| <= maxSplitWeight. Each half is a real synaptic
// read on the chip, so such an edge costs two synaptic events per
// connection; the report counts SANA-FE's synaptic events apart
// (docs/sanafe.md).
const (
	splitShift     = 7
	maxSplitWeight = 128 << splitShift // |w| < 2^14: hi stays in int8
)

// Lowered is a SANA-FE network as a chip.Network: one population per
// group (same order and names), and for each edge the projections that
// carry it (two when its weights need the high/low split).
type Lowered struct {
	Net *chip.Network
	// EdgeProjections[i] indexes Net.Projections for Edges[i].
	EdgeProjections [][]int
	// Connections[i] is the number of synapses of edge i (SANA-FE's
	// count: conv2d taps inside the input, dense source x target, sparse
	// pairs, 1 for a neuron edge).
	Connections []int64
	// Pins is the placement for chip.MapPinned (nil without one). Perm[g]
	// lists, for chip neuron j of population g, the SANA-FE neuron id it
	// holds: the file's order regrouped so that each core holds one
	// contiguous range (nil = the file's order).
	Pins [][]chip.Pin
	Perm [][]int32
	// Layer[g] is group g's population in Net.Layers, or -1 for a group
	// of input neurons, which is Net.InputGroups[Input[g]] (else -1).
	// Trains[c] is the spike train of input channel c (all input groups'
	// neurons in order).
	Layer, Input []int
	Trains       [][]bool
}

// LowerBytesPerConnection bounds what Lower allocates per connection it
// carries as an explicit synapse (a sparse or neuron edge, or a conv2d
// edge between regrouped groups): the expanded pair and tap index (24
// bytes), the chip.Synapse and int32 weight appended per connection (16
// bytes, but a slice grown by append allocates about 5 times its final
// size in all under Go's 1.25x growth of large slices: 80), and a cloned
// chip.Synapse and an int8 for each half of a split weight (26): 130.
// Measured with runtime.MemStats (TestLowerBytesCoversLower): 145 per
// connection for a regrouped conv2d edge with split weights; 256 leaves
// room. A dense connection takes at most DenseBytesPerConnection: its
// int32 weight, the regrouped copy, and an int8 for each split half.
const (
	LowerBytesPerConnection = 256
	DenseBytesPerConnection = 4 + 4 + 2
)

// LowerBytes bounds the memory Lower takes for n's synapses (with a
// placement when placed: conv2d edges may then be expanded), so that a
// caller can check it against a memory budget before lowering.
func LowerBytes(n *Network, placed bool) int64 {
	size := map[string]int64{}
	for _, g := range n.Groups {
		size[g.Name] = int64(g.Size)
	}
	var b int64
	for _, e := range n.Edges {
		switch {
		case e.Kind == EdgeDense:
			b = membudget.SatAdd(b, membudget.SatMul(membudget.SatMul(size[e.From], size[e.To]), DenseBytesPerConnection))
		case e.Kind == EdgeConv2D && !placed:
			b = membudget.SatAdd(b, membudget.SatMul(int64(len(e.Weights)), DenseBytesPerConnection))
		case e.Kind == EdgeConv2D:
			c := e.Conv
			conns := membudget.SatMul(size[e.To], int64(c.InC)*int64(c.KH)*int64(c.KW))
			b = membudget.SatAdd(b, membudget.SatMul(conns, LowerBytesPerConnection))
		default:
			b = membudget.SatAdd(b, membudget.SatMul(int64(max(len(e.Pairs), 1)), LowerBytesPerConnection))
		}
	}
	return b
}

// Lower turns n into a chip.Network whose populations run
// neuron.SanaLIF. It refuses, one line per problem and every problem at
// once, what the chip cannot carry exactly: non-integer thresholds,
// resets, biases or weights, weights beyond ±2^14, per-neuron values of
// parameters other than the bias, an initial potential, reverse
// thresholds that act, force_update, leak or input decays outside [0, 1],
// and per-connection delays that differ within a dense or conv2d edge.
//
// With a placement (Pins), each group's neurons are regrouped by core;
// a conv2d edge between regrouped groups is then carried as explicit
// sparse synapses, which count and cost the same but take more memory.
func Lower(file string, n *Network, place Placement) (*Lowered, error) {
	var errs []error
	add := func(line int, where, format string, args ...any) {
		errs = append(errs, fmt.Errorf("sanafe: %s: %s: %s", loc(file, line), where, fmt.Sprintf(format, args...)))
	}
	net := &chip.Network{Name: n.Name, InputGroups: []chip.InputGroup{}}
	if net.Name == "" {
		net.Name = "sanafe"
	}
	index := map[string]int{}
	low := &Lowered{Net: net, EdgeProjections: make([][]int, len(n.Edges)), Connections: make([]int64, len(n.Edges))}
	inv := make([][]int32, len(n.Groups))
	identity := make([]bool, len(n.Groups))
	if place != nil {
		low.Perm = make([][]int32, len(n.Groups))
	}
	low.Layer, low.Input = make([]int, len(n.Groups)), make([]int, len(n.Groups))
	for gi := range n.Groups {
		identity[gi] = true
		low.Layer[gi], low.Input[gi] = -1, -1
		if n.IsInput(gi) {
			low.Input[gi] = len(net.InputGroups)
			net.InputGroups = append(net.InputGroups, chip.InputGroup{Name: n.Groups[gi].Name, Size: n.Groups[gi].Size})
			continue
		}
		if place != nil {
			var perm []int32
			var pins []chip.Pin
			perm, inv[gi], pins, identity[gi] = order(place[gi])
			low.Pins = append(low.Pins, pins)
			if !identity[gi] {
				low.Perm[gi] = perm
			}
		}
	}
	layers := 0
	for gi := range n.Groups {
		if low.Input[gi] < 0 {
			low.Layer[gi] = layers
			layers++
		}
	}
	// to maps SANA-FE neuron id i of group g to its chip index.
	to := func(g, i int) int32 {
		if identity[g] {
			return int32(i)
		}
		return inv[g][i]
	}
	for gi := range n.Groups {
		g := &n.Groups[gi]
		index[g.Name] = gi
		where := "group " + quote(g.Name)
		if low.Input[gi] >= 0 {
			low.Trains = append(low.Trains, inputTrains(g, func(format string, args ...any) { add(g.Line, where, format, args...) })...)
			continue
		}
		// The population's parameters: every neuron's (the group's
		// attributes with its own entry's over them) must agree, bias apart.
		covered := 0
		for _, nr := range g.Neurons {
			covered += nr.Hi - nr.Lo
		}
		attr := g.Attr
		if len(g.Neurons) > 0 && covered >= g.Size {
			attr = g.Attr.Merge(g.Neurons[0].Attr)
		}
		p, err := params(attr)
		for _, e := range err {
			add(g.Line, where, "%s", e)
		}
		bias := make([]int32, g.Size)
		b, ok := integer(g.Attr.Bias)
		if !ok {
			add(g.Line, where, "bias: %g is not an integer in [%d, %d]; the chip carries integer biases", g.Attr.Bias, -neuron.IFStateMax, neuron.IFStateMax)
		}
		for i := range bias {
			bias[i] = b
		}
		for _, nr := range g.Neurons {
			a := g.Attr.Merge(nr.Attr)
			if pa, errs := params(a); len(errs) == 0 && pa != p {
				add(g.Line, fmt.Sprintf("%s neurons %d..%d", where, nr.Lo, nr.Hi-1), "soma parameters (%s) differ from the group's other neurons' (%s); a chip population shares its parameters (only bias may differ per neuron)", paramText(pa), paramText(p))
			} else if len(errs) > 0 && !slices.Contains(err, errs[0]) {
				add(g.Line, fmt.Sprintf("%s neurons %d..%d", where, nr.Lo, nr.Hi-1), "%s", errs[0])
			}
			if nr.Attr.Has(FBias) {
				b, ok := integer(a.Bias)
				if !ok {
					add(g.Line, fmt.Sprintf("%s neurons %d..%d", where, nr.Lo, nr.Hi-1), "bias: %g is not an integer in [%d, %d]", a.Bias, -neuron.IFStateMax, neuron.IFStateMax)
				}
				for i := nr.Lo; i < nr.Hi; i++ {
					bias[i] = b
				}
			}
		}
		if !identity[gi] {
			pb := make([]int32, len(bias))
			for i, b := range bias {
				pb[inv[gi][i]] = b
			}
			bias = pb
		}
		net.Layers = append(net.Layers, chip.Layer{Name: g.Name, Size: g.Size, Neuron: p, Bias: bias})
	}
	// Neuron and sparse edges are gathered into one sparse projection per
	// (source, target, delay), in order of first appearance.
	type sparseKey struct{ from, to, delay int }
	sparse := map[sparseKey]int{} // index into groups
	var sparseOrder []sparseKey
	var sparseSyn [][]chip.Synapse
	var sparseW [][]int32
	var sparseEdges [][]int
	for ei := range n.Edges {
		e := &n.Edges[ei]
		where := "edge " + quoteEdge(e.Label)
		from, dst := index[e.From], index[e.To]
		if low.Input[dst] >= 0 {
			add(e.Line, where, "target: group %s holds input neurons (spike trains), which take no input", quote(e.To))
			continue
		}
		src := chip.Population(low.Layer[from])
		if low.Input[from] >= 0 {
			src = chip.Input(low.Input[from])
		}
		dstL := low.Layer[dst]
		ws := make([]int32, len(e.Weights))
		bad := 0
		for i, w := range e.Weights {
			x, ok := integer(w)
			if !ok || x <= -maxSplitWeight || x >= maxSplitWeight {
				bad++
				if bad == 1 {
					add(e.Line, where, "weight[%d]: %g is not an integer in (%d, %d); the chip carries integer weights of up to 15 bits (two 8-bit synapses)", i, w, -maxSplitWeight, maxSplitWeight)
				}
			}
			ws[i] = x
		}
		delay := 0
		if e.Delays != nil {
			delay = int(e.Delays[0])
			if e.Kind == EdgeDense || e.Kind == EdgeConv2D {
				for _, d := range e.Delays {
					if int(d) != delay {
						add(e.Line, where, "delay: differs between connections of a %s edge; the chip gives a projection one delay", e.Kind)
						break
					}
				}
			}
			for _, d := range e.Delays {
				if d > chip.MaxDelay {
					add(e.Line, where, "delay: %g is more than the chip's %d timesteps", d, chip.MaxDelay)
					break
				}
			}
		}
		kind := e.Kind
		if kind == EdgeConv2D && !(identity[from] && identity[dst]) {
			kind = EdgeSparse // regrouped neurons: explicit synapses below
		}
		switch kind {
		case EdgeDense:
			low.Connections[ei] = int64(len(ws))
			if !(identity[from] && identity[dst]) {
				out := n.Groups[dst].Size
				pw := make([]int32, len(ws))
				for i, w := range ws {
					pw[int(to(from, i/out))*out+int(to(dst, i%out))] = w
				}
				ws = pw
			}
			low.EdgeProjections[ei] = addSplit(net, ws, delay, func(w []int8) chip.Projection {
				return chip.Projection{From: src, To: dstL, Kind: chip.ProjDense, Weights: w}
			})
		case EdgeConv2D:
			c := e.Conv
			outW, outH := (c.InW-c.KW)/c.StrideW+1, (c.InH-c.KH)/c.StrideH+1
			low.Connections[ei] = int64(outW*outH*c.Count) * int64(c.InC*c.KH*c.KW)
			// SANA-FE's filter index is ((ky*KW + kx)*InC + ci)*Count + co;
			// chip.Conv's kernel is [co][ci][ky][kx].
			perm := make([]int32, len(ws))
			for ky := 0; ky < c.KH; ky++ {
				for kx := 0; kx < c.KW; kx++ {
					for ci := 0; ci < c.InC; ci++ {
						for co := 0; co < c.Count; co++ {
							perm[((co*c.InC+ci)*c.KH+ky)*c.KW+kx] = ws[((ky*c.KW+kx)*c.InC+ci)*c.Count+co]
						}
					}
				}
			}
			low.EdgeProjections[ei] = addSplit(net, perm, delay, func(w []int8) chip.Projection {
				return chip.Projection{From: src, To: dstL, Kind: chip.ProjConv, Conv: &chip.Conv{
					InC: c.InC, InH: c.InH, InW: c.InW, OutC: c.Count, OutH: outH, OutW: outW, KH: c.KH, KW: c.KW,
					StrideH: c.StrideH, StrideW: c.StrideW, DilH: 1, DilW: 1, Groups: 1, Kernel: w}}
			})
		case EdgeSparse, EdgeNeuron:
			pairs, wOf := e.Pairs, func(i int) int32 { return ws[i] }
			switch {
			case e.Kind == EdgeNeuron:
				pairs = [][2]int{{e.FromN, e.ToN}}
			case e.Kind == EdgeConv2D:
				var taps []int
				pairs, taps = convPairs(e.Conv)
				wOf = func(i int) int32 { return ws[taps[i]] }
			}
			low.Connections[ei] = int64(len(pairs))
			for i, pr := range pairs {
				d := delay
				if e.Delays != nil && e.Kind != EdgeConv2D {
					d = int(e.Delays[i])
				}
				k := sparseKey{from, dst, d}
				si, ok := sparse[k]
				if !ok {
					si = len(sparseOrder)
					sparse[k] = si
					sparseOrder = append(sparseOrder, k)
					sparseSyn = append(sparseSyn, nil)
					sparseW = append(sparseW, nil)
					sparseEdges = append(sparseEdges, nil)
				}
				sparseSyn[si] = append(sparseSyn[si], chip.Synapse{Pre: to(from, pr[0]), Post: to(dst, pr[1])})
				sparseW[si] = append(sparseW[si], wOf(i))
				if len(sparseEdges[si]) == 0 || sparseEdges[si][len(sparseEdges[si])-1] != ei {
					sparseEdges[si] = append(sparseEdges[si], ei)
				}
			}
		}
	}
	for si, k := range sparseOrder {
		syn := sparseSyn[si]
		projs := addSplit(net, sparseW[si], k.delay, func(w []int8) chip.Projection {
			s := slices.Clone(syn)
			for i := range s {
				s[i].Weight = w[i]
			}
			src := chip.Population(low.Layer[k.from])
			if low.Input[k.from] >= 0 {
				src = chip.Input(low.Input[k.from])
			}
			return chip.Projection{From: src, To: low.Layer[k.to], Kind: chip.ProjSparse, Synapses: s}
		})
		for _, ei := range sparseEdges[si] {
			low.EdgeProjections[ei] = append(low.EdgeProjections[ei], projs...)
		}
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	return low, nil
}

// addSplit appends the projection(s) carrying weights ws to net: one with
// the weights as they are when all fit int8, else the high and low parts
// (see splitShift). It returns their indices.
func addSplit(net *chip.Network, ws []int32, delay int, mk func(w []int8) chip.Projection) []int {
	fits := true
	for _, w := range ws {
		if w < math.MinInt8 || w > math.MaxInt8 {
			fits = false
			break
		}
	}
	at := len(net.Projections)
	if fits {
		w8 := make([]int8, len(ws))
		for i, w := range ws {
			w8[i] = int8(w)
		}
		p := mk(w8)
		p.Delay = delay
		net.Projections = append(net.Projections, p)
		return []int{at}
	}
	hi, lo := make([]int8, len(ws)), make([]int8, len(ws))
	for i, w := range ws {
		h := w >> splitShift // floor division by 128
		hi[i], lo[i] = int8(h), int8(w-h<<splitShift)
	}
	ph, pl := mk(hi), mk(lo)
	ph.Delay, pl.Delay = delay, delay
	ph.WeightExp = splitShift
	net.Projections = append(net.Projections, ph, pl)
	return []int{at, at + 1}
}

// integer returns x as an int32 if it is a whole number within the IF
// state range.
func integer(x float64) (int32, bool) {
	if x != math.Trunc(x) || x < -neuron.IFStateMax || x > neuron.IFStateMax {
		return 0, false
	}
	return int32(x), true
}

// paramText lists a SanaLIF population's parameters for messages.
func paramText(p neuron.Params) string {
	return fmt.Sprintf("threshold %d, reset %d, reset_mode %s, leak_decay %g, input_decay %g, refractory_delay %d",
		p.Threshold, p.Reset, p.ResetMode, p.LeakDecay, p.InputDecay, p.Refractory)
}

// params maps a group's attributes to neuron.SanaLIF parameters, with
// SANA-FE's defaults for what is not given (leak_decay 1, input_decay 0,
// reset_mode hard, reverse threshold off).
func params(a Attributes) (neuron.Params, []string) {
	var errs []string
	p := neuron.Params{Kind: neuron.SanaLIF, LeakDecay: 1, ResetMode: neuron.ResetHard}
	th, ok := integer(a.Threshold)
	if !ok || th < 0 {
		errs = append(errs, fmt.Sprintf("threshold: %g is not an integer in [0, %d]; the chip compares against integer thresholds", a.Threshold, neuron.IFStateMax))
	}
	p.Threshold = th
	r, ok := integer(a.Reset)
	if !ok {
		errs = append(errs, fmt.Sprintf("reset: %g is not an integer in [%d, %d]", a.Reset, -neuron.IFStateMax, neuron.IFStateMax))
	}
	p.Reset = r
	if a.Has(FResetMode) {
		p.ResetMode = a.ResetMode.neuronReset()
	}
	if a.Has(FLeakDecay) {
		p.LeakDecay = a.LeakDecay
	}
	if a.Has(FInputDecay) {
		p.InputDecay = a.InputDecay
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"leak_decay", p.LeakDecay}, {"input_decay", p.InputDecay}} {
		if !(f.v >= 0 && f.v <= 1) {
			errs = append(errs, fmt.Sprintf("%s: %g is outside [0, 1]", f.name, f.v))
		}
	}
	p.Refractory = uint16(a.RefractoryDelay)
	if a.Has(FReverseResetMode) && a.ReverseResetMode != ResetModeNone {
		errs = append(errs, fmt.Sprintf("reverse_reset_mode: %s is not supported (only none: the chip neuron has no reverse threshold)", a.ReverseResetMode))
	}
	if a.ForceUpdate {
		errs = append(errs, "force_update: true is not supported (the chip updates a neuron when its state can change)")
	}
	if a.Potential != 0 {
		errs = append(errs, "potential: an initial potential is not supported (neurons start at 0)")
	}
	return p, errs
}

// convPairs lists a conv2d edge's connections as (source, target) neuron
// ids in SANA-FE's order (output channel, row, column, input channel,
// kernel row, kernel column) with each one's index in the filter list.
func convPairs(c Conv2D) (pairs [][2]int, taps []int) {
	outW, outH := (c.InW-c.KW)/c.StrideW+1, (c.InH-c.KH)/c.StrideH+1
	total := outW * outH * c.Count * c.InC * c.KH * c.KW
	pairs, taps = make([][2]int, 0, total), make([]int, 0, total)
	for co := 0; co < c.Count; co++ {
		for y := 0; y < outH; y++ {
			for x := 0; x < outW; x++ {
				dst := (co*outH+y)*outW + x
				for ci := 0; ci < c.InC; ci++ {
					for ky := 0; ky < c.KH; ky++ {
						for kx := 0; kx < c.KW; kx++ {
							src := (ci*c.InH+y*c.StrideH+ky)*c.InW + x*c.StrideW + kx
							pairs = append(pairs, [2]int{src, dst})
							taps = append(taps, ((ky*c.KW+kx)*c.InC+ci)*c.Count+co)
						}
					}
				}
			}
		}
	}
	return pairs, taps
}

// inputTrains returns the spike trains of input group g's neurons (the
// group's train, overridden per neuron), reporting with bad every soma
// attribute an input neuron cannot take.
func inputTrains(g *Group, bad func(format string, args ...any)) [][]bool {
	allowed := func(a Attributes) {
		for f := Field(0); f < numFields; f++ {
			switch f {
			case FSpikes, FSomaHW, FSynapseHW, FDendriteHW, FLogSpikes, FLogPotential, FLogU:
				continue
			}
			if a.Has(f) {
				bad("%s: input neurons (spike trains) take no soma parameters", f)
				return
			}
		}
	}
	allowed(g.Attr)
	trains := make([][]bool, g.Size)
	if g.Attr.Spikes != nil {
		for i := range trains {
			trains[i] = *g.Attr.Spikes
		}
	}
	for _, nr := range g.Neurons {
		allowed(nr.Attr)
		if nr.Attr.Spikes != nil {
			for i := nr.Lo; i < nr.Hi; i++ {
				trains[i] = *nr.Attr.Spikes
			}
		}
	}
	return trains
}
