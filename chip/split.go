package chip

import "fmt"

// Fan-in splitting, mapping side (docs/mapping.md, "Fan-in splitting").
//
// A population whose single neuron needs more input axons or synaptic
// memory than a core has is split along its inputs. Its axon space is the
// concatenation of its incoming projections' sources in edge order (axon
// index = offset of the projection + source index); it is cut into P
// contiguous, balanced parts. Every neuron group then gets P cores: part 0
// on the home core, which also holds the neurons, and parts 1..P-1 on
// splitter cores that hold only synapses and accumulators and send their
// partial sums to the home core each timestep.

// splitCost answers resource queries for a group of neurons restricted to
// one axon range [aLo, aHi) of population pc.l.
type splitCost struct {
	pc   *popCost
	offs []int // offs[i]: first axon index of incoming projection pc.in[i]
	A    int   // total axons (sum of source sizes)
}

func newSplitCost(pc *popCost) *splitCost {
	sc := &splitCost{pc: pc, offs: make([]int, len(pc.in))}
	for i := range pc.in {
		sc.offs[i] = sc.A
		sc.A += pc.in[i].e.in
	}
	return sc
}

// overlap returns the part of [lo, hi) inside [aLo, aHi) shifted to source
// indices of a projection whose axons start at off: sources [s0, s1).
func overlap(off, in, aLo, aHi int) (s0, s1 int) {
	s0, s1 = max(aLo-off, 0), min(aHi-off, in)
	if s1 < s0 {
		s1 = s0
	}
	return s0, s1
}

// axons is the number of distinct axons in [aLo, aHi) that feed neurons
// [lo, hi).
func (sc *splitCost) axons(lo, hi, aLo, aHi int) int {
	n := 0
	for i := range sc.pc.in {
		ic := &sc.pc.in[i]
		s0, s1 := overlap(sc.offs[i], ic.e.in, aLo, aHi)
		if s0 == s1 {
			continue
		}
		if !ic.e.rows() {
			n += s1 - s0
			continue
		}
		ic.stamp++
		for j := lo; j < hi; j++ {
			ic.e.sources(j, func(src int, _ int8) {
				if src >= s0 && src < s1 && ic.seen[src] != ic.stamp {
					ic.seen[src] = ic.stamp
					n++
				}
			})
		}
	}
	return n
}

// memBits is the synaptic memory of neurons [lo, hi) restricted to axons
// [aLo, aHi), in the configured format. A convolution stored as shared
// kernels keeps each present output channel's whole kernel on every part
// that has any of its inputs: an upper bound (a part needs only the kernel
// taps of its input channels).
func (sc *splitCost) memBits(lo, hi, aLo, aHi int) int64 {
	c := &sc.pc.cfg
	var bits int64
	for i := range sc.pc.in {
		ic := &sc.pc.in[i]
		s0, s1 := overlap(sc.offs[i], ic.e.in, aLo, aHi)
		if s0 == s1 {
			continue
		}
		if ic.shared {
			plane := ic.e.Conv.OutH * ic.e.Conv.OutW
			bits += int64((hi-1)/plane-lo/plane+1) * ic.kernelBits
			continue
		}
		var conns, nnz int64
		e := ic.e
		for j := lo; j < hi; j++ {
			if e.Kind == ProjDense {
				conns += int64(s1 - s0)
				if c.SynapseFormat == Sparse {
					for a := s0; a < s1; a++ {
						if e.Weights[a*e.out+j] != 0 {
							nnz++
						}
					}
				}
				continue
			}
			e.sources(j, func(src int, w int8) {
				if src >= s0 && src < s1 {
					conns++
					if w != 0 {
						nnz++
					}
				}
			})
		}
		if c.SynapseFormat == Sparse {
			bits += nnz * int64(c.WeightBits+c.IndexBits())
		} else {
			bits += conns * int64(c.WeightBits)
		}
	}
	return bits
}

// fits reports whether neurons [lo, hi) fit with their inputs cut at the
// axon bounds ab: every part's core within axons and memory, the home core
// (part 0) within fan-out entries, every core within neurons (a splitter
// keeps one accumulator per neuron of the group).
func (sc *splitCost) fits(lo, hi int, ab []int) bool {
	c := &sc.pc.cfg
	if hi-lo > c.NeuronsPerCore || sc.pc.fanoutEntries(lo, hi) > int64(c.FanoutPerCore) {
		return false
	}
	for p := 0; p+1 < len(ab); p++ {
		if sc.axons(lo, hi, ab[p], ab[p+1]) > c.AxonsPerCore || sc.memBits(lo, hi, ab[p], ab[p+1]) > c.SynapseMemoryBits() {
			return false
		}
	}
	return true
}

func (sc *splitCost) fitsAll(b, ab []int) bool {
	for g := 0; g+1 < len(b); g++ {
		if !sc.fits(b[g], b[g+1], ab) {
			return false
		}
	}
	return true
}

