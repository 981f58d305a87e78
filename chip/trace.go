package chip

import "github.com/spikemesh/spikemesh/router"

// Bounds on the per-neuron records of a Trace, in array entries. They keep
// a traced run's memory modest whatever the network and sample count:
// MaxTraceCounts int32 counts are 64 MiB, MaxTraceRaster int8 raster
// entries 16 MiB. Samples past a bound are still simulated and summed
// into the per-core and per-link arrays, but get no per-neuron record.
// (Chosen, not measured: large enough for every MNIST test image of the
// built-in MLP, 1,034 neurons, and for its first 507 rasters at 32
// timesteps; see docs/mapping.md, "Traces".)
const (
	MaxTraceCounts = 1 << 24
	MaxTraceRaster = 1 << 24
)

// Trace records activity per timestep, summed over every sample run while
// it is attached (EnableTrace): per core, the spikes it fired, the synaptic
// events it processed and its busy cycles; per mesh link, the flits sent.
// Index [t*Cores + ci] and [t*Links + li]; link li is router*4 + output
// port (N, E, S, W, as in package router).
//
// It also records every neuron's activity sample by sample, per layer l
// of Sizes[l] neurons: NeuronCounts[l][s*Sizes[l] + n] is neuron n's net
// spike count in sample s (positive minus negative spikes, so signed for
// bidirectional neurons), for the first CountSamples samples; and
// Raster[l][(s*T + t)*Sizes[l] + n] is its spike at timestep t (+1, -1
// for a negative spike, 0 for none; at most one per neuron and timestep)
// for the first RasterSamples samples. The bounds are MaxTraceCounts and
// MaxTraceRaster entries over all layers.
type Trace struct {
	T, Cores, Links int
	Samples         int
	Spikes          []uint64
	SynOps          []uint64
	BusyCycles      []uint64
	LinkFlits       []uint64

	Sizes         []int
	CountSamples  int
	NeuronCounts  [][]int32
	RasterSamples int
	Raster        [][]int8

	// the sample being run: its counts and raster, per layer
	count  [][]int32
	raster [][]int8
	// the bounds, MaxTraceCounts and MaxTraceRaster (lowered by tests)
	maxCounts, maxRaster int
}

// EnableTrace attaches a trace of the first maxT timesteps of every
// following run and returns it. Samples then run one at a time (see
// RunSamples), so the per-neuron records are in sample order.
func (s *Simulator) EnableTrace(maxT int) *Trace {
	links := s.mesh.NumRouters() * router.NumMeshPorts
	n := len(s.cores)
	tr := &Trace{T: maxT, Cores: n, Links: links,
		Spikes: make([]uint64, maxT*n), SynOps: make([]uint64, maxT*n), BusyCycles: make([]uint64, maxT*n),
		LinkFlits: make([]uint64, maxT*links), maxCounts: MaxTraceCounts, maxRaster: MaxTraceRaster}
	L := len(s.m.Net.Layers)
	tr.Sizes = make([]int, L)
	tr.NeuronCounts, tr.Raster = make([][]int32, L), make([][]int8, L)
	tr.count, tr.raster = make([][]int32, L), make([][]int8, L)
	neurons := 0
	for l, ly := range s.m.Net.Layers {
		tr.Sizes[l] = ly.Size
		tr.count[l] = make([]int32, ly.Size)
		neurons += ly.Size
	}
	if maxT*neurons <= tr.maxRaster { // else not even one raster is kept
		for l, n := range tr.Sizes {
			tr.raster[l] = make([]int8, maxT*n)
		}
	}
	s.trace = tr
	return tr
}

func (tr *Trace) addCore(t, ci, spikes int, ops, busy uint64) {
	if t >= tr.T {
		return
	}
	i := t*tr.Cores + ci
	tr.Spikes[i] += uint64(spikes)
	tr.SynOps[i] += ops
	tr.BusyCycles[i] += busy
}

// addFired records the spikes a core of layer l, holding neurons lo, ...,
// fired at timestep t (ni, or ^ni for a negative spike).
func (tr *Trace) addFired(t, l, lo int, fired []int32) {
	count := tr.count[l]
	var row []int8
	if t < tr.T && tr.raster[l] != nil {
		row = tr.raster[l][t*tr.Sizes[l]:]
	}
	for _, f := range fired {
		n, d := lo+int(f), int8(1)
		if f < 0 {
			n, d = lo+int(^f), -1
		}
		count[n] += int32(d)
		if row != nil {
			row[n] = d
		}
	}
}

// endSample keeps the finished sample's per-neuron records while they fit
// their bounds and clears them for the next sample.
func (tr *Trace) endSample() {
	neurons := 0
	for _, n := range tr.Sizes {
		neurons += n
	}
	keepCounts := tr.CountSamples == tr.Samples && (tr.CountSamples+1)*neurons <= tr.maxCounts
	keepRaster := tr.RasterSamples == tr.Samples && (tr.RasterSamples+1)*tr.T*neurons <= tr.maxRaster && tr.raster[0] != nil
	for l := range tr.Sizes {
		if keepCounts {
			tr.NeuronCounts[l] = append(tr.NeuronCounts[l], tr.count[l]...)
		}
		if keepRaster {
			tr.Raster[l] = append(tr.Raster[l], tr.raster[l]...)
		}
		clear(tr.count[l])
		clear(tr.raster[l])
	}
	if keepCounts {
		tr.CountSamples++
	}
	if keepRaster {
		tr.RasterSamples++
	}
	tr.Samples++
}

func (tr *Trace) addLinks(t int, flits []uint64) {
	if t >= tr.T {
		return
	}
	row := tr.LinkFlits[t*tr.Links : (t+1)*tr.Links]
	for i, f := range flits {
		row[i] += f
	}
}
