package chip

import "fmt"

// layerCost knows, for one layer, what a contiguous group of its neurons
// needs of every per-core resource. Prefix sums make each query O(1),
// except the axon count of a convolution group, which is the size of the
// union of its receptive fields.
type layerCost struct {
	net    *Network
	l      int
	cfg    Config
	mem    []int64 // prefix sums of per-neuron synaptic memory bits (dense and per-connection conv)
	fanout []int64 // prefix sums of destination cores per neuron
	// convolution groups
	conv       *Conv
	kernelBits int64   // bits of one output channel's kernel (shared storage)
	seen       []int32 // scratch: stamp per source for union counting
	stamp      int32
}

// neuronCost returns the per-neuron synaptic memory bits of layer l in the
// configured format. For a convolution stored per connection, each
// connection (padding taps excluded) is one synapse.
func newLayerCost(net *Network, l int, cfg Config, destCount func(j int) int64) *layerCost {
	ly := &net.Layers[l]
	in := net.In(l)
	lc := &layerCost{net: net, l: l, cfg: cfg, conv: ly.Conv}
	lc.mem = make([]int64, ly.Size+1)
	lc.fanout = make([]int64, ly.Size+1)
	for j := 0; j < ly.Size; j++ {
		var conns, nnz int64
		if ly.Conv != nil {
			ly.Conv.Sources(j, func(_ int, w int8) {
				conns++
				if w != 0 {
					nnz++
				}
			})
		} else {
			conns = int64(in)
			if cfg.SynapseFormat == Sparse {
				for a := 0; a < in; a++ {
					if ly.Weights[a*ly.Size+j] != 0 {
						nnz++
					}
				}
			}
		}
		bits := conns * int64(cfg.WeightBits)
		if cfg.SynapseFormat == Sparse {
			bits = nnz * int64(cfg.WeightBits+cfg.IndexBits())
		}
		lc.mem[j+1] = lc.mem[j] + bits
		if destCount != nil {
			lc.fanout[j+1] = lc.fanout[j] + destCount(j)
		}
	}
	if ly.Conv != nil {
		cv := ly.Conv
		lc.kernelBits = int64(cv.InC/cv.Groups*cv.KH*cv.KW) * int64(cfg.WeightBits)
		lc.seen = make([]int32, in)
	}
	return lc
}

// memBits is the synaptic memory of neurons [lo, hi).
func (lc *layerCost) memBits(lo, hi int) int64 {
	if lc.conv != nil && lc.cfg.ConvWeights == SharedKernels {
		plane := lc.conv.OutH * lc.conv.OutW
		channels := (hi-1)/plane - lo/plane + 1
		return int64(channels) * lc.kernelBits
	}
	return lc.mem[hi] - lc.mem[lo]
}

// axons is the number of distinct presynaptic sources of neurons [lo, hi).
func (lc *layerCost) axons(lo, hi int) int {
	if lc.conv == nil {
		return lc.net.In(lc.l)
	}
	lc.stamp++
	n := 0
	for j := lo; j < hi; j++ {
		lc.conv.Sources(j, func(src int, _ int8) {
			if lc.seen[src] != lc.stamp {
				lc.seen[src] = lc.stamp
				n++
			}
		})
	}
	return n
}

func (lc *layerCost) fanoutEntries(lo, hi int) int64 { return lc.fanout[hi] - lc.fanout[lo] }

// fits reports whether neurons [lo, hi) fit one core.
func (lc *layerCost) fits(lo, hi int) bool {
	c := &lc.cfg
	return hi-lo <= c.NeuronsPerCore && lc.memBits(lo, hi) <= c.SynapseMemoryBits() &&
		lc.fanoutEntries(lo, hi) <= int64(c.FanoutPerCore) && lc.axons(lo, hi) <= c.AxonsPerCore
}

// single returns the violations of the most demanding single neuron: if
// one neuron cannot fit a core, no split helps.
func (lc *layerCost) single() []error {
	ly := &lc.net.Layers[lc.l]
	c := &lc.cfg
	var worstMem, worstFan int64
	worstAx, jMem, jFan, jAx := 0, 0, 0, 0
	for j := 0; j < ly.Size; j++ {
		if m := lc.memBits(j, j+1); m > worstMem {
			worstMem, jMem = m, j
		}
		if f := lc.fanoutEntries(j, j+1); f > worstFan {
			worstFan, jFan = f, j
		}
		if lc.conv != nil {
			if a := lc.axons(j, j+1); a > worstAx {
				worstAx, jAx = a, j
			}
		}
	}
	if lc.conv == nil {
		worstAx = lc.net.In(lc.l)
	}
	alone := func(j int) string { return fmt.Sprintf("neuron %d alone; no split can help", j) }
	var errs []error
	if worstAx > c.AxonsPerCore {
		errs = append(errs, Violation{ly.Name, alone(jAx), "axons_per_core", int64(worstAx), int64(c.AxonsPerCore),
			"every input of a neuron must reach its core (splitting the fan-in is not supported): raise axons_per_core"})
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

// partition finds the fewest balanced groups that fit, starting from the
// lower bounds the neuron, memory and fan-out totals give.
func (lc *layerCost) partition() ([]int, error) {
	n := lc.net.Layers[lc.l].Size
	if errs := lc.single(); len(errs) > 0 {
		return nil, joinViolations(errs)
	}
	c := &lc.cfg
	k := max((n+c.NeuronsPerCore-1)/c.NeuronsPerCore, 1)
	if lc.conv == nil || c.ConvWeights != SharedKernels {
		k = max(k, int((lc.mem[n]+c.SynapseMemoryBits()-1)/c.SynapseMemoryBits()))
	}
	k = max(k, int((lc.fanout[n]+int64(c.FanoutPerCore)-1)/int64(c.FanoutPerCore)))
	for ; k <= n; k++ {
		b := bounds(n, k)
		ok := true
		for g := 0; g < k && ok; g++ {
			ok = lc.fits(b[g], b[g+1])
		}
		if ok {
			return b, nil
		}
	}
	// Every single neuron fits, so k = n always succeeds; unreachable.
	return nil, fmt.Errorf("chip: layer %s: no partition found", lc.net.Layers[lc.l].Name)
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
