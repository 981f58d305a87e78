package chip

import (
	"reflect"
	"testing"
	"time"
)

// pausingStim sends no input but sleeps in the serial phase of some
// timesteps, longer than helperSpin, so that the pool's helpers park and
// must be woken for the next timestep.
type pausingStim struct{}

func (pausingStim) Events(t int, dst []InputEvent) []InputEvent {
	if t%7 == 3 {
		time.Sleep(2 * helperSpin)
	}
	return dst
}

// sleepProbe counts the timesteps at which every helper of the run's
// pool is parked, and the cores helpers computed by the last timestep.
type sleepProbe struct {
	sim            *Simulator
	asleep, helped int64
}

func (sp *sleepProbe) Events(t int, dst []InputEvent) []InputEvent {
	p := sp.sim.pool
	all := true
	for h := range p.sleeping {
		all = all && p.sleeping[h].Load()
	}
	if all {
		sp.asleep++
	}
	sp.helped = p.helped.Load()
	return dst
}

// TestPoolParks: timesteps far below the work gate run on the caller
// alone, and the helpers park at once instead of spinning until a gap of
// helperSpin between timesteps (which never comes when each timestep
// takes a microsecond). The same holds while the caller rests.
func TestPoolParks(t *testing.T) {
	cfg, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	cfg.NeuronsPerCore = 10
	m, err := Map(recurrentNet(40), cfg)
	if err != nil {
		t.Fatal(err)
	}
	const T = 20000
	for _, resting := range []bool{false, true} {
		sim, err := NewSimulator(m, 3)
		if err != nil {
			t.Fatal(err)
		}
		if resting { // no gate, but the caller rests throughout
			sim.poolMinWork, sim.poolRest = -1, 2*T
		}
		sp := &sleepProbe{sim: sim}
		if _, err := sim.Run(t.Context(), sp, T); err != nil {
			t.Fatal(err)
		}
		if sp.asleep < T/2 {
			t.Errorf("resting %v: helpers all parked at %d of %d timesteps, want most", resting, sp.asleep, T)
		}
		if !resting && sp.helped != 0 {
			t.Errorf("helpers computed %d cores of timesteps below the work gate", sp.helped)
		}
	}
}

// TestComputePool runs a busy recurrent network (every neuron driven by
// its bias, 12 cores) with 1, 2, 3 and 16 workers, with helpers that stay
// spinning, helpers that park in between, helpers left unwoken by the
// helper-share policy, timesteps below the work gate and timesteps routed
// by the caller: every result must equal the one-worker run, which uses
// no pool and routes every timestep on the caller.
func TestComputePool(t *testing.T) {
	cfg, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	n, T := 1200, 60
	if testing.Short() {
		n, T = 480, 30
	}
	cfg.NeuronsPerCore = n / 12
	m, err := Map(recurrentNet(n), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cores) < 12 {
		t.Fatalf("%d cores, want at least 12", len(m.Cores))
	}
	for _, stim := range []Stimulus{eventStim{}, pausingStim{}} {
		want := runOn(t, m, 1, stim, T, nil)
		if want.Counts.Spikes == 0 {
			t.Fatal("no spikes: the test would not exercise the pool")
		}
		for _, w := range []int{2, 3, 16} {
			sim, err := NewSimulator(m, w)
			if err != nil {
				t.Fatal(err)
			}
			for rep := range 4 { // each Run starts a new pool
				// Runs 0-2 share every timestep (no work gate); run 2
				// has probe and rest windows of 2 timesteps, so the
				// helpers are left unwoken now and then; run 3 has the
				// default gate, under which some timesteps are shared
				// and others computed by the caller alone.
				sim.poolProbe = map[int]int{2: 2}[rep]
				sim.poolMinWork = map[int]int64{0: -1, 1: -1, 2: -1, 3: poolMinWork}[rep]
				// Timesteps route on their own goroutines in run 0,
				// mixed with timesteps routed by the caller in run 1
				// (this network sends 0 to about 600 packets a
				// timestep), by the default rule in runs 2 and 3.
				sim.meshMinPackets = map[int]int{0: 0, 1: 150}[rep]
				if rep >= 2 {
					sim.meshMinPackets = meshMinPackets
				}
				got, err := sim.Run(t.Context(), stim, T)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%T, %d workers, run %d: result differs from 1 worker", stim, w, rep)
				}
				if sim.pool != nil {
					t.Errorf("%d workers: the pool outlived the run", w)
				}
			}
		}
	}
}
