package chip

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// computePool runs the compute phase of every timestep of one Run on the
// calling goroutine and workers-1 helper goroutines that live for that
// Run. A timestep that is shared is still short (tens of microseconds),
// not much longer than waking a parked goroutine, so between shared
// timesteps a helper spins for up to helperSpin before it parks.
//
// Cores are claimed one at a time from a counter that carries the
// timestep's generation in its high 32 bits, so a helper that is late can
// never claim a core of another timestep. The caller claims cores too and
// never waits for a helper to start: if the helpers are not running (a
// loaded machine), it computes every core itself. It waits only for cores
// a helper has claimed. Each core is computed exactly once, by whichever
// goroutine claimed it, and touches only its own state, so results do
// not depend on the schedule.
//
// A helper spins only while the caller wants it: when the caller computes
// a timestep alone it first sets the pool's idle flag, and a helper that
// sees the flag parks at once instead of spinning out helperSpin. The
// caller computes alone (a) timesteps with less than poolMinWork neuron
// updates and synaptic events, where waking or feeding a helper costs
// more than it saves, and (b) while resting: helpers that do not get to
// run (a machine whose CPUs are all busy with other work) only waste CPU
// by spinning, so the caller watches the share of cores the helpers
// computed over probe timesteps and, below minHelperShare, computes alone
// for rest timesteps, then probes again. Both change who computes a core,
// never what is computed.
type computePool struct {
	s *Simulator
	// claim is generation<<32 | next core index; done counts the cores
	// finished in the current generation.
	claim atomic.Uint64
	done  atomic.Int64
	gen   uint64
	t     int // the current generation's timestep, written before claim
	quit  atomic.Bool
	// idle tells helpers to park: the caller is computing alone.
	idle atomic.Bool
	// helped counts the cores helpers computed; steps and base are the
	// caller's count of timesteps and cores in the current probe window;
	// resting > 0 is the number of timesteps left without waking helpers.
	helped      atomic.Int64
	base        int64
	steps       int
	resting     int
	probe, rest int
	// minWork is the least work (work) a timestep needs to be shared;
	// rowCost[ci][bi] is the mean non-zero weights of block bi's rows.
	minWork int64
	rowCost [][]int64
	// Parking: a helper sets sleeping[h] and blocks on wake[h]; whoever
	// clears sleeping[h] sends one wake token.
	sleeping []atomic.Bool
	wake     []chan struct{}
	wg       sync.WaitGroup
}

// helperSpin is how long an idle helper polls for the next timestep
// before it parks: longer than the serial phases of a timestep (inject and
// accounting, about 2 µs for the CUBA network), short enough that an idle
// helper does not hold a CPU for long.
const helperSpin = 50 * time.Microsecond

// The helper-share policy: the caller measures over probeSteps timesteps
// and, if helpers computed less than 1/minHelperShare of the cores, does
// not wake them for restSteps timesteps. Two workers on a free CPU compute
// about half the cores each; a share below 1/8 means the helper was
// rarely running (measured: 1 % on the CUBA network with the 2-vCPU
// machine at load average 23).
const (
	probeSteps     = 256
	restSteps      = 4096
	minHelperShare = 8
)

// poolMinWork is the least work (neuron updates plus synaptic events, see
// work) for which a timestep is shared with the helpers; below it the
// caller computes alone and the helpers park. It is the gate the
// goroutines started per timestep had before the pool (about 20 µs of
// compute at 4e9 events/s). Measured 2026-12-02 on the 2-vCPU machine
// (load average 2.3-5, docs/performance.md "Small timesteps"): with no
// gate, a 4000-neuron recurrent network at 14,300 units a timestep took
// 95 µs of CPU and of wall time per timestep with 2 workers against 70 µs
// with 1, so the gate must lie above that; every CUBA timestep (about
// 4,200 units: 4000 neuron updates, 183 synaptic events) now runs on the
// caller alone.
const poolMinWork = 80000

// newComputePool starts helpers helper goroutines; stop ends them.
func newComputePool(s *Simulator, helpers int) *computePool {
	p := &computePool{s: s, sleeping: make([]atomic.Bool, helpers), wake: make([]chan struct{}, helpers),
		probe: probeSteps, rest: restSteps, minWork: poolMinWork}
	if s.poolProbe > 0 { // tests: short windows
		p.probe, p.rest = s.poolProbe, s.poolProbe
	}
	if s.poolRest > 0 { // tests: start resting
		p.rest, p.resting = s.poolRest, s.poolRest
	}
	if s.poolMinWork != 0 { // tests: another gate (negative: none)
		p.minWork = max(s.poolMinWork, 0)
	}
	p.rowCost = make([][]int64, len(s.cores))
	for ci := range s.cores {
		c := &s.cores[ci]
		p.rowCost[ci] = make([]int64, len(c.blocks))
		for bi := range c.blocks {
			var sum int64
			for _, k := range c.blocks[bi].nnz {
				sum += int64(k)
			}
			p.rowCost[ci][bi] = sum / int64(max(len(c.blocks[bi].nnz), 1))
		}
	}
	for h := range helpers {
		p.wake[h] = make(chan struct{}, 1)
		p.wg.Add(1)
		go p.helper(h)
	}
	return p
}

