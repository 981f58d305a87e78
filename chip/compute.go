package chip

import (
	"math"

	"github.com/spikemesh/spikemesh/neuron"
)

// compute runs the compute phase of timestep t on every core: on the
// calling goroutine alone with one worker, otherwise on the run's
// computePool (pool.go). Each core's work touches only its own state, so
// the result is the same for any number of workers and any schedule.
func (s *Simulator) compute(t int) error {
	if s.split != nil {
		return s.computeSplit(t)
	}
	if s.pool != nil {
		s.pool.run(t)
		return nil
	}
	for ci := range s.cores {
		s.computeCore(&s.cores[ci], t)
	}
	return nil
}

// computeCore integrates the events that arrive at core c for timestep t
// (one inbox slot per incoming projection, into the accumulator of the
// projection's port), updates its neurons and
// collects the ones that fired. The slots it reads are emptied for the
// inject phase, which refills them for timestep t+1+delay.
func (s *Simulator) computeCore(c *core, t int) {
	n := c.n
	cfg := &s.cfg
	idle := true
	for bi := range c.blocks {
		b := &c.blocks[bi]
		idle = idle && len(b.ring[t%len(b.ring)]) == 0
	}
	if c.splitters != nil {
		idle = idle && !s.splitFed(c)
	}
	if idle && c.splitOf != 0 { // a splitter with no input sends nothing
		c.fedIn = false
		c.synOps, c.rowOps, c.macs, c.memBits, c.active, c.busy, c.spikeStart = 0, 0, 0, 0, 0, 0, 0
		c.fired = c.fired[:0]
		return
	}
	if idle && !s.noSkip {
		// An idle core: nothing arrived and its neurons cannot change on
		// their own. Skip the update; every neuron is an idle update.
		if q, ok := c.model.(neuron.Quieter); ok && q.Quiet() {
			c.synOps, c.rowOps, c.macs, c.memBits, c.active = 0, 0, 0, 0, 0
			c.fired = c.fired[:0]
			c.spikeStart = uint64(n) * uint64(cfg.NeuronIdleCycles)
			c.busy = c.spikeStart
			return
		}
	}
	acc := c.acc[:n]
	var ops, rowOps, macs, reads uint64
	// bound is the largest |value| any accumulator can have reached from
	// the blocks integrated so far this timestep (each event adds at most
	// maxRow weights of magnitude <= 128, times 255 when graded, shifted by
	// the exponent). While it stays within int32, no sum can wrap or
	// saturate, so a row block with a weight exponent adds w << exp
	// directly instead of summing into scratch and folding it in with
	// saturation (addScaled, a pass over all n neurons): the same result.
	var bound uint64
	for bi := range c.blocks {
		b := &c.blocks[bi]
		slot := t % len(b.ring)
		ev := b.ring[slot]
		if len(ev) == 0 {
			continue
		}
		dst := acc
		if b.port != 0 {
			dst = c.accs[b.port]
		}
		port := dst
		mag := uint64(128)
		if b.graded {
			mag *= 255
		}
		bound += uint64(len(ev)) * uint64(b.maxRow) * mag << b.exp
		direct := b.exp == 0 || (b.srcRow != nil && bound <= math.MaxInt32)
		shift := uint8(0)
		if !direct {
			if c.scaled == nil {
				c.scaled = make([]int32, n)
			}
			dst = c.scaled
		} else if b.srcRow != nil {
			shift = b.exp
		}
		o, m, r := b.integrate(dst, ev, n, &c.lanes, shift)
		if !direct {
			addScaled(port, c.scaled, b.exp)
		}
		ops, macs, reads = ops+o, macs+m, reads+r
		if b.srcRow != nil {
			rowOps += o
		}
		b.ring[slot] = ev[:0]
	}
	c.synOps, c.rowOps, c.macs = ops, rowOps, macs
	if cfg.SynapseFormat == Sparse { // non-zero entries with their neuron index
		c.memBits = (ops + macs) * uint64(cfg.WeightBits+cfg.IndexBits())
	} else { // whole rows (dense) or every connection of the row (rows), zeros included
		c.memBits = reads * uint64(cfg.WeightBits)
	}
	syn := (ops + macs) * uint64(cfg.SynapseCycles)
	if c.splitOf != 0 { // a splitter: its partial sums in acc go to the home core
		c.fedIn, c.active, c.fired = true, 0, c.fired[:0]
		c.spikeStart, c.busy = syn, syn
		return
	}
	if c.splitters != nil {
		syn += s.addPartials(c, acc, syn)
	}
	if c.mp != nil {
		c.fired, c.active = c.mp.StepPorts(c.accs, c.fired[:0])
	} else {
		c.fired, c.active = c.model.Step(acc, c.fired[:0])
	}
	c.spikeStart = syn + uint64(c.active)*uint64(cfg.NeuronCycles) + uint64(n-c.active)*uint64(cfg.NeuronIdleCycles)
	c.busy = c.spikeStart + uint64(len(c.fired))*uint64(cfg.SpikeCycles)
}

