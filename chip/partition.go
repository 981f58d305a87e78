package chip

import "fmt"

// popCost knows, for one population, what a contiguous group of its
// neurons needs of every per-core resource, summed over its incoming
// projections. Prefix sums make each query O(1), except the axon count of
// a non-dense projection, which is the size of the union of its sources.
type popCost struct {
	g   *graph
	l   int
	cfg Config
	in  []inCost
	// fanout holds prefix sums of destination cores per neuron, over every
	// outgoing projection.
	fanout   []int64
	memTotal int64 // synaptic memory of every per-connection projection
	maxDelay int   // the largest delay of the incoming projections
}

// inCost is one incoming projection's share of a group's resources.
type inCost struct {
	e          *edge
	mem        []int64 // prefix sums of per-neuron synaptic memory bits
	shared     bool    // a convolution stored as shared kernels
	kernelBits int64   // bits of one output channel's kernel (shared storage)
	seen       []int32 // scratch: stamp per source for union counting
	stamp      int32
}

// newPopCost computes the per-neuron synaptic memory bits of population l
// in the configured format (for a projection stored per connection, each
// connection is one synapse) and its fan-out: destCount(j) is the number
// of destination cores of neuron j (nil: none).
func newPopCost(g *graph, l int, cfg Config, destCount func(j int) int64) *popCost {
	n := g.net.Layers[l].Size
	pc := &popCost{g: g, l: l, cfg: cfg, fanout: make([]int64, n+1)}
	for _, ei := range g.into[l] {
		e := &g.edges[ei]
		ic := inCost{e: e, mem: make([]int64, n+1)}
		for j := 0; j < n; j++ {
			var conns, nnz int64
			if e.Kind == ProjDense {
				conns = int64(e.in)
				if cfg.SynapseFormat == Sparse {
					for a := 0; a < e.in; a++ {
						if e.Weights[a*n+j] != 0 {
							nnz++
						}
					}
				}
			} else {
				e.sources(j, func(_ int, w int8) {
					conns++
					if w != 0 {
						nnz++
					}
				})
			}
			bits := conns * int64(cfg.WeightBits)
			if cfg.SynapseFormat == Sparse {
				bits = nnz * int64(cfg.WeightBits+cfg.IndexBits())
			}
			ic.mem[j+1] = ic.mem[j] + bits
		}
		if e.Kind == ProjConv && cfg.ConvWeights == SharedKernels {
			cv := e.Conv
			ic.shared = true
			ic.kernelBits = int64(cv.InC/cv.Groups*cv.KH*cv.KW) * int64(cfg.WeightBits)
		} else {
			pc.memTotal += ic.mem[n]
		}
		if e.rows() {
			ic.seen = make([]int32, e.in)
		}
		pc.maxDelay = max(pc.maxDelay, e.Delay)
		pc.in = append(pc.in, ic)
	}
	if destCount != nil {
		for j := 0; j < n; j++ {
			pc.fanout[j+1] = pc.fanout[j] + destCount(j)
		}
	}
	return pc
}

// memBits is the synaptic memory of neurons [lo, hi).
func (pc *popCost) memBits(lo, hi int) int64 {
	var b int64
	for i := range pc.in {
		ic := &pc.in[i]
		if ic.shared {
			plane := ic.e.Conv.OutH * ic.e.Conv.OutW
			channels := (hi-1)/plane - lo/plane + 1
			b += int64(channels) * ic.kernelBits
		} else {
			b += ic.mem[hi] - ic.mem[lo]
		}
	}
	return b
}

// axons is the number of distinct (projection, source) pairs that feed
// neurons [lo, hi): a dense projection's every source, the union of the
// others' sources.
func (pc *popCost) axons(lo, hi int) int {
	n := 0
	for i := range pc.in {
		ic := &pc.in[i]
		if !ic.e.rows() {
			n += ic.e.in
			continue
		}
		ic.stamp++
		for j := lo; j < hi; j++ {
			ic.e.sources(j, func(src int, _ int8) {
				if ic.seen[src] != ic.stamp {
					ic.seen[src] = ic.stamp
					n++
				}
			})
		}
	}
	return n
}

func (pc *popCost) fanoutEntries(lo, hi int) int64 { return pc.fanout[hi] - pc.fanout[lo] }

