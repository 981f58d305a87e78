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

// TestComputePool runs a busy recurrent network (every neuron driven by
// its bias, 12 cores) with 1, 2, 3 and 16 workers, with helpers that stay
// spinning, helpers that park in between, and helpers left unwoken by the
// helper-share policy: every result must equal the one-worker run, which
// uses no pool.
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
			for rep := range 3 { // each Run starts a new pool
				// Run 2 has probe and rest windows of 2 timesteps, so
				// the helpers are left unwoken now and then.
				sim.poolProbe = map[int]int{2: 2}[rep]
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
