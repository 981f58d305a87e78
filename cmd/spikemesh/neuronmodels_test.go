package main

import (
	"strings"
	"testing"
)

// TestRunChipWithoutSubtractReset: on a chip whose IF neurons only reset
// to zero, the default rate conversion runs with reset to zero and says so
// (one note on stderr, the reset in the report); asking for reset by
// subtraction on it is refused naming the layer, the model and what the
// chip has.
func TestRunChipWithoutSubtractReset(t *testing.T) {
	strict := "neuron_models=lif,li,if-zero,lif-2syn"
	stdout, stderr, code := run(t, "run", "--samples", "3", "--timesteps", "8", "--set", strict)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "has no if-subtract neurons") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q: want one note about the reset", stderr)
	}
	if !strings.Contains(stdout, "IF neurons with reset to zero") {
		t.Errorf("report does not name the reset:\n%s", stdout)
	}
	_, stderr, code = run(t, "run", "--samples", "3", "--timesteps", "8", "--set", strict, "--reset", "subtract")
	if code != 1 || !strings.Contains(stderr, "layer fc1 needs neuron model if-subtract; chip loihi with "+strict+" implements if-zero,lif,li,lif-2syn") {
		t.Errorf("exit %d, stderr %q: want a refusal naming layer fc1", code, stderr)
	}
}