// addScaled adds scaled[j] << exp into acc[j], saturating to the int32
// range (a large exponent could otherwise wrap), and clears scaled.
func addScaled(acc, scaled []int32, exp uint8) {
	acc = acc[:len(scaled)]
	for j, x := range scaled {
		v := int64(acc[j]) + int64(x)<<exp
		acc[j] = int32(min(max(v, math.MinInt32), math.MaxInt32))
		scaled[j] = 0
	}
}

// integrate adds the events ev into acc (n neurons) and returns the
// synaptic events (binary), multiply-accumulates (graded) and weights read.
// Row blocks add each weight shifted left by shift (0 or the block's
// exponent; dense blocks take 0).
// Dense rows: one weight row per event; integer adds, so the order of
// events is irrelevant.
func (b *block) integrate(acc []int32, ev []uint32, n int, lanes *[]uint64, shift uint8) (ops, macs, reads uint64) {
	if b.srcRow == nil {
		if b.graded {
			for _, e := range ev {
				a, mag := int(e>>8), int32(e&0xff)
				macRow(acc, b.w[a*n:a*n+n], mag)
				macs += uint64(b.nnz[a])
			}
			return 0, macs, uint64(len(ev)) * uint64(n)
		}
		var neg uint32
		for _, e := range ev {
			neg |= e
			ops += uint64(b.nnz[e&^negSpike])
		}
		if neg&negSpike == 0 && len(ev) > 1 && n >= 8 {
			if len(*lanes) < n/8*2 {
				*lanes = make([]uint64, n/8*2)
			}
			addRowsSWAR(acc, b.w, n, ev, *lanes)
		} else {
			for _, e := range ev {
				a := int(e &^ negSpike)
				if e&negSpike != 0 {
					subRow(acc, b.w[a*n:a*n+n])
				} else {
					addRow(acc, b.w[a*n:a*n+n])
				}
			}
		}
		return ops, 0, uint64(len(ev)) * uint64(n)
	}
	if b.graded {
		for _, e := range ev {
			r := b.srcRow[e>>8]
			mag := int32(e & 0xff)
			lo, hi := b.rowStart[r], b.rowStart[r+1]
			for k, t := range b.tgt[lo:hi] {
				acc[t] += int32(b.w[lo+int32(k)]) * mag << shift
			}
			macs += uint64(b.nnz[r])
			reads += uint64(hi - lo)
		}
		return 0, macs, reads
	}
	for _, e := range ev {
		r := b.srcRow[e&^negSpike]
		lo, hi := b.rowStart[r], b.rowStart[r+1]
		tgt, w := b.tgt[lo:hi], b.w[lo:hi]
		switch {
		case e&negSpike != 0:
			for k, t := range tgt {
				acc[t] -= int32(w[k]) << shift
			}
		case shift != 0:
			for k, t := range tgt {
				acc[t] += int32(w[k]) << shift
			}
		default:
			for k, t := range tgt {
				acc[t] += int32(w[k])
			}
		}
		ops += uint64(b.nnz[r])
		reads += uint64(hi - lo)
	}
	return ops, 0, reads
}
