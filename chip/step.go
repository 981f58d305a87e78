package chip

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/router"
)

// Run simulates one sample for T timesteps from the reset state and returns
// its result. The returned Result's slices are owned by the caller.
//
// Each timestep has three phases. Compute (parallel over cores): a core
// integrates the events delivered to it during the previous timestep,
// updates its neurons and collects the ones that fired. Inject (serial, in
// core order): the host's input events and every fired neuron's spikes go
// into their destination cores' inboxes for the next timestep, and become
// packets (one per destination core, or one per spike with multicast) that
// enter the mesh at the cycle their source emits them. Route: the mesh
// moves the packets cycle by cycle to find when each arrives; it runs on
// its own goroutine while the cores compute the next timestep (with more
// than one worker), which cannot change any result. The timestep lasts
// until the slowest core is done and the mesh is drained, plus the barrier.
func (s *Simulator) Run(ctx context.Context, stim Stimulus, T int) (Result, error) {
	if T < 1 {
		return Result{}, fmt.Errorf("chip: timesteps is %d, must be >= 1", T)
	}
	return s.run(ctx, stim, T, -1)
}

// RunUntilQuiet simulates one sample until the network is quiet: after the
// stimulus's first inputSteps timesteps, the first timestep in which no
// neuron fired, no input arrived and every core's neurons report that they
// cannot change on their own (neuron.Quieter) ends the run: nothing is then
// in flight, so no neuron can change again. Neurons that leak or have a
// bias (LIF, IF with bias) never report quiet, so such networks run to
// maxT. Result.Timesteps is the number of
// timesteps run, Result.Quiet whether quiescence was reached within maxT.
func (s *Simulator) RunUntilQuiet(ctx context.Context, stim Stimulus, inputSteps, maxT int) (Result, error) {
	if maxT < 1 || inputSteps < 0 {
		return Result{}, fmt.Errorf("chip: run until quiet: max timesteps %d must be >= 1 and input steps %d >= 0", maxT, inputSteps)
	}
	return s.run(ctx, stim, maxT, inputSteps)
}