// minParts is the fewest axon parts that let every neuron alone fit a
// core: the lower bound the worst neuron's axons and memory give, raised
// until every neuron fits each balanced part.
func (sc *splitCost) minParts() (int, error) {
	c := &sc.pc.cfg
	n := sc.pc.g.net.Layers[sc.pc.l].Size
	p := 1
	for j := 0; j < n; j++ {
		p = max(p, (sc.axons(j, j+1, 0, sc.A)+c.AxonsPerCore-1)/c.AxonsPerCore)
		p = max(p, int((sc.memBits(j, j+1, 0, sc.A)+c.SynapseMemoryBits()-1)/c.SynapseMemoryBits()))
	}
	for ; p <= sc.A; p++ {
		ab := bounds(sc.A, p)
		ok := true
		for j := 0; j < n && ok; j++ {
			ok = sc.fits(j, j+1, ab)
		}
		if ok {
			return p, nil
		}
	}
	return 0, fmt.Errorf("chip: layer %s: no fan-in split fits: one synapse exceeds a core", sc.pc.g.net.Layers[sc.pc.l].Name)
}

// groups returns the fewest balanced neuron groups, at least minK and
// fewer than limit, such that every (group, part) core fits with the axon
// bounds ab; nil if there are none below limit.
func (sc *splitCost) groups(ab []int, minK, limit int) []int {
	pc := sc.pc
	n := pc.g.net.Layers[pc.l].Size
	c := &pc.cfg
	k := max((n+c.NeuronsPerCore-1)/c.NeuronsPerCore, 1, minK)
	k = max(k, int((pc.fanout[n]+int64(c.FanoutPerCore)-1)/int64(c.FanoutPerCore)))
	for p := 0; p+1 < len(ab); p++ {
		mem := sc.memBits(0, n, ab[p], ab[p+1])
		k = max(k, int((mem+c.SynapseMemoryBits()-1)/c.SynapseMemoryBits()))
	}
	for ; k <= n && k < limit; k++ {
		if b := bounds(n, k); sc.fitsAll(b, ab) {
			return b
		}
	}
	return nil
}

// maxExtraParts bounds the search for the split that needs the fewest
// cores: parts from P0 (the fewest that fit) to max(4 P0, P0 + 16). A choice of
// this package (it keeps mapping fast), not a hardware figure.
const maxExtraParts = 16

// partitionSplit splits population pc.l along its inputs and into neuron
// groups. By default it takes the fewest axon parts with which every
// neuron fits (fewest partial sums, shortest wait). With fewestCores it
// takes the split that needs the fewest cores (parts x groups; fewer
// parts on a tie): more parts can let each group hold more neurons (a
// convolution cut by input channel), so fewer groups, which cuts the
// fan-out of the populations that feed it; Map asks for it when the
// fewest parts leave a source with too many destinations. It returns the
// neuron and axon bounds.
func (pc *popCost) partitionSplit(minK int, fewestCores bool) (b, ab []int, err error) {
	sc := newSplitCost(pc)
	p0, err := sc.minParts()
	if err != nil {
		return nil, nil, err
	}
	n := pc.g.net.Layers[pc.l].Size
	last := p0
	if fewestCores {
		last = min(sc.A, max(4*p0, p0+maxExtraParts))
	}
	best := n*sc.A + 1 // more cores than any split needs
	for p := p0; p <= last && p < best; p++ {
		abp := bounds(sc.A, p)
		single := true // every neuron alone must fit each part of this cut
		for j := 0; j < n && single; j++ {
			single = sc.fits(j, j+1, abp)
		}
		if !single {
			continue
		}
		if bp := sc.groups(abp, minK, (best+p-1)/p); bp != nil && (len(bp)-1)*p < best {
			b, ab, best = bp, abp, (len(bp)-1)*p
		}
	}
	if b == nil { // p0 always has a partition: one neuron per group fits
		return nil, nil, fmt.Errorf("chip: layer %s: no split partition found", pc.g.net.Layers[pc.l].Name)
	}
	return b, ab, nil
}

// needsSplit reports whether some neuron alone exceeds a core's axons or
// synaptic memory (and nothing else a fan-in split cannot fix).
func (pc *popCost) needsSplit() bool {
	c := &pc.cfg
	n := pc.g.net.Layers[pc.l].Size
	for j := 0; j < n; j++ {
		if pc.fanoutEntries(j, j+1) > int64(c.FanoutPerCore) {
			return false
		}
	}
	for j := 0; j < n; j++ {
		if pc.axons(j, j+1) > c.AxonsPerCore || pc.memBits(j, j+1) > c.SynapseMemoryBits() {
			return true
		}
	}
	return false
}

// LayerSplit is what fan-in splitting did to one population.
type LayerSplit struct {
	Layer         int // index in Network.Layers
	Neurons       int // neurons whose inputs are split (the whole population)
	Parts         int // axon parts per neuron group: cores per group
	Groups        int // neuron groups (home cores)
	SplitterCores int // extra cores: Groups x (Parts - 1)
}

// Splits lists the populations whose fan-in is split, in population order
// (none when nothing is split).
func (m *Mapping) Splits() []LayerSplit {
	var out []LayerSplit
	for l, cores := range m.LayerCores {
		if len(cores) == 0 || m.Cores[cores[0]].Split == nil {
			continue
		}
		ls := LayerSplit{Layer: l, Neurons: m.Net.Layers[l].Size, Parts: m.Cores[cores[0]].Split.Parts}
		for _, ci := range cores {
			if m.Cores[ci].Splitter() {
				ls.SplitterCores++
			} else {
				ls.Groups++
			}
		}
		out = append(out, ls)
	}
	return out
}
