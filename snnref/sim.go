package snnref

import (
	"errors"
	"fmt"
	"slices"

	"github.com/spikemesh/spikemesh/neuron"
)

// incoming is one edge as seen by its target node.
type incoming struct {
	from int  // source node index
	back bool // closes a cycle: carries the source's output of the previous step
}

// Sim steps a Graph in float64. Each step evaluates every node once, in an
// order fixed at construction: a topological order of the graph with its
// back edges removed, ties broken by node index. An edge whose source comes
// earlier in that order delivers the source's output of the same step; a
// back edge (one that closes a cycle, found by depth-first search from the
// Input nodes in graph order) delivers the source's output of the previous
// step. So every cycle has at least one step of delay, as in snnTorch's and
// Norse's recurrent cells (spikes of step t−1 feed step t).
//
// A Sim is not safe for concurrent use; it is deterministic (fixed
// evaluation and summation order).
type Sim struct {
	nodes  []Node
	byName map[string]int
	order  []int
	ins    [][]incoming
	out    [][]float64 // this step's output of each node
	prev   [][]float64 // last step's output of each node
	buf    [][]float64 // summed input of each node
	states []*neuron.FloatState
	counts [][]int64     // spike counts of firing neuron nodes
	rings  [][][]float64 // Delay nodes: ring of past inputs
	inputs []int         // Input nodes in graph order
	fired  []int32
	t      int
}