// stop ends the helpers and waits for them to return.
func (p *computePool) stop() {
	p.quit.Store(true)
	p.gen++
	p.claim.Store(p.gen << 32)
	p.wakeAll()
	p.wg.Wait()
}

func (p *computePool) wakeAll() {
	for h := range p.sleeping {
		if p.sleeping[h].CompareAndSwap(true, false) {
			p.wake[h] <- struct{}{}
		}
	}
}

// run computes timestep t on every core and returns when all are done.
func (p *computePool) run(t int) {
	if p.resting > 0 {
		if p.resting--; p.resting == 0 {
			p.base = p.helped.Load() // probe anew
		}
		p.alone(t)
		return
	}
	if p.work(t) < p.minWork {
		p.alone(t)
		return
	}
	n := int64(len(p.s.cores))
	p.t = t
	p.done.Store(0)
	p.gen++
	g := p.gen
	p.claim.Store(g << 32)
	p.idle.Store(false)
	p.wakeAll()
	p.claimCores(g)
	for i := 0; p.done.Load() < n; i++ {
		if i > 64 {
			runtime.Gosched() // a helper is still computing a core it claimed
		}
	}
	p.steps++
	if p.steps == p.probe {
		h := p.helped.Load()
		if (h-p.base)*minHelperShare < int64(p.steps)*n {
			p.resting = p.rest
		}
		p.steps, p.base = 0, h
	}
}

// alone computes timestep t on the caller, with the helpers told to park.
// No generation is published, so no helper touches a core meanwhile.
func (p *computePool) alone(t int) {
	p.idle.Store(true)
	for ci := range p.s.cores {
		p.s.computeCore(&p.s.cores[ci], t)
	}
}

// work is timestep t's compute work: one update per neuron plus, per
// input event, the mean non-zero weights of its block's rows.
func (p *computePool) work(t int) int64 {
	var w int64
	for ci := range p.s.cores {
		c := &p.s.cores[ci]
		w += int64(c.n)
		for bi := range c.blocks {
			b := &c.blocks[bi]
			w += int64(len(b.ring[t%len(b.ring)])) * p.rowCost[ci][bi]
		}
	}
	return w
}

// claimCores claims and computes cores of generation g until none is left and
// returns how many it computed.
func (p *computePool) claimCores(g uint64) int64 {
	n := uint64(len(p.s.cores))
	var k int64
	for {
		c := p.claim.Load()
		if c>>32 != g || c&(1<<32-1) >= n {
			return k
		}
		if !p.claim.CompareAndSwap(c, c+1) {
			continue
		}
		ci := int(c & (1<<32 - 1))
		p.s.computeCore(&p.s.cores[ci], p.t)
		p.done.Add(1)
		k++
	}
}

// helper h works on every generation it is given until stop.
func (p *computePool) helper(h int) {
	defer p.wg.Done()
	seen := uint64(0)
	for {
		g := p.await(h, seen)
		if p.quit.Load() {
			return
		}
		seen = g
		p.helped.Add(p.claimCores(g))
	}
}

// ready reports whether helper h, having seen generation seen, has work
// (or must quit), and the current generation.
func (p *computePool) ready(seen uint64) (uint64, bool) {
	g := p.claim.Load() >> 32
	return g, p.quit.Load() || (g != seen && !p.idle.Load())
}

// await waits until a generation after seen is published while the pool
// is not idle, or until stop, and returns the current generation. It
// spins for up to helperSpin, and parks helper h at once when the caller
// computes alone (idle) or when the spin runs out.
func (p *computePool) await(h int, seen uint64) uint64 {
	start := time.Now()
	for i := 0; !p.idle.Load(); i++ {
		if g, ok := p.ready(seen); ok {
			return g
		}
		if i&127 == 127 {
			if time.Since(start) > helperSpin {
				break
			}
			// Let other goroutines have this P (the mesh's, or the
			// caller's when there are more goroutines than Ps).
			runtime.Gosched()
		}
	}
	for {
		// Whoever makes ready true (run clears idle after publishing,
		// stop sets quit) then calls wakeAll: it either sees sleeping[h]
		// and sends a token, or this check sees its change.
		p.sleeping[h].Store(true)
		if g, ok := p.ready(seen); ok {
			if !p.sleeping[h].CompareAndSwap(true, false) {
				<-p.wake[h] // the publisher cleared it and sends a token
			}
			return g
		}
		<-p.wake[h]
		if g, ok := p.ready(seen); ok {
			return g
		}
	}
}
