package router

import (
	"math"
	"math/bits"
)

// Stats summarises one Run (or, after Add, several). All times are in
// router clock cycles. Stats is comparable with ==.
//
// For every Run of unicast packets, LatencySum equals the sum of the
// packets' zero-load latencies (Mesh.ZeroLoadLatency) plus StallCycles: a
// packet is late exactly by the cycles it spent waiting.
type Stats struct {
	Injected uint64 // packets injected (a multicast packet counts once)
	Packets  uint64 // deliveries: one per unicast packet, one per multicast destination
	Hops     uint64 // router-to-router link traversals by packets (HopsX + HopsY)
	HopsX    uint64 // east-west traversals
	HopsY    uint64 // north-south traversals
	// HopsOffChip counts the traversals of chip-to-chip links (a board of
	// chips, Config.ChipWidth); they are included in HopsX and HopsY too.
	HopsOffChip uint64
	FlitHops    uint64 // router-to-router link traversals by flits: Hops * PacketFlits

	LastArrival uint64 // cycle of the last delivery (0 if none)
	LatencySum  uint64 // sum over deliveries of Arrive - Inject
	LatencyMax  uint64 // largest Arrive - Inject

	// DrainCycles is LastArrival minus the largest Inject cycle of the
	// Run: the cycles the mesh needs to empty after the last packet is
	// offered. Add sums it, giving the total over timesteps.
	DrainCycles uint64

	// StallCycles counts packet-cycles spent waiting: every cycle a packet
	// (a multicast copy, per output it still needs) sits at or behind the
	// head of an input buffer after it could first compete without being
	// granted (lost to another input, output link busy, no credit, or its
	// input still sending the previous packet), plus every cycle it sits
	// in its injection queue at or after its Inject cycle without leaving.
	StallCycles uint64
	// InjectStallCycles is the part of StallCycles spent in injection queues.
	InjectStallCycles uint64
	// BackPressureStalls counts input-cycles in which the head of an input
	// buffer requested a mesh output that was free but whose downstream
	// buffer had no room for a whole packet (credit back-pressure).
	BackPressureStalls uint64
}

// Add accumulates o into s: counts and sums are added, LastArrival and
// LatencyMax take the maximum. Note that LastArrival of separate Runs is
// measured from each Run's own cycle 0.
func (s *Stats) Add(o Stats) {
	s.Injected += o.Injected
	s.Packets += o.Packets
	s.Hops += o.Hops
	s.HopsX += o.HopsX
	s.HopsY += o.HopsY
	s.HopsOffChip += o.HopsOffChip
	s.FlitHops += o.FlitHops
	s.LastArrival = max(s.LastArrival, o.LastArrival)
	s.LatencySum += o.LatencySum
	s.LatencyMax = max(s.LatencyMax, o.LatencyMax)
	s.DrainCycles += o.DrainCycles
	s.StallCycles += o.StallCycles
	s.InjectStallCycles += o.InjectStallCycles
	s.BackPressureStalls += o.BackPressureStalls
}

// MeanLatency returns LatencySum / Packets, or 0 without deliveries.
func (s Stats) MeanLatency() float64 {
	if s.Packets == 0 {
		return 0
	}
	return float64(s.LatencySum) / float64(s.Packets)
}

// Histogram bucket layout: values below histExact have a bucket each;
// above, a value v with bit length e+1 falls in one of 2^histMant buckets
// per power of two, so a bucket spans less than 1/256 of its lower bound.
const (
	histExactBits = 12
	histExact     = 1 << histExactBits
	histMant      = 8
	histBuckets   = histExact + (64-histExactBits)<<histMant
)

// Histogram counts non-negative integer values (latencies in cycles) in
// memory bounded by about 17k counters. Values below 4096 are counted
// exactly; larger ones in buckets narrower than 1/256 of their value.
// Count, Mean and Max are always exact. The zero Histogram is empty and
// ready to use; it grows on first use and then never allocates.
type Histogram struct {
	counts   []uint64
	n, sum   uint64
	min, max uint64
}

