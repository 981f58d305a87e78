package spikemesh

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/trace"
)

// TestEvaluateLimits: timestep counts above MaxTimesteps, a chip whose
// mesh does not fit MaxMemory, and a trace that does not fit it are all
// refused before anything is simulated.
func TestEvaluateLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"10^12 timesteps", func(o *Options) { o.Timesteps = []int{1_000_000_000_000} }, "timesteps 1000000000000: must be in 1..1000000"},
		{"chip over the budget", func(o *Options) {
			o.Chip.MeshWidth, o.Chip.MeshHeight, o.Chip.CoresPerRouter, o.Chip.BufferDepth = 4096, 2048, 1, 1
			o.MaxMemory = 1 << 30
		}, "needs about 5.5 GiB, more than the memory budget of 1.0 GiB"},
		{"trace over the budget", func(o *Options) {
			o.Timesteps, o.TraceDir, o.MaxMemory = []int{1_000_000}, t.TempDir(), 256<<20
		}, "--trace of 1000000 timesteps on 7 cores needs about"},
	} {
		o := testOptions(t, 1, 1)
		tc.mod(&o)
		_, err := Evaluate(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestEvaluateInterrupted: a cancelled context gives an *InterruptedError
// that says how many samples were done, and wraps context.Canceled.
func TestEvaluateInterrupted(t *testing.T) {
	o := testOptions(t, 50, 8)
	ctx, cancel := context.WithCancel(context.Background())
	o.Progress = func(done, total int) {
		if done == 3 {
			cancel()
		}
	}
	_, err := Evaluate(ctx, o)
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Evaluate = %v, want an *InterruptedError wrapping context.Canceled", err)
	}
	if ie.Done != 3 || ie.Total != 50 || err.Error() != "interrupted after 3 of 50 samples" {
		t.Errorf("%+v: %q", ie, err)
	}
}

// TestEvaluateTraceFailureKeepsReport: when a trace file cannot be written,
// the complete report comes back with an error naming what is missing.
func TestEvaluateTraceFailureKeepsReport(t *testing.T) {
	o := testOptions(t, 2, 4)
	o.TraceDir = t.TempDir()
	if err := os.MkdirAll(filepath.Join(o.TraceDir, "links.csv", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := Evaluate(context.Background(), o)
	var ie *trace.IncompleteError
	if !errors.As(err, &ie) {
		t.Fatalf("Evaluate = %v, want a *trace.IncompleteError", err)
	}
	if r == nil || len(r.Runs) != 1 {
		t.Fatalf("report %v, want the complete report with one run", r)
	}
	if len(ie.Missing) == 0 || ie.Missing[0] != "links.csv" {
		t.Errorf("missing %v, want links.csv first", ie.Missing)
	}
}
