package chip

import (
	"github.com/spikemesh/spikemesh/internal/membudget"

	"runtime"
	"unsafe"

	"github.com/spikemesh/spikemesh/router"
)

// MeshBytes is the memory one Simulator takes for this chip's mesh: the
// router arrays (router.Config.MeshBytes) and three per-link flit
// counters the chip keeps (the timestep's, the sample's, and the copy in
// the Result it returns; LinkBytes each). It depends on the chip's size
// alone, not on how many cores the workload uses, so it can be checked
// against a memory budget before anything is built. Every Simulator
// replica (one per worker, see RunSamples) has its own.
func (c Config) MeshBytes() int64 {
	return membudget.SatAdd(c.RouterConfig().MeshBytes(), membudget.SatMul(3, c.LinkBytes()))
}

// LinkBytes is one per-link flit counter over the board's mesh (a uint64
// per router and mesh port), the size of Result.LinkFlits.
func (c Config) LinkBytes() int64 {
	return membudget.SatMul(membudget.SatMul(int64(max(c.BoardWidth(), 0)), int64(max(c.BoardHeight(), 0))), router.NumMeshPorts*8)
}

// PlacementBytes is the memory traffic-aware placement (greedy, anneal)
// takes beyond the mapping: a free flag and an occupancy count per
// physical core of the board. Row-major placement takes none.
func (c Config) PlacementBytes() int64 {
	if c.Placement == RowMajor {
		return 0
	}
	return membudget.SatMul(int64(max(c.Cores(), 0)), int64(unsafe.Sizeof(false)+unsafe.Sizeof(int(0))))
}

// RunBytes is the memory RunSamples needs for samples samples on workers
// workers (<= 0: GOMAXPROCS): MeshBytes for the Simulator and, with more
// than one worker and sample, for each worker's replica; the Results
// waiting in its window (two per worker), each with its LinkBytes; one
// more LinkBytes for the caller's sum over samples; and PlacementBytes.
func (c Config) RunBytes(workers, samples int) int64 {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	meshes, inFlight := int64(1), int64(0)
	if w := min(workers, samples); w > 1 {
		meshes += int64(w)
		inFlight = 2 * int64(w)
	}
	b := membudget.SatMul(c.MeshBytes(), meshes)
	b = membudget.SatAdd(b, membudget.SatMul(c.LinkBytes(), inFlight+1))
	return membudget.SatAdd(b, c.PlacementBytes())
}

// TraceBytes is the memory a Trace of T timesteps takes on m
// (EnableTrace): three uint64 counters per core and timestep (spikes,
// synaptic events, busy cycles), one per mesh link and timestep, the
// current sample's per-neuron buffers, and at most MaxTraceCounts int32
// counts and MaxTraceRaster int8 raster entries.
// Traces are summed over samples per timestep, so they are held whole
// until written; this is the size to check before a traced run.
func TraceBytes(m *Mapping, T int) int64 {
	links := membudget.SatMul(int64(m.Config.BoardWidth()*m.Config.BoardHeight()), router.NumMeshPorts)
	perStep := membudget.SatAdd(membudget.SatMul(int64(len(m.Cores)), 3*8), membudget.SatMul(links, 8))
	neurons := int64(0)
	for _, ly := range m.Net.Layers {
		neurons += int64(ly.Size)
	}
	b := membudget.SatMul(int64(max(T, 0)), perStep)
	b = membudget.SatAdd(b, membudget.SatMul(neurons, 4))                                     // the sample's counts
	b = membudget.SatAdd(b, min(membudget.SatMul(neurons, int64(max(T, 0))), MaxTraceRaster)) // its raster, if kept
	return membudget.SatAdd(b, MaxTraceCounts*4+MaxTraceRaster)
}

// Bytes per synapse NewSimulator lays out for a sparse or convolutional
// projection, an upper bound from its data structures: the block's
// target and weight (uint16 + int8), its row index (rowStart, nnz and the
// two build-time arrays, 4 x int32 per row, at most a row per synapse),
// the fan-out entries (a destination core per source row and a block and
// a destination per neuron, 3 x int32) and the sparse graph's post index
// (int32).
const sparseSynapseBytes = 2 + 1 + 4*4 + 3*4 + 4

// SynapseBytes is an upper bound on the memory NewSimulator takes for the
// synapses of m: on every core, a dense projection's rows (an int8 weight
// per source and neuron of the core, an int32 count per source) and a
// sparse or convolutional projection's source index (an int32 per
// source); per projection, sparseSynapseBytes per synapse (convolution
// taps counted without subtracting padding) and a fan-out list header
// per source. It is computed from the mapping's sizes without building
// anything, so a network too large for a memory budget can be refused
// before NewSimulator allocates; add RunBytes for the mesh. Neuron state
// (a few words per neuron) is not counted.
func (m *Mapping) SynapseBytes() int64 {
	net := m.Net
	var b int64
	for _, p := range net.Edges() {
		in, out := int64(net.SourceSize(p.From)), int64(net.Layers[p.To].Size)
		for _, ci := range m.LayerCores[p.To] {
			n := int64(m.Cores[ci].Neurons())
			if p.Kind == ProjDense {
				b = membudget.SatAdd(b, membudget.SatMul(in, n+4))
			} else {
				b = membudget.SatAdd(b, membudget.SatMul(in, 4))
			}
		}
		if p.Kind == ProjDense {
			continue
		}
		conns := out // one-to-one
		switch p.Kind {
		case ProjSparse:
			conns = int64(len(p.Synapses))
		case ProjConv:
			c := p.Conv
			conns = membudget.SatMul(membudget.SatMul(out, int64(c.InC/max(c.Groups, 1))), int64(c.KH)*int64(c.KW))
		}
		b = membudget.SatAdd(b, membudget.SatMul(conns, sparseSynapseBytes))
		b = membudget.SatAdd(b, membudget.SatMul(in, int64(unsafe.Sizeof([]int32(nil)))))
	}
	return b
}
