package chip

// graph is a Network compiled for mapping and simulation: every
// projection (chain shorthand included) as an edge that can list the
// sources of any target neuron, and each population's incoming and
// outgoing edges.
type graph struct {
	net   *Network
	edges []edge
	into  [][]int // into[l]: edges whose target is population l, in edge order
	outOf [][]int // outOf[l]: edges whose source is population l, in edge order
	// fromInput[g]: edges whose source is host input group g.
	fromInput [][]int
	// chanOff[g] is the first global channel of input group g; the last
	// entry is the total number of channels.
	chanOff []int
}

// edge is one projection with its source and target sizes. Sparse
// projections get their synapses indexed by target neuron.
type edge struct {
	Projection
	in, out   int
	postStart []int32 // ProjSparse: synapses of target j are postSyn[postStart[j]:postStart[j+1]]
	postSyn   []int32
}

// newGraph compiles a validated network.
func newGraph(net *Network) *graph {
	g := &graph{net: net, into: make([][]int, len(net.Layers)), outOf: make([][]int, len(net.Layers))}
	groups := net.Groups()
	g.fromInput = make([][]int, len(groups))
	g.chanOff = make([]int, len(groups)+1)
	for i, ig := range groups {
		g.chanOff[i+1] = g.chanOff[i] + ig.Size
	}
	for i, p := range net.Edges() {
		e := edge{Projection: p, in: net.SourceSize(p.From), out: net.Layers[p.To].Size}
		if p.Kind == ProjSparse {
			e.postStart = make([]int32, e.out+1)
			for _, s := range p.Synapses {
				e.postStart[s.Post+1]++
			}
			for j := 0; j < e.out; j++ {
				e.postStart[j+1] += e.postStart[j]
			}
			fill := append([]int32(nil), e.postStart[:e.out]...)
			e.postSyn = make([]int32, len(p.Synapses))
			for k, s := range p.Synapses { // stable: synapses of j keep list order
				e.postSyn[fill[s.Post]] = int32(k)
				fill[s.Post]++
			}
		}
		g.edges = append(g.edges, e)
		g.into[p.To] = append(g.into[p.To], i)
		if p.From.Kind == FromInput {
			g.fromInput[p.From.Index] = append(g.fromInput[p.From.Index], i)
		} else {
			g.outOf[p.From.Index] = append(g.outOf[p.From.Index], i)
		}
	}
	return g
}

// sources calls f for every synapse into target neuron j, with its source
// index and weight (zero dense weights included, convolution padding
// excluded).
func (e *edge) sources(j int, f func(src int, w int8)) {
	switch e.Kind {
	case ProjDense:
		for a := 0; a < e.in; a++ {
			f(a, e.Weights[a*e.out+j])
		}
	case ProjOneToOne:
		f(j, e.Weights[j])
	case ProjSparse:
		for _, k := range e.postSyn[e.postStart[j]:e.postStart[j+1]] {
			s := e.Synapses[k]
			f(int(s.Pre), s.Weight)
		}
	case ProjConv:
		e.Conv.Sources(j, f)
	}
}

// rows reports whether the edge is stored as per-source lists of (neuron,
// weight) entries rather than dense weight rows.
func (e *edge) rows() bool { return e.Kind != ProjDense }
