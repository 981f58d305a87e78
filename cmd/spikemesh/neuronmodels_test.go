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

// TestRunLeak: --leak makes the converted neurons LIF with that leak (the
// report says so, and the chip must have lif); bad values give one line.
func TestRunLeak(t *testing.T) {
	stdout, stderr, code := run(t, "run", "--samples", "3", "--timesteps", "8", "--leak", "0.05")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "leaky IF neurons as LIF (leak 205/4096 of v per timestep, reset to zero)") {
		t.Errorf("report does not describe the leak:\n%s", stdout)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--leak", "2"}, "--leak 2: must be a fraction of the membrane potential per timestep in [0, 1]"},
		{[]string{"--leak", "-0.1"}, "--leak -0.1: must be"},
		{[]string{"--leak", "0.0001"}, "below the chip's decay resolution of 1/4096"},
		{[]string{"--leak", "0.1", "--reset", "subtract"}, "leaky neurons are the chip's LIF, which reset to zero"},
		{[]string{"--leak", "0.1", "--model", "mnist-mlp-qcfs", "--conversion", "exact"}, "--leak is for rate conversion"},
		{[]string{"--leak", "0.1", "--set", "neuron_models=if-subtract,if-zero"}, "layer fc1 needs neuron model lif"},
	} {
		_, stderr, code := run(t, append([]string{"run", "--samples", "2", "--timesteps", "4"}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want one line with %q", c.args, code, stderr, c.want)
		}
	}
}
