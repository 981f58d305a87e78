package chip

import (
	"fmt"

	"github.com/spikemesh/spikemesh/router"
)

// maxMeshes bounds the mesh instances that route timesteps concurrently.
const maxMeshes = 4

// meshMinPackets is the fewest packets a timestep needs to be routed on
// its own goroutine; a timestep with fewer is routed by the caller (on
// the same mesh instance, so the result is the same). Routing costs about
// 40 ns per packet (router BenchmarkHostBurst, 2.56e7 packets/s), and
// handing a timestep to a goroutine costs microseconds to tens of
// microseconds on a loaded machine (docs/design.md), so below about 20 µs
// of routing the hand-off costs more CPU than the overlap saves
// (measured: docs/performance.md, "Small timesteps").
const meshMinPackets = 512

// meshStep is one timestep's traffic, simulated by the mesh while the
// cores go on with the next timestep.
type meshStep struct {
	pk      []router.Packet
	runs    []int           // boundaries of runs of pk sorted by Inject (host, then each core)
	spare   []router.Packet // merge buffer
	sufMin  []uint64        // mergeRuns scratch
	busyMax uint64
	stats   router.Stats
	t       int              // the timestep
	hist    router.Histogram // packet latencies of this step
	links   []uint64         // flits per (router, mesh output port) this step
	err     error
}

// routeStep runs one timestep's packets through the mesh and keeps its
// latency distribution and per-link flit counts in st.
func (s *Simulator) routeStep(mesh *router.Mesh, st *meshStep) {
	st.mergeRuns()
	if err := mesh.InjectAll(st.pk); err != nil {
		st.err = fmt.Errorf("chip: %w", err) // nothing was queued: the mesh stays clean
		return
	}
	st.stats = mesh.Run(nil)
	st.hist.Reset()
	st.hist.Merge(mesh.LatencyHistogram())
	nr := mesh.NumRouters()
	if len(st.links) != nr*router.NumMeshPorts {
		st.links = make([]uint64, nr*router.NumMeshPorts)
	}
	for ri := 0; ri < nr; ri++ {
		for p := 0; p < router.NumMeshPorts; p++ {
			st.links[ri*router.NumMeshPorts+p] = mesh.LinkFlits(int32(ri), router.Port(p))
		}
	}
}

// account adds a routed timestep's timing to the result.
func (s *Simulator) account(st *meshStep) {
	res := &s.res
	ms := st.stats
	res.Mesh.Add(ms)
	res.Latency.Merge(&st.hist)
	for i, f := range st.links {
		res.LinkFlits[i] += f
	}
	if s.trace != nil {
		s.trace.addLinks(st.t, st.links)
	}
	step := max(st.busyMax, ms.LastArrival)
	if ms.LastArrival > st.busyMax {
		res.MeshLast++
		res.DrainCycles += ms.LastArrival - st.busyMax
	}
	res.ComputeCycles += st.busyMax
	res.MeshCycles += ms.LastArrival
	step += s.barrier
	res.Cycles += step
	res.StepCyclesMax = max(res.StepCyclesMax, step)
	res.Counts.Barriers++
}