func histIndex(v uint64) int {
	if v < histExact {
		return int(v)
	}
	e := bits.Len64(v) - 1 // >= histExactBits
	shift := e - histMant
	return histExact + (e-histExactBits)<<histMant + int((v>>shift)&(1<<histMant-1))
}

// histLow returns the smallest value of bucket i.
func histLow(i int) uint64 {
	if i < histExact {
		return uint64(i)
	}
	i -= histExact
	e := i>>histMant + histExactBits
	return (1<<histMant | uint64(i&(1<<histMant-1))) << (e - histMant)
}

// Add counts one value.
func (h *Histogram) Add(v uint64) {
	i := histIndex(v)
	if i >= len(h.counts) {
		h.grow(i)
	}
	h.counts[i]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	h.n++
	h.sum += v
	h.max = max(h.max, v)
}

func (h *Histogram) grow(i int) {
	n := min(max(2*len(h.counts), i+1, 256), histBuckets)
	c := make([]uint64, n)
	copy(c, h.counts)
	h.counts = c
}

// Reset empties h, keeping its memory.
func (h *Histogram) Reset() {
	if h.n > 0 {
		clear(h.counts[:histIndex(h.max)+1])
	}
	h.n, h.sum, h.min, h.max = 0, 0, 0, 0
}

// Merge adds every value counted in o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	top := histIndex(o.max)
	if top >= len(h.counts) {
		h.grow(top)
	}
	for i, c := range o.counts[:top+1] {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// Count returns the number of values counted.
func (h *Histogram) Count() uint64 { return h.n }

// Sum returns the sum of the values counted.
func (h *Histogram) Sum() uint64 { return h.sum }

// Max returns the largest value counted (0 if none).
func (h *Histogram) Max() uint64 { return h.max }

// Mean returns the mean value, or 0 if h is empty.
func (h *Histogram) Mean() float64 {
	if h.n == 0 {
		return 0
	}
	return float64(h.sum) / float64(h.n)
}

// Quantile returns the q-quantile by the nearest-rank rule: the smallest
// counted value v such that at least ceil(q*Count) values are <= v (q is
// clamped to [0, 1]; q = 0 gives the minimum). It is exact when that value
// is below 4096 or the maximum (q = 1), and otherwise the lower bound of
// its bucket (within 1/256 below the true value) but never below the exact
// minimum. An empty Histogram gives 0.
func (h *Histogram) Quantile(q float64) uint64 {
	if h.n == 0 {
		return 0
	}
	q = min(max(q, 0), 1)
	rank := uint64(math.Ceil(q * float64(h.n)))
	switch {
	case rank == 0:
		return h.min
	case rank >= h.n:
		return h.max
	}
	var cum uint64
	for i, c := range h.counts[:histIndex(h.max)+1] {
		cum += c
		if cum >= rank {
			return min(max(histLow(i), h.min), h.max)
		}
	}
	return h.max
}

// LatencyHistogram returns the distribution of Arrive - Inject over the
// deliveries of the last Run. It is owned by the mesh and overwritten by
// the next Run; Merge it into a Histogram of your own to keep it.
func (m *Mesh) LatencyHistogram() *Histogram { return &m.lat }

// LinkFlits returns the flits router ri sent through output port out
// during the last Run: for a mesh port, over the link to the neighbour;
// for a local port, over the ejection link to that endpoint. ri and out
// must be in range.
func (m *Mesh) LinkFlits(ri int32, out Port) uint64 {
	return m.outs[ri*m.np+int32(out)].flits
}

// LinkUtilization returns LinkFlits(ri, out) / (LinkWidth * cycles): the
// fraction of the link's flit slots used over a window of cycles (for
// example Stats.LastArrival+1). It is 0 when cycles is 0.
func (m *Mesh) LinkUtilization(ri int32, out Port, cycles uint64) float64 {
	if cycles == 0 {
		return 0
	}
	return float64(m.LinkFlits(ri, out)) / (float64(m.cfg.linkWidth()) * float64(cycles))
}
