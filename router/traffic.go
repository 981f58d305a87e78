package router

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Pattern selects the destination of synthetic traffic (see Traffic).
type Pattern uint8

const (
	// Uniform sends each packet to a router chosen uniformly among all
	// routers, the source's own included.
	Uniform Pattern = iota
	// Transpose sends from (x, y) to (y, x); it needs a square mesh.
	// Routers on the diagonal send to themselves.
	Transpose
	// Hotspot sends a packet to Traffic.HotspotRouter with probability
	// Traffic.HotspotShare and otherwise as Uniform.
	Hotspot
	// Neighbor sends each packet to one of the source's mesh neighbours
	// (2 to 4 of them), chosen uniformly: one hop, no bisection traffic.
	Neighbor

	numPatterns
)

var patternNames = [numPatterns]string{Uniform: "uniform", Transpose: "transpose", Hotspot: "hotspot", Neighbor: "neighbor"}

// String returns the pattern's name, or "Pattern(n)" for an invalid value.
func (p Pattern) String() string {
	if p < numPatterns {
		return patternNames[p]
	}
	return fmt.Sprintf("Pattern(%d)", uint8(p))
}

// MarshalText implements encoding.TextMarshaler.
func (p Pattern) MarshalText() ([]byte, error) {
	if p >= numPatterns {
		return nil, fmt.Errorf("router: invalid traffic pattern %d; valid: %s", uint8(p), strings.Join(patternNames[:], ", "))
	}
	return []byte(patternNames[p]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; names are matched
// without regard to case.
func (p *Pattern) UnmarshalText(text []byte) error {
	for i, name := range patternNames {
		if strings.EqualFold(string(text), name) {
			*p = Pattern(i)
			return nil
		}
	}
	return fmt.Errorf("router: unknown traffic pattern %q; valid: %s", text, strings.Join(patternNames[:], ", "))
}

// Limits of one RunTraffic: the packets it generates, and the node-cycles
// of its generator (one random draw each).
const (
	MaxTrafficPackets    = 1 << 26
	MaxTrafficNodeCycles = 1 << 33
)

// Traffic describes a synthetic load in the manner of BookSim: every
// router is a node whose endpoint 0 generates packets by a Bernoulli
// process, each cycle independently with probability Rate/PacketFlits,
// during cycles [0, Warmup+Measure). Packets generated in the
// measurement window [Warmup, Warmup+Measure) are the measured ones; the
// Run then continues until every packet is delivered (the drain phase), so
// every measured packet's latency is known.
type Traffic struct {
	Pattern Pattern
	Rate    float64 // offered load, flits per node per cycle, in [0, PacketFlits]
	Warmup  uint64  // cycles generated before measurement starts
	Measure uint64  // cycles of the measurement window (>= 1)
	Seed    uint64  // the generator is a PCG seeded with (Seed, pattern)

	HotspotShare  float64 // Hotspot: share of packets to HotspotRouter, in [0, 1]
	HotspotRouter int32   // Hotspot: the hot router's index
}

// LoadPoint is the result of one RunTraffic: one point of the
// latency-versus-offered-load curve.
type LoadPoint struct {
	Rate float64 // Traffic.Rate
	// Offered is the load generated in the measurement window and Accepted
	// the load delivered in it, both in flits per node per cycle. Below
	// saturation they agree up to sampling noise; above it, Accepted is
	// the saturation throughput.
	Offered, Accepted float64
	Measured          uint64    // packets generated in the window
	Latency           Histogram // Arrive - Inject of the measured packets, source queueing included
	ZeroLoad          float64   // mean zero-load latency of the measured packets
	Stats             Stats     // the whole Run (warm-up, measurement and drain)
}

// Validate checks t against the mesh configuration c.
func (t Traffic) Validate(c Config) error {
	f := float64(c.Flits())
	switch {
	case t.Pattern >= numPatterns:
		return fmt.Errorf("router: Traffic.Pattern (%d) is not a pattern; valid: %s", uint8(t.Pattern), strings.Join(patternNames[:], ", "))
	case !(t.Rate >= 0 && t.Rate <= f):
		return fmt.Errorf("router: Traffic.Rate (%g) must be in [0, PacketFlits=%g] flits/node/cycle", t.Rate, f)
	case t.Measure < 1:
		return fmt.Errorf("router: Traffic.Measure (%d) must be >= 1 cycle", t.Measure)
	case t.Warmup > MaxInject || t.Measure > MaxInject || t.Warmup+t.Measure > MaxInject:
		return fmt.Errorf("router: Traffic.Warmup+Measure (%d+%d) must be <= MaxInject", t.Warmup, t.Measure)
	case float64(c.Width*c.Height)*float64(t.Warmup+t.Measure) > MaxTrafficNodeCycles:
		return fmt.Errorf("router: Traffic covers %d nodes x %d cycles, more than MaxTrafficNodeCycles (%d)",
			c.Width*c.Height, t.Warmup+t.Measure, uint64(MaxTrafficNodeCycles))
	case t.Pattern == Transpose && c.Width != c.Height:
		return fmt.Errorf("router: Traffic.Pattern transpose needs a square mesh, not %dx%d", c.Width, c.Height)
	case t.Pattern == Hotspot && !(t.HotspotShare >= 0 && t.HotspotShare <= 1):
		return fmt.Errorf("router: Traffic.HotspotShare (%g) must be in [0, 1]", t.HotspotShare)
	case t.Pattern == Hotspot && (t.HotspotRouter < 0 || int(t.HotspotRouter) >= c.Width*c.Height):
		return fmt.Errorf("router: Traffic.HotspotRouter (%d) must be in [0, %d)", t.HotspotRouter, c.Width*c.Height)
	}
	nodes := float64(c.Width * c.Height)
	if want := t.Rate / f * nodes * float64(t.Warmup+t.Measure); want > MaxTrafficPackets {
		return fmt.Errorf("router: Traffic would generate about %.0f packets, more than MaxTrafficPackets (%d); lower Rate or Warmup+Measure", want, MaxTrafficPackets)
	}
	return nil
}

// RunTraffic generates t on m (which must have no pending packets), runs
// it to completion in one Run, and measures it. The result depends only on
// m's Config and t.
func RunTraffic(m *Mesh, t Traffic) (LoadPoint, error) {
	c := m.cfg
	if err := t.Validate(c); err != nil {
		return LoadPoint{}, err
	}
	if m.Pending() != 0 {
		return LoadPoint{}, fmt.Errorf("router: RunTraffic needs a mesh without pending packets (%d pending)", m.Pending())
	}
	const measuredTag = 1
	rng := rand.New(rand.NewPCG(t.Seed, uint64(t.Pattern)))
	p := t.Rate / float64(c.Flits())
	end := t.Warmup + t.Measure
	nr := m.nr
	var zeroSum uint64
	var measured uint64
	for cyc := range end {
		for ri := range nr {
			if rng.Float64() >= p {
				continue
			}
			dst := m.trafficDst(t, ri, rng)
			pk := Packet{Src: Endpoint{Router: ri}, Dst: Endpoint{Router: dst}, Inject: cyc}
			if cyc >= t.Warmup {
				pk.Tag = measuredTag
				measured++
				zeroSum += m.ZeroLoadLatency(pk.Src, pk.Dst)
			}
			if err := m.Inject(pk); err != nil {
				m.pk = m.pk[:0]
				return LoadPoint{}, err
			}
		}
	}
	lp := LoadPoint{Rate: t.Rate, Measured: measured}
	var accepted uint64
	st := m.Run(func(d Delivery) {
		if d.Arrive >= t.Warmup && d.Arrive < end {
			accepted++
		}
		if d.Packet.Tag == measuredTag {
			lp.Latency.Add(d.Arrive - d.Packet.Inject)
		}
	})
	lp.Stats = st
	den := float64(nr) * float64(t.Measure)
	lp.Offered = float64(measured) * float64(c.Flits()) / den
	lp.Accepted = float64(accepted) * float64(c.Flits()) / den
	if measured > 0 {
		lp.ZeroLoad = float64(zeroSum) / float64(measured)
	}
	return lp, nil
}

// trafficDst returns the destination router of a packet from router ri.
func (m *Mesh) trafficDst(t Traffic, ri int32, rng *rand.Rand) int32 {
	switch t.Pattern {
	case Transpose:
		return m.Router(int(m.ys[ri]), int(m.xs[ri]))
	case Hotspot:
		if rng.Float64() < t.HotspotShare {
			return t.HotspotRouter
		}
	case Neighbor:
		var nb [NumMeshPorts]int32
		n := 0
		x, y := m.xs[ri], m.ys[ri]
		if y+1 < int32(m.cfg.Height) {
			nb[n], n = ri+m.w, n+1
		}
		if x+1 < m.w {
			nb[n], n = ri+1, n+1
		}
		if y > 0 {
			nb[n], n = ri-m.w, n+1
		}
		if x > 0 {
			nb[n], n = ri-1, n+1
		}
		if n == 0 {
			return ri // a 1x1 mesh has no neighbour
		}
		return nb[rng.IntN(n)]
	}
	return rng.Int32N(m.nr)
}

// BisectionBound returns the largest load, in flits per node per cycle,
// that uniform random traffic can offer before the bisection links of a
// Width x Height mesh saturate. Cutting a dimension of k routers into a
// and k-a columns, with a = floor(k/2), each direction of the cut has one
// link per row; a share (k-a)/k of the traffic of the a*rows nodes on one
// side crosses it, so the load is bounded by k/(a*(k-a)) packets per node
// per cycle, 4/k for even k. The bound is the smaller over both
// dimensions, times the flits a link moves per cycle when busy
// (PacketFlits/SerializationCycles), and never more than that link rate,
// which also bounds each node's injection link. It is the bound of an
// ideal network; a real one saturates below it.
func BisectionBound(c Config) float64 {
	linkRate := float64(c.Flits()) / float64(c.SerializationCycles())
	bound := math.Inf(1)
	for _, k := range []int{c.Width, c.Height} {
		if k < 2 {
			continue
		}
		a := k / 2
		bound = min(bound, float64(k)/float64(a*(k-a)))
	}
	return min(bound, 1) * linkRate
}