func (s *Simulator) run(ctx context.Context, stim Stimulus, T, quietAfter int) (Result, error) {
	s.reset()
	res := &s.res
	outCounts := make([]int64, len(res.Scores))
	var stepScores [][]int64 // with EnableStepScores
	// The mesh only decides when packets arrive, never what they carry, so
	// the inject phase delivers every event into its destination's inbox
	// itself, and meshes simulate timesteps' packets on their own
	// goroutines while the cores compute the next timesteps. Each timestep's
	// mesh run depends only on its own packets, so with M mesh instances
	// timestep t runs on mesh t%M while t-1, ..., t-M+1 may still be
	// running on the others; results are accounted in timestep order.
	// Up to two mesh instances per worker route timesteps concurrently;
	// they are clones of the first (same multicast groups), made once.
	for len(s.meshes) < min(2*s.workers, maxMeshes) && s.workers > 1 {
		extra, err := s.mesh.Clone()
		if err != nil {
			return Result{}, fmt.Errorf("chip: %w", err)
		}
		s.meshes = append(s.meshes, extra)
	}
	M := len(s.meshes)
	// Helpers spin, so there are never more of them than free Ps.
	if w := min(s.workers, len(s.cores), runtime.GOMAXPROCS(0)); w > 1 && s.split == nil {
		s.pool = newComputePool(s, w-1)
		defer func() { s.pool.stop(); s.pool = nil }()
	}
	var wg [maxMeshes]sync.WaitGroup
	started := 0                     // timesteps dispatched to a mesh
	done := 0                        // timesteps accounted
	settle := func(upto int) error { // wait for and account timesteps < upto
		for ; done < upto; done++ {
			j := done % M
			wg[j].Wait()
			st := &s.steps[j]
			if st.err != nil {
				return st.err
			}
			s.account(st)
		}
		return nil
	}
	defer func() {
		for j := range M {
			wg[j].Wait()
		}
	}()
	for t := 0; t < T; t++ {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		if err := s.compute(t); err != nil {
			return Result{}, err
		}
		// Mesh t%M and its buffer are free once timestep t-M is done.
		if err := settle(t - M + 1); err != nil {
			return Result{}, err
		}
		j := t % M
		st := &s.steps[j]
		st.pk, st.t = st.pk[:0], t
		// Input frame t reaches the first layer's inboxes now and is
		// integrated at timestep t+1, so the last timestep sends none: no
		// layer could integrate it before the run ends.
		s.events = s.events[:0]
		if t+1 < T {
			s.events = stim.Events(t, s.events)
			if err := s.checkEvents(t); err != nil {
				return Result{}, err
			}
		}
		fired, busyMax := s.inject(st, outCounts)
		st.busyMax = busyMax
		if s.stepScores {
			row := make([]int64, len(res.Scores))
			s.readout(row, outCounts)
			stepScores = append(stepScores, row)
		}
		started++
		if M > 1 && len(st.pk) >= s.meshMinPackets {
			wg[j].Add(1)
			go func() {
				defer wg[j].Done()
				s.routeStep(s.meshes[j], st)
			}()
		} else {
			s.routeStep(s.meshes[j], st) // mesh j is free: settled above
		}
		res.Timesteps = t + 1
		if quietAfter >= 0 && t+1 >= quietAfter && fired == 0 && len(s.events) == 0 && s.allQuiet() && s.inboxesEmpty() {
			res.Quiet = true
			break
		}
	}
	if err := settle(started); err != nil {
		return Result{}, err
	}
	for ci := range s.cores {
		res.CoreCounts[ci] = s.cores[ci].counts
		res.Counts.Add(s.cores[ci].counts)
	}
	res.Counts.Add(res.HostCounts)
	// Readout: spikes x threshold + residual membrane potential, output
	// population after output population.
	s.readout(res.Scores, outCounts)
	out := *res
	out.LayerSpikes = append([]uint64(nil), res.LayerSpikes...)
	out.LayerSynOps = append([]uint64(nil), res.LayerSynOps...)
	out.LayerActive = append([]uint64(nil), res.LayerActive...)
	out.Scores = append([]int64(nil), res.Scores...)
	out.StepScores = stepScores
	out.CoreCounts = append([]energy.Counts(nil), res.CoreCounts...)
	out.LinkFlits = append([]uint64(nil), res.LinkFlits...)
	if s.neuronCounts != nil {
		out.NeuronCounts = make([][]int32, len(s.neuronCounts))
		for l, nc := range s.neuronCounts {
			out.NeuronCounts[l] = append([]int32(nil), nc...)
		}
	}
	if s.trace != nil {
		s.trace.endSample()
	}
	return out, nil
}

// allQuiet reports whether every core's neurons would stay unchanged
// without input.
func (s *Simulator) allQuiet() bool {
	for ci := range s.cores {
		q, ok := s.cores[ci].model.(neuron.Quieter)
		if !ok || !q.Quiet() {
			return false
		}
	}
	return true
}

// inboxesEmpty reports whether no delayed event waits in any inbox.
func (s *Simulator) inboxesEmpty() bool {
	for ci := range s.cores {
		for bi := range s.cores[ci].blocks {
			for _, r := range s.cores[ci].blocks[bi].ring {
				if len(r) > 0 {
					return false
				}
			}
		}
	}
	return true
}

func (s *Simulator) reset() {
	for ci := range s.cores {
		c := &s.cores[ci]
		c.model.Reset()
		if ly := &s.m.Net.Layers[c.layer]; ly.InitV != nil {
			// Validated when the model was built: cannot fail.
			_ = setInitV(c.model, ly, c.lo, c.lo+c.n)
		}
		clear(c.acc)
		for _, a := range c.accs {
			clear(a)
		}
		for bi := range c.blocks {
			for k, r := range c.blocks[bi].ring {
				c.blocks[bi].ring[k] = r[:0]
			}
		}
		c.counts = energy.Counts{}
	}
	for _, nc := range s.neuronCounts {
		clear(nc)
	}
	r := &s.res
	clear(r.CoreCounts)
	clear(r.LayerSpikes)
	clear(r.LayerSynOps)
	clear(r.LayerActive)
	clear(r.Scores)
	clear(r.LinkFlits)
	if r.LinkFlits == nil {
		r.LinkFlits = make([]uint64, s.mesh.NumRouters()*router.NumMeshPorts)
	}
	*r = Result{LayerSpikes: r.LayerSpikes, LayerSynOps: r.LayerSynOps, LayerActive: r.LayerActive, Scores: r.Scores,
		CoreCounts: r.CoreCounts, LinkFlits: r.LinkFlits, Latency: &router.Histogram{}}
}