// fits reports whether neurons [lo, hi) fit one core.
func (pc *popCost) fits(lo, hi int) bool {
	c := &pc.cfg
	return hi-lo <= c.NeuronsPerCore && pc.memBits(lo, hi) <= c.SynapseMemoryBits() &&
		pc.fanoutEntries(lo, hi) <= int64(c.FanoutPerCore) && pc.axons(lo, hi) <= c.AxonsPerCore
}

// fitsAll reports whether every group of bounds b fits.
func (pc *popCost) fitsAll(b []int) bool {
	for g := 0; g+1 < len(b); g++ {
		if !pc.fits(b[g], b[g+1]) {
			return false
		}
	}
	return true
}

// single returns the violations of the most demanding single neuron: if
// one neuron cannot fit a core, no split helps.
func (pc *popCost) single() []error {
	ly := &pc.g.net.Layers[pc.l]
	c := &pc.cfg
	var worstMem, worstFan int64
	worstAx, jMem, jFan, jAx := 0, 0, 0, 0
	for j := 0; j < ly.Size; j++ {
		if m := pc.memBits(j, j+1); m > worstMem {
			worstMem, jMem = m, j
		}
		if f := pc.fanoutEntries(j, j+1); f > worstFan {
			worstFan, jFan = f, j
		}
		if a := pc.axons(j, j+1); a > worstAx {
			worstAx, jAx = a, j
		}
	}
	alone := func(j int) string { return fmt.Sprintf("neuron %d alone; no split can help", j) }
	var errs []error
	if worstAx > c.AxonsPerCore {
		errs = append(errs, Violation{ly.Name, alone(jAx), "axons_per_core", int64(worstAx), int64(c.AxonsPerCore),
			"the fan-in is not split while the layer's fan-out does not fit either: fix fanout_entries_per_core first, or raise axons_per_core"})
	}
	if worstMem > c.SynapseMemoryBits() {
		errs = append(errs, Violation{ly.Name, alone(jMem), "synapse_memory_bytes", (worstMem + 7) / 8, int64(c.SynapseMemoryBytes),
			fmt.Sprintf("raise synapse_memory_bytes, lower weight_bits (now %d) or use sparse rows or shared conv kernels", c.WeightBits)})
	}
	if worstFan > int64(c.FanoutPerCore) {
		errs = append(errs, Violation{ly.Name, alone(jFan), "fanout_entries_per_core", worstFan, int64(c.FanoutPerCore),
			"the next layer spans too many cores: raise fanout_entries_per_core or neurons_per_core, or use multicast delivery"})
	}
	return errs
}

// bounds splits n neurons into k contiguous groups whose sizes differ by at
// most one (the first n%k groups get the extra neuron).
func bounds(n, k int) []int {
	b := make([]int, k+1)
	base, extra := n/k, n%k
	for g := 0; g < k; g++ {
		b[g+1] = b[g] + base
		if g < extra {
			b[g+1]++
		}
	}
	return b
}

// partition finds the fewest balanced groups, at least minK, that fit,
// starting from the lower bounds the neuron, memory and fan-out totals
// give.
func (pc *popCost) partition(minK int) ([]int, error) {
	n := pc.g.net.Layers[pc.l].Size
	if errs := pc.single(); len(errs) > 0 {
		return nil, joinViolations(errs)
	}
	c := &pc.cfg
	k := max((n+c.NeuronsPerCore-1)/c.NeuronsPerCore, 1, minK)
	k = max(k, int((pc.memTotal+c.SynapseMemoryBits()-1)/c.SynapseMemoryBits()))
	k = max(k, int((pc.fanout[n]+int64(c.FanoutPerCore)-1)/int64(c.FanoutPerCore)))
	for ; k <= n; k++ {
		if b := bounds(n, k); pc.fitsAll(b) {
			return b, nil
		}
	}
	// Every single neuron fits, so k = n always succeeds; unreachable.
	return nil, fmt.Errorf("chip: layer %s: no partition found", pc.g.net.Layers[pc.l].Name)
}

type violations []error

func (v violations) Error() string {
	s := ""
	for i, e := range v {
		if i > 0 {
			s += "\n"
		}
		s += e.Error()
	}
	return s
}

func (v violations) Unwrap() []error { return v }

func joinViolations(errs []error) error { return violations(errs) }
