// Package router is a cycle-level model of a 2-D mesh network-on-chip that
// carries single-flit spike packets between neuromorphic cores.
//
// # What is modelled
//
// Width x Height routers; router index ri = y*Width + x, with x growing
// east and y growing north. Every router has four mesh ports (North, East,
// South, West) and LocalPorts local ports, numbered NumMeshPorts+l (see
// Port). A local port is an Endpoint{Router: ri, Port: l}: a core or the
// host interface. Each input port has a FIFO buffer of BufferDepth packets;
// each endpoint has an unbounded injection queue (the core's output queue).
//
// Modelled: dimension-order routing (XY or YX, see NextPort), one packet
// per directed link per cycle (mesh links, injection links and ejection
// links alike), credit-based back-pressure, head-of-line blocking,
// per-output round-robin arbitration, and separate east-west and north-south
// hop latencies. Not modelled: multi-flit packets, virtual channels,
// multicast, link width, and any energy (Stats gives the counts an energy
// model prices).
//
// # Timing model
//
// Time is an integer count of router clock cycles; every Run starts at
// cycle 0. "A packet is in buffer B at cycle t" means it can compete for
// an output at cycle t. Cycle c is evaluated in five steps; steps 2 to 4
// run router by router.
//
//  1. Arrival. Packets whose hop, or injection, completes at c are placed
//     in their input buffers.
//  2. Injection. For each endpoint whose queue head has Inject <= c and
//     whose local input buffer has a credit, the head leaves the queue and
//     takes that credit. It is in the local input buffer at c +
//     InjectCycles; with InjectCycles = 0 that is cycle c, so it also takes
//     part in steps 3 and 4.
//  3. Route and request. The head (only the head) of every non-empty input
//     buffer requests the output port NextPort gives, or at its destination
//     router the local port of its destination endpoint.
//  4. Switch allocation. Each requested output port grants one input. A
//     mesh output grants nobody if the downstream input buffer has no
//     credit; an ejection output always has room. The winner leaves its
//     buffer at c. Through an East or West output it is in the neighbour's
//     input buffer at c + HopCyclesX, through North or South at c +
//     HopCyclesY (router pipeline plus link; the link is taken for cycle c
//     only, so a link starts at most one packet per cycle). Through an
//     ejection output it is delivered at Arrive = c + EjectCycles.
//  5. Credit return. Every buffer slot freed at c gives its credit back to
//     the sender feeding that buffer (upstream router or injection link),
//     usable from cycle c+1.
//
// A credit is taken when a packet is granted towards a buffer (step 2 or
// 4) and returned the cycle after the packet leaves that buffer, so a link
// with hop time H and buffer depth D carries at most D packets every H+1
// cycles; D >= H+1 sustains one packet per cycle. In steps 2 to 4 a router
// writes only its own buffers and arbiters, the credit counters of the
// buffers only it feeds, and future arrivals, so the order in which
// routers are evaluated cannot change the result (a test visits them in
// reverse order to check).
//
// Zero-load latency (no packet ever waits) is, exactly,
//
//	Arrive - Inject = InjectCycles + |dx|*HopCyclesX + |dy|*HopCyclesY + EjectCycles
//
// where dx, dy are the router distances (Mesh.ZeroLoadLatency). A packet to
// an endpoint of its own router costs InjectCycles + EjectCycles. Every
// waiting cycle adds one: Arrive - Inject = zero-load latency + the
// packet's stall cycles (Stats.StallCycles), an identity the tests check.
//
// # Arbitration and tie-breaking
//
// Every output port of every router has a round-robin pointer, initially
// 0. Among the requesting input ports, the first at or after the pointer
// in the cyclic port order N(0), E(1), S(2), W(3), L0(4), L1(5), ... wins,
// and the pointer moves to the port after the winner. A grant that cannot
// happen (no credit) leaves the pointer where it is. Pointers are reset to
// 0 at the end of each Run, so each Run depends only on its own packets.
// Packets of one endpoint leave its queue in order of Inject, then of the
// Inject calls.
//
// # Call order
//
//	m, err := router.New(cfg)     // once
//	m.Inject(p) ...               // every packet of the timestep, any order
//	st := m.Run(deliver)          // simulate to completion; m is reset
//	total.Add(st)
//
// Run calls deliver in order of Arrive, then destination router, then
// destination port. That order is total, since an ejection link carries
// one packet per cycle.
//
// # Cost and determinism
//
// Run costs O(packet-hops + stall cycles + injection sort), not O(cycles x
// routers): only routers holding a packet, receiving one, or having a due
// injection are visited, and the clock jumps over cycles in which nothing
// can happen (nothing buffered) to the next arrival or injection. Tests
// check that this gives exactly the deliveries and Stats of visiting every
// router every cycle. All buffers are reused across Runs, so a steady
// state Run does not allocate. There is no randomness, no goroutine, no
// map and no global state: the output is a function of the Config and the
// injected packets (and the order of Inject calls only among packets of
// one endpoint with the same Inject cycle). A Mesh is not safe for
// concurrent use; separate Meshes are independent.
//
// # Index names
//
// ri: router index (y*Width + x). l: local port of a router. ei: endpoint
// index (ri*LocalPorts + l). bi: input buffer index (ri*(NumMeshPorts+
// LocalPorts) + port). pi: packet index within a Run (Inject call order).
package router