// New validates g and builds a simulator with the given neuron numerics.
// Errors name the node and field: a bad node, a duplicate name, an edge
// naming a missing node, into an Input, or between nodes of different sizes.
func New(g Graph, opt neuron.FloatOptions) (*Sim, error) {
	s := &Sim{nodes: g.Nodes, byName: make(map[string]int, len(g.Nodes))}
	n := len(g.Nodes)
	var errs []error
	inSize, outSize := make([]int, n), make([]int, n)
	for i := range g.Nodes {
		nd := &g.Nodes[i]
		if _, dup := s.byName[nd.Name]; dup {
			errs = append(errs, fmt.Errorf("snnref: node name %q used twice", nd.Name))
			continue
		}
		s.byName[nd.Name] = i
		var err error
		if inSize[i], outSize[i], err = nd.sizes(); err == nil {
			err = nd.check()
		}
		if err != nil {
			errs = append(errs, err)
		}
		if nd.Kind == Input {
			s.inputs = append(s.inputs, i)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	adj := make([][]int, n)
	for _, e := range g.Edges {
		a, okA := s.byName[e.From]
		b, okB := s.byName[e.To]
		switch {
		case !okA || !okB:
			errs = append(errs, fmt.Errorf("snnref: edge %s -> %s names a missing node", e.From, e.To))
		case g.Nodes[b].Kind == Input:
			errs = append(errs, fmt.Errorf("snnref: edge %s -> %s: an Input node takes no edges", e.From, e.To))
		case outSize[a] != inSize[b]:
			errs = append(errs, fmt.Errorf("snnref: edge %s -> %s: %s gives %d values, %s takes %d", e.From, e.To, e.From, outSize[a], e.To, inSize[b]))
		default:
			adj[a] = append(adj[a], b)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	back := backEdges(n, adj, s.inputs)
	s.ins = make([][]incoming, n)
	indeg := make([]int, n)
	for a, tos := range adj {
		for _, b := range tos {
			isBack := back[[2]int{a, b}]
			s.ins[b] = append(s.ins[b], incoming{from: a, back: isBack})
			if !isBack {
				indeg[b]++
			}
		}
	}
	s.order = topoOrder(n, adj, back, indeg)
	s.out, s.prev, s.buf = make([][]float64, n), make([][]float64, n), make([][]float64, n)
	s.states, s.counts, s.rings = make([]*neuron.FloatState, n), make([][]int64, n), make([][][]float64, n)
	for i := range g.Nodes {
		nd := &g.Nodes[i]
		s.out[i], s.prev[i], s.buf[i] = make([]float64, outSize[i]), make([]float64, outSize[i]), make([]float64, inSize[i])
		switch nd.Kind {
		case Neuron:
			st, err := neuron.NewFloat(nd.Neuron, nd.Size, opt)
			if err != nil {
				return nil, fmt.Errorf("snnref: node %s: %w", nd.Name, err)
			}
			s.states[i] = st
			s.counts[i] = make([]int64, nd.Size)
		case Delay:
			s.rings[i] = make([][]float64, slices.Max(nd.DelaySteps)+1)
			for k := range s.rings[i] {
				s.rings[i][k] = make([]float64, len(nd.DelaySteps))
			}
		}
	}
	return s, nil
}

// backEdges marks the edges that close a cycle in a depth-first search
// started from the Input nodes (in graph order), then from any node not yet
// reached (in index order), visiting successors in edge order.
func backEdges(n int, adj [][]int, inputs []int) map[[2]int]bool {
	const (
		white = iota
		grey
		black
	)
	color := make([]uint8, n)
	back := map[[2]int]bool{}
	var visit func(a int)
	visit = func(a int) {
		color[a] = grey
		for _, b := range adj[a] {
			switch color[b] {
			case grey:
				back[[2]int{a, b}] = true
			case white:
				visit(b)
			}
		}
		color[a] = black
	}
	for _, a := range inputs {
		if color[a] == white {
			visit(a)
		}
	}
	for a := range n {
		if color[a] == white {
			visit(a)
		}
	}
	return back
}

// topoOrder is Kahn's algorithm on the forward edges, always taking the
// ready node with the smallest index, so the order is deterministic.
func topoOrder(n int, adj [][]int, back map[[2]int]bool, indeg []int) []int {
	order := make([]int, 0, n)
	done := make([]bool, n)
	for len(order) < n {
		next := -1
		for i := range n {
			if !done[i] && indeg[i] == 0 {
				next = i
				break
			}
		}
		done[next] = true // the forward edges are acyclic, so one is always ready
		order = append(order, next)
		for _, b := range adj[next] {
			if !back[[2]int{next, b}] {
				indeg[b]--
			}
		}
	}
	return order
}

// Reset clears every neuron's state, every delay line and the previous
// step's outputs, for a new sample. Spike counts are kept (see ResetCounts).
func (s *Sim) Reset() {
	for i := range s.nodes {
		clear(s.out[i])
		clear(s.prev[i])
		if s.states[i] != nil {
			s.states[i].Reset()
		}
		for _, r := range s.rings[i] {
			clear(r)
		}
	}
	s.t = 0
}

// ResetCounts sets every spike count to 0.
func (s *Sim) ResetCounts() {
	for _, c := range s.counts {
		clear(c)
	}
}

// Step advances the graph by one time step. in has one slice per Input
// node, in graph order, each of that node's Size.
func (s *Sim) Step(in [][]float64) error {
	if len(in) != len(s.inputs) {
		return fmt.Errorf("snnref: %d input slices for %d Input nodes", len(in), len(s.inputs))
	}
	for k, i := range s.inputs {
		if len(in[k]) != len(s.out[i]) {
			return fmt.Errorf("snnref: input for node %s has %d values, want %d", s.nodes[i].Name, len(in[k]), len(s.out[i]))
		}
	}
	s.out, s.prev = s.prev, s.out
	for _, i := range s.order {
		nd := &s.nodes[i]
		x := s.buf[i]
		clear(x)
		for _, e := range s.ins[i] {
			src := s.out[e.from]
			if e.back {
				src = s.prev[e.from]
			}
			for j, v := range src {
				x[j] += v
			}
		}
		y := s.out[i]
		switch nd.Kind {
		case Input:
			copy(y, in[slices.Index(s.inputs, i)])
		case Output, Flatten:
			copy(y, x)
		case Affine:
			affine(y, nd.Weight, nd.Bias, x)
		case Scale:
			for j := range y {
				y[j] = nd.ScaleFactor[j] * x[j]
			}
		case Delay:
			ring := s.rings[i]
			copy(ring[s.t%len(ring)], x)
			for j, d := range nd.DelaySteps {
				if s.t >= d {
					y[j] = ring[(s.t-d)%len(ring)][j]
				} else {
					y[j] = 0
				}
			}
		case Neuron:
			st := s.states[i]
			s.fired = st.Step(x, s.fired[:0])
			if st.Kind().Fires() {
				clear(y)
				for _, ni := range s.fired {
					y[ni] = 1
					s.counts[i][ni]++
				}
			} else {
				copy(y, st.V())
			}
		case Conv2d:
			conv2d(y, nd.Conv, x)
		case Pool2d:
			pool2d(y, nd.Pool, x)
		}
	}
	s.t++
	return nil
}

// Output returns node name's output of the last step (spikes as 0/1 for
// firing neuron nodes, v for the others), or nil for an unknown name.
func (s *Sim) Output(name string) []float64 {
	if i, ok := s.byName[name]; ok {
		return s.out[i]
	}
	return nil
}

// State returns the neuron state of a Neuron node, or nil.
func (s *Sim) State(name string) *neuron.FloatState {
	if i, ok := s.byName[name]; ok {
		return s.states[i]
	}
	return nil
}

// SpikeCounts returns the spikes per neuron of a firing Neuron node since
// construction or ResetCounts, or nil.
func (s *Sim) SpikeCounts(name string) []int64 {
	if i, ok := s.byName[name]; ok {
		return s.counts[i]
	}
	return nil
}

// Order returns the node names in evaluation order.
func (s *Sim) Order() []string {
	names := make([]string, len(s.order))
	for k, i := range s.order {
		names[k] = s.nodes[i].Name
	}
	return names
}
