package chip

import (
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/spikemesh/spikemesh/neuron"
)

// parallelMinWork is the work (synaptic events and neuron updates, one
// weight row per input event) below which a timestep's compute phase runs
// on one goroutine: about 20 µs of compute at 4e9 events/s.
const parallelMinWork = 80000

// compute runs the compute phase of every core on the worker pool. Cores
// are handed out one at a time from a shared counter; each core's work
// touches only its own state, so the result is the same for any number of
// workers and any schedule.
func (s *Simulator) compute() error {
	n := len(s.cores)
	w := min(s.workers, n)
	if w > 1 {
		// Starting and joining goroutines costs microseconds: below
		// parallelMinWork synaptic events and neuron updates this
		// timestep is cheaper on one goroutine. Either way every core
		// computes the same thing.
		work := 0
		for ci := range s.cores {
			c := &s.cores[ci]
			work += (len(c.next) + len(c.nxGraded) + 1) * c.n
		}
		if work < parallelMinWork {
			w = 1
		}
	}
	if w <= 1 {
		for ci := range s.cores {
			s.computeCore(&s.cores[ci])
		}
		return nil
	}
	var next atomic.Int64
	var g errgroup.Group
	for range w {
		g.Go(func() error {
			for {
				ci := int(next.Add(1) - 1)
				if ci >= n {
					return nil
				}
				s.computeCore(&s.cores[ci])
			}
		})
	}
	return g.Wait()
}

func (s *Simulator) computeCore(c *core) {
	c.in, c.next = c.next, c.in[:0]
	c.inGraded, c.nxGraded = c.nxGraded, c.inGraded[:0]
	n := c.n
	cfg := &s.cfg
	if len(c.in) == 0 && len(c.inGraded) == 0 && !s.noSkip {
		// An idle core: nothing arrived and its neurons cannot change on
		// their own. Skip the update; every neuron is an idle update.
		if q, ok := c.model.(neuron.Quieter); ok && q.Quiet() {
			c.synOps, c.macs, c.memBits, c.active = 0, 0, 0, 0
			c.fired = c.fired[:0]
			c.spikeStart = uint64(n) * uint64(cfg.NeuronIdleCycles)
			c.busy = c.spikeStart
			return
		}
	}
	acc := c.acc[:n]
	var ops, macs, reads uint64
	if c.srcRow == nil {
		// Dense rows: one weight row per event; integer adds, so the order
		// of events is irrelevant.
		var neg uint32
		for _, e := range c.in {
			neg |= e
			ops += uint64(c.nnz[e&^negSpike])
		}
		if neg&negSpike == 0 && len(c.in) > 1 && n >= 8 {
			if len(c.lanes) < n/8*2 {
				c.lanes = make([]uint64, n/8*2)
			}
			addRowsSWAR(acc, c.w, n, c.in, c.lanes)
		} else {
			for _, e := range c.in {
				a := int(e &^ negSpike)
				if e&negSpike != 0 {
					subRow(acc, c.w[a*n:a*n+n])
				} else {
					addRow(acc, c.w[a*n:a*n+n])
				}
			}
		}
		for _, e := range c.inGraded {
			a, mag := int(e>>8), int32(e&0xff)
			macRow(acc, c.w[a*n:a*n+n], mag)
			macs += uint64(c.nnz[a])
		}
		reads = uint64(len(c.in)+len(c.inGraded)) * uint64(n)
	} else {
		for _, e := range c.in {
			r := c.srcRow[e&^negSpike]
			lo, hi := c.rowStart[r], c.rowStart[r+1]
			tgt, w := c.tgt[lo:hi], c.w[lo:hi]
			if e&negSpike != 0 {
				for k, t := range tgt {
					acc[t] -= int32(w[k])
				}
			} else {
				for k, t := range tgt {
					acc[t] += int32(w[k])
				}
			}
			ops += uint64(c.nnz[r])
			reads += uint64(hi - lo)
		}
		for _, e := range c.inGraded {
			r := c.srcRow[e>>8]
			mag := int32(e & 0xff)
			lo, hi := c.rowStart[r], c.rowStart[r+1]
			for k, t := range c.tgt[lo:hi] {
				acc[t] += int32(c.w[lo+int32(k)]) * mag
			}
			macs += uint64(c.nnz[r])
			reads += uint64(hi - lo)
		}
	}
	c.synOps, c.macs = ops, macs
	if cfg.SynapseFormat == Sparse { // non-zero entries with their neuron index
		c.memBits = (ops + macs) * uint64(cfg.WeightBits+cfg.IndexBits())
	} else { // whole rows (dense) or every connection of the row (convolution), zeros included
		c.memBits = reads * uint64(cfg.WeightBits)
	}
	c.fired, c.active = c.model.Step(acc, c.fired[:0])
	c.spikeStart = (ops+macs)*uint64(cfg.SynapseCycles) + uint64(c.active)*uint64(cfg.NeuronCycles) + uint64(n-c.active)*uint64(cfg.NeuronIdleCycles)
	c.busy = c.spikeStart + uint64(len(c.fired))*uint64(cfg.SpikeCycles)
}
