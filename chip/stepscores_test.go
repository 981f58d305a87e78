package chip

import (
	"context"
	"slices"
	"testing"
)

// TestStepScoresArePrefixRuns: the readout after timestep t of a run
// equals the final readout of a run of t+1 timesteps (a frame sent at the
// last timestep is integrated after it, so a shorter run sees the same
// state), on one worker and on RunSamples' replicas alike.
func TestStepScoresArePrefixRuns(t *testing.T) {
	m, err := Map(traceNet(), traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	stim := fixedStim{{0, 1}, {1}, {0}, {0, 1}, {}, {1}, {0, 1}, {}}
	const T = 8
	full := runOn(t, m, 1, stim, T, func(s *Simulator) { s.EnableStepScores() })
	if len(full.StepScores) != T {
		t.Fatalf("%d rows of step scores, want %d", len(full.StepScores), T)
	}
	if !slices.Equal(full.StepScores[T-1], full.Scores) {
		t.Fatalf("last step's readout %v, final readout %v", full.StepScores[T-1], full.Scores)
	}
	changed := false
	for k := 1; k <= T; k++ {
		r := runOn(t, m, 1, stim, k, nil)
		if !slices.Equal(full.StepScores[k-1], r.Scores) {
			t.Errorf("after timestep %d: step readout %v, a %d-timestep run's readout %v", k-1, full.StepScores[k-1], k, r.Scores)
		}
		if r.StepScores != nil {
			t.Errorf("step scores recorded without EnableStepScores")
		}
		changed = changed || (k > 1 && !slices.Equal(full.StepScores[k-1], full.StepScores[k-2]))
	}
	if !changed {
		t.Fatal("the readout never changed: the test checks nothing")
	}
	sim, err := NewSimulator(m, 2)
	if err != nil {
		t.Fatal(err)
	}
	sim.EnableStepScores()
	err = sim.RunSamples(context.Background(), Samples{N: 3, Timesteps: T, Stimulus: func(int) Stimulus { return stim },
		Each: func(i int, r Result) error {
			for k := range T {
				if !slices.Equal(r.StepScores[k], full.StepScores[k]) {
					t.Errorf("sample %d on a replica, timestep %d: %v, want %v", i, k, r.StepScores[k], full.StepScores[k])
				}
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
}
