package chip

import "github.com/spikemesh/spikemesh/router"

// Trace records activity per timestep, summed over every sample run while
// it is attached (EnableTrace): per core, the spikes it fired, the synaptic
// events it processed and its busy cycles; per mesh link, the flits sent.
// Index [t*Cores + ci] and [t*Links + li]; link li is router*4 + output
// port (N, E, S, W, as in package router).
type Trace struct {
	T, Cores, Links int
	Samples         int
	Spikes          []uint64
	SynOps          []uint64
	BusyCycles      []uint64
	LinkFlits       []uint64
}

// EnableTrace attaches a trace of the first maxT timesteps of every
// following run and returns it.
func (s *Simulator) EnableTrace(maxT int) *Trace {
	links := s.mesh.NumRouters() * router.NumMeshPorts
	n := len(s.cores)
	s.trace = &Trace{T: maxT, Cores: n, Links: links,
		Spikes: make([]uint64, maxT*n), SynOps: make([]uint64, maxT*n), BusyCycles: make([]uint64, maxT*n),
		LinkFlits: make([]uint64, maxT*links)}
	return s.trace
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

func (tr *Trace) addLinks(t int, flits []uint64) {
	if t >= tr.T {
		return
	}
	row := tr.LinkFlits[t*tr.Links : (t+1)*tr.Links]
	for i, f := range flits {
		row[i] += f
	}
}
