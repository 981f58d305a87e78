package router

// Stats summarises one Run (or, after Add, several). All times are in
// router clock cycles.
//
// For every Run, LatencySum equals the sum of the packets' zero-load
// latencies (Mesh.ZeroLoadLatency) plus StallCycles: a packet is late
// exactly by the cycles it spent waiting.
type Stats struct {
	Packets uint64 // packets delivered
	Hops    uint64 // router-to-router link traversals (HopsX + HopsY)
	HopsX   uint64 // east-west traversals
	HopsY   uint64 // north-south traversals

	LastArrival uint64 // cycle of the last delivery (0 if none)
	LatencySum  uint64 // sum over packets of Arrive - Inject
	LatencyMax  uint64 // largest Arrive - Inject

	// StallCycles counts packet-cycles spent waiting: every cycle a packet
	// sits in an input buffer after the cycle it arrived there without
	// winning arbitration (lost to another input, or the output had no
	// credit), plus every cycle it sits in its injection queue at or after
	// its Inject cycle without leaving (link busy or local buffer full).
	StallCycles uint64
	// InjectStallCycles is the part of StallCycles spent in injection queues.
	InjectStallCycles uint64
}

// Add accumulates o into s: counts and sums are added, LastArrival and
// LatencyMax take the maximum. Note that LastArrival of separate Runs is
// measured from each Run's own cycle 0.
func (s *Stats) Add(o Stats) {
	s.Packets += o.Packets
	s.Hops += o.Hops
	s.HopsX += o.HopsX
	s.HopsY += o.HopsY
	s.LastArrival = max(s.LastArrival, o.LastArrival)
	s.LatencySum += o.LatencySum
	s.LatencyMax = max(s.LatencyMax, o.LatencyMax)
	s.StallCycles += o.StallCycles
	s.InjectStallCycles += o.InjectStallCycles
}
