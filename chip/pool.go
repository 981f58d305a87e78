package chip

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// computePool runs the compute phase of every timestep of one Run on the
// calling goroutine and workers-1 helper goroutines that live for that
// Run. A timestep's work is short (a few microseconds for the 4000-neuron
// CUBA network), shorter than starting goroutines or waking a parked one,
// so helpers spin between timesteps for up to helperSpin before they
// park.
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
// Helpers that do not get to run (a machine whose CPUs are all busy with
// other work) only waste CPU by spinning and cost the caller a wake-up per
// timestep. So the caller watches the share of cores the helpers computed
// over probe timesteps; below minHelperShare it stops waking them for
// rest timesteps (they park once their spin runs out), then probes again.
// This changes who computes a core, never what is computed.
type computePool struct {
	s *Simulator
	// claim is generation<<32 | next core index; done counts the cores
	// finished in the current generation.
	claim atomic.Uint64
	done  atomic.Int64
	gen   uint64
	t     int // the current generation's timestep, written before claim
	quit  atomic.Bool
	// helped counts the cores helpers computed; steps and base are the
	// caller's count of timesteps and cores in the current probe window;
	// resting > 0 is the number of timesteps left without waking helpers.
	helped      atomic.Int64
	base        int64
	steps       int
	resting     int
	probe, rest int
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

// newComputePool starts helpers helper goroutines; stop ends them.
func newComputePool(s *Simulator, helpers int) *computePool {
	p := &computePool{s: s, sleeping: make([]atomic.Bool, helpers), wake: make([]chan struct{}, helpers),
		probe: probeSteps, rest: restSteps}
	if s.poolProbe > 0 { // tests: short windows
		p.probe, p.rest = s.poolProbe, s.poolProbe
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
	n := int64(len(p.s.cores))
	p.t = t
	p.done.Store(0)
	p.gen++
	g := p.gen
	p.claim.Store(g << 32)
	woke := p.resting == 0
	if woke {
		p.wakeAll()
	} else if p.resting--; p.resting == 0 {
		p.base = p.helped.Load() // probe anew
	}
	p.work(g)
	for i := 0; p.done.Load() < n; i++ {
		if i > 64 {
			runtime.Gosched() // a helper is still computing a core it claimed
		}
	}
	if woke {
		p.steps++
		if p.steps == p.probe {
			h := p.helped.Load()
			if (h-p.base)*minHelperShare < int64(p.steps)*n {
				p.resting = p.rest
			}
			p.steps, p.base = 0, h
		}
	}
}

// work claims and computes cores of generation g until none is left and
// returns how many it computed.
func (p *computePool) work(g uint64) int64 {
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

// helper h works on every generation it sees until stop.
func (p *computePool) helper(h int) {
	defer p.wg.Done()
	seen := uint64(0)
	for {
		g := p.claim.Load() >> 32
		if g == seen {
			g = p.await(h, seen)
		}
		if p.quit.Load() {
			return
		}
		seen = g
		p.helped.Add(p.work(g))
	}
}

// await spins until a generation after seen is published, then parks
// helper h until it is woken; it returns the new generation.
func (p *computePool) await(h int, seen uint64) uint64 {
	start := time.Now()
	for i := 0; ; i++ {
		if g := p.claim.Load() >> 32; g != seen {
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
		p.sleeping[h].Store(true)
		if g := p.claim.Load() >> 32; g != seen {
			if !p.sleeping[h].CompareAndSwap(true, false) {
				<-p.wake[h] // the publisher cleared it and sends a token
			}
			return g
		}
		<-p.wake[h]
		if g := p.claim.Load() >> 32; g != seen {
			return g
		}
	}
}
