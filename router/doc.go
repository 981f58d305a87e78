// Package router is a cycle-level model of a 2-D mesh network-on-chip that
// carries spike packets between neuromorphic cores, by unicast or by
// table-driven tree multicast.
//
// # What is modelled
//
// Width x Height routers; router index ri = y*Width + x, with x growing
// east and y growing north. Every router has four mesh ports (North, East,
// South, West) and LocalPorts local ports, numbered NumMeshPorts+l (see
// Port). A local port is an Endpoint{Router: ri, Port: l}: a core or the
// host interface. Each input port has a FIFO buffer of BufferDepth flits;
// each endpoint has an unbounded injection queue (the core's output queue).
//
// Modelled: packets of PacketFlits flits (FlitsFromBits sizes them from
// header and payload bits) with virtual cut-through flow control (a packet
// advances only when the next buffer has room for all of it, and its head
// may leave before its tail has arrived); links LinkWidth flits wide;
// dimension-order routing (XY or YX, see NextPort); credit-based
// back-pressure counted in flits; head-of-line blocking; per-output
// round-robin arbitration; a router pipeline delay (RouterCycles) and
// separate east-west and north-south switch-plus-link delays (HopCyclesX,
// HopCyclesY); and tree multicast with per-router routing tables of
// bounded capacity (SpiNNaker style; see "Multicast"). Not modelled:
// virtual channels, adaptive routing, flit-level wormhole blocking across
// several routers, and energy (Stats gives the counts an energy model
// prices).
//
// # Timing model
//
// Time is an integer count of router clock cycles; every Run starts at
// cycle 0. A packet's position is that of its head flit: "a packet is in
// buffer B at cycle t" means its head can compete for an output at t. Let
// F = PacketFlits, S = ceil(F/LinkWidth) (SerializationCycles: the cycles
// a packet occupies a link; its tail trails its head by S-1 cycles) and
// R = RouterCycles. Cycle c is evaluated in five steps; steps 2 to 4 run
// router by router.
//
//  1. Arrival. Packets whose hop, or injection, completes at c are placed
//     in their input buffers.
//  2. Injection. For each endpoint whose queue head has Inject <= c, whose
//     injection link is free (the previous packet started at least S
//     cycles ago) and whose local input buffer has F credits, the head
//     leaves the queue and takes those credits. It is in the local input
//     buffer at c + InjectCycles + R; if that is c, it also takes part in
//     steps 3 and 4.
//  3. Route and request. The head (only the head) of every non-empty input
//     buffer, once the previous packet of that buffer has finished leaving
//     it, requests the output ports it still needs: for unicast the port
//     NextPort gives, or at its destination router the local port of its
//     destination endpoint; for multicast the ports of its group's table
//     entry at this router, less those already granted.
//  4. Switch allocation. Each requested output port grants one input. An
//     output grants nobody while it is still sending the previous packet
//     (granted fewer than S cycles ago) or, for a mesh output, while the
//     downstream input buffer has fewer than F credits; an ejection output
//     always has room. A winner that needs no further port leaves its
//     buffer at c. Through an East or West output its head is in the
//     neighbour's input buffer at c + HopCyclesX + R, through North or
//     South at c + HopCyclesY + R. Through an ejection output it is
//     delivered when its tail arrives, at Arrive = c + (S-1) + EjectCycles.
//  5. Credit return. A packet that left a buffer at c has sent its tail by
//     c+S-1; its F credits go back to the sender feeding that buffer
//     (upstream router or injection link), usable from cycle c+S.
//
// In steps 2 to 4 a router writes only its own buffers, arbiters and
// output links, the credit counters of the buffers only it feeds, and
// future arrivals and credit returns, so the order in which routers are
// evaluated cannot change the result (a test visits them in reverse order
// to check).
//
// # Throughput of one link
//
// A link with buffer depth D flits, hop time H and S cycles per packet
// starts a packet at most every S cycles, and at most D/F packets every
// H+R+S cycles (credits are taken at the grant and come back H+R+S cycles
// later at the earliest). It runs at full rate when D >= F*ceil((H+R+S)/S);
// with single-flit packets and R = 0 that is D >= H+1.
//
// # Zero-load latency
//
// A packet that never waits (Mesh.ZeroLoadLatency) arrives after exactly
//
//	Arrive - Inject = InjectCycles + (|dx|+|dy|+1)*RouterCycles
//	                + |dx|*HopCyclesX + |dy|*HopCyclesY
//	                + (S-1) + EjectCycles
//
// where dx, dy are the router distances: the head pays the router pipeline
// at every router it visits (hops+1 of them), every hop, and the tail
// trails the head by S-1 cycles. A packet to an endpoint of its own router
// costs InjectCycles + RouterCycles + (S-1) + EjectCycles. Every waiting
// cycle adds one: for unicast, Arrive - Inject = zero-load latency + the
// packet's stall cycles (Stats.StallCycles), an identity the tests check.
//
// # Multicast
//
// Mesh.AddGroup registers a group (one source endpoint, a set of
// destination endpoints) and installs one routing-table entry at every
// router of its tree: the union of the dimension-order paths from the
// source router to each destination. An entry is the set of output ports
// (mesh and local) a packet of the group leaves through there. Each router
// holds at most TableCapacity entries (0: unlimited); AddGroup fails,
// naming the router and its counts, rather than exceed it. A packet with
// Packet.Group set is injected once; at a router whose entry has several
// ports it is copied: each port is arbitrated separately, a copy leaving
// through a port occupies that link for S cycles and counts as a hop, and
// the packet leaves its input buffer (returning its credits) when its last
// port has been granted. Each destination gets its own Delivery, with
// Packet.Dst set to it; its zero-load latency is that of a unicast packet
// to it. Multicast needs no extra deadlock argument: every branch of a
// tree follows a dimension-order path, so channel dependencies stay those
// of unicast dimension-order routing (X channels before Y channels for
// XY), which are acyclic, and ejection always drains.
//
// # Arbitration and tie-breaking
//
// Every output port of every router has a round-robin pointer, initially
// 0. Among the requesting input ports, the first at or after the pointer
// in the cyclic port order N(0), E(1), S(2), W(3), L0(4), L1(5), ... wins,
// and the pointer moves to the port after the winner. A grant that cannot
// happen (link busy, no credit) leaves the pointer where it is. Pointers
// are reset to 0 at the end of each Run, so each Run depends only on its
// own packets. Packets of one endpoint leave its queue in order of
// Inject, then of the Inject calls.
//
// # Statistics
//
// Run returns Stats: deliveries, hops and flit-hops, latency sum and
// maximum, drain cycles (last delivery minus last Inject), stall cycles,
// and stalls from credit back-pressure. After a Run, LatencyHistogram
// gives the latency distribution (exact below 4096 cycles; Quantile for
// p50 and p99) and LinkFlits / LinkUtilization the flits each output link
// carried.
//
// # Synthetic traffic
//
// RunTraffic drives a mesh with BookSim-style synthetic traffic (patterns
// Uniform, Transpose, Hotspot, Neighbor; Bernoulli injection at a rate in
// flits per node per cycle; warm-up, measurement and drain phases) and
// returns one point of the latency-versus-offered-load curve.
// BisectionBound gives the uniform-traffic bound (4/k on a k x k mesh).
// docs/noc.md records the measured saturation points.
//
// # Call order
//
//	m, err := router.New(cfg)           // once
//	g, err := m.AddGroup(src, dsts)     // optional, before Runs
//	m2, err := m.Clone()                // optional: an independent mesh with the same groups
//	m.Inject(p) ...                     // every packet of the timestep, any order
//	                                    // (or m.InjectAll(ps); sorted by Inject is cheapest)
//	st := m.Run(deliver)                // simulate to completion; m is reset
//	total.Add(st)
//
// Run calls deliver in order of Arrive, then destination router, then
// destination port. That order is total, since an ejection link starts
// one packet per cycle.
//
// # Cost, determinism and checking
//
// Run costs O(packet-hops + stall cycles + injection sort), not O(cycles x
// routers): only routers holding a packet, receiving one, or having a due
// injection are visited, and the clock jumps over cycles in which nothing
// is buffered to the next arrival or injection (a credit return that
// nothing waits for is applied when its buffer is next asked for room). A
// lone active router is stepped without the per-cycle bookkeeping, through
// a short path when it only passes packets between its own endpoints.
// Tests check that this gives exactly the deliveries and Stats of visiting
// every router every cycle, for every feature. All buffers are reused across
// Runs, so a steady-state Run does not allocate. There is no randomness
// (RunTraffic's generator is seeded), no goroutine, no map and no global
// state: the output is a function of the Config, the groups and the
// injected packets (and the order of Inject calls only among packets of
// one endpoint with the same Inject cycle). A Mesh is not safe for
// concurrent use; separate Meshes are independent.
//
// Built with the routercheck tag (go test -tags routercheck), every Run
// also asserts that each packet, hence each of its flits, reaches each of
// its destinations exactly once and that every credit comes back; without
// it the tests check the same from the deliveries.
//
// # Index names
//
// ri: router index (y*Width + x). l: local port of a router. ei: endpoint
// index (ri*LocalPorts + l). bi: input buffer index (ri*(NumMeshPorts+
// LocalPorts) + port). oi: output port index (same layout as bi). pi:
// packet index within a Run (Inject call order).
package router
