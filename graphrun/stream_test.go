package graphrun

import (
	"math"
	"strings"
	"testing"
)

// TestStreamingHandComputed: 2 samples of 10 chip timesteps took 40,000
// cycles in all at 100 MHz, so one timestep takes 40,000/(2·10) = 2,000
// cycles = 20 µs; the slowest took 3,000 cycles = 30 µs. At 40 kHz the
// input period is 25 µs: real-time factor 25/20 = 1.25, keeps up; the
// slowest timestep (30 µs) does not fit in one period. At 50 kHz (20 µs)
// the factor is exactly 1: keeps up.
func TestStreamingHandComputed(t *testing.T) {
	s := newStreaming(40000, 3000, 2, 10, 100, 40000)
	if s.StepLatencyUS != 20 || s.WorstStepLatencyUS != 30 {
		t.Fatalf("latency %g µs, worst %g µs; want 20 and 30", s.StepLatencyUS, s.WorstStepLatencyUS)
	}
	if *s.RealTimeFactor != 1.25 || !*s.KeepsUp || *s.WorstStepKeepsUp {
		t.Fatalf("real-time factor %g, keeps up %v, worst keeps up %v; want 1.25, true, false", *s.RealTimeFactor, *s.KeepsUp, *s.WorstStepKeepsUp)
	}
	var b strings.Builder
	s.writeText(&b)
	for _, want := range []string{"20 µs per input timestep", "slowest timestep 30 µs", "input rate 40000 Hz (period 25 µs)", "real-time factor 1.25, keeps up: yes", "within one period: no"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text %q lacks %q", b.String(), want)
		}
	}
	s = newStreaming(40000, 3000, 2, 10, 100, 50000)
	if *s.RealTimeFactor != 1 || !*s.KeepsUp {
		t.Fatalf("at 50 kHz: factor %g, keeps up %v; want 1, true", *s.RealTimeFactor, *s.KeepsUp)
	}
	s = newStreaming(40000, 3000, 2, 10, 100, 100000) // 10 µs period
	if *s.RealTimeFactor != 0.5 || *s.KeepsUp {
		t.Fatalf("at 100 kHz: factor %g, keeps up %v; want 0.5, false", *s.RealTimeFactor, *s.KeepsUp)
	}
	if s := newStreaming(40000, 3000, 2, 10, 100, 0); s.InputRateHz != nil || s.RealTimeFactor != nil || s.KeepsUp != nil {
		t.Fatal("without a rate the rate figures must be absent")
	}
}

func TestCheckInputRate(t *testing.T) {
	if err := checkInputRate(0, 1); err != nil {
		t.Fatalf("no rate: %v", err)
	}
	if err := checkInputRate(1000, 5); err != nil {
		t.Fatalf("1 kHz, T=5: %v", err)
	}
	for _, c := range []struct {
		hz   float64
		T    int
		want string
	}{
		{-5, 5, "want a finite rate > 0"},
		{math.NaN(), 5, "NaN Hz: want a finite rate > 0"},
		{math.Inf(1), 5, "want a finite rate > 0"},
		{1000, 1, "need a sequence (T > 1)"},
	} {
		err := checkInputRate(c.hz, c.T)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("rate %v, T %d: error %v, want one line containing %q", c.hz, c.T, err, c.want)
		}
	}
}

// TestStreamingInReport: a sequence run reports a per-step latency that
// times the chip timesteps gives the latency per sample.
func TestStreamingInReport(t *testing.T) {
	in := randomSpikes(2, 20, inputChannels(t, "lif_norse"), 0.3, 7)
	rep := runFixture(t, "lif_norse", in, 1)
	s := rep.Streaming
	if s == nil {
		t.Fatal("no streaming section for T = 20")
	}
	if got := s.StepLatencyUS * float64(rep.ChipTimesteps); math.Abs(got-rep.LatencyUS) > 1e-9*rep.LatencyUS {
		t.Fatalf("%g µs per step × %d steps = %g, latency per sample %g", s.StepLatencyUS, rep.ChipTimesteps, got, rep.LatencyUS)
	}
	if s.WorstStepLatencyUS < s.StepLatencyUS {
		t.Fatalf("slowest step %g µs < mean %g µs", s.WorstStepLatencyUS, s.StepLatencyUS)
	}
	if rep := runFixture(t, "lif_norse", randomSpikes(1, 1, inputChannels(t, "lif_norse"), 0.3, 7), 1); rep.Streaming != nil {
		t.Fatal("a single-timestep input has no streaming section")
	}
}
