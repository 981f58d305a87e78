package graphrun

import (
	"fmt"
	"math"
	"strings"
)

// Streaming is the report's section for sequence inputs (T > 1): how long
// the chip takes per input timestep and, given an input rate, whether it
// keeps up with a stream arriving at that rate. In a stream the chip
// processes one input frame per chip timestep; the outputs' latency
// (Report.ChipTimesteps − Timesteps timesteps) is a fixed delay of the
// pipeline, not a cost per frame.
type Streaming struct {
	// StepLatencyUS is the mean chip time of one timestep, µs: the cycles
	// of the samples (cycle-level timing: compute, mesh, barrier) over
	// samples × chip timesteps, at the chip's clock.
	StepLatencyUS float64 `json:"latency_us_per_step"`
	// WorstStepLatencyUS is the slowest single timestep of any sample, µs.
	WorstStepLatencyUS float64 `json:"worst_step_latency_us"`
	// With an input rate (Options.InputRateHz): RealTimeFactor is the
	// input period over the mean step latency, (1/rate)/StepLatency; the
	// chip keeps up when it is at least 1. WorstStepKeepsUp says whether
	// even the slowest timestep fits in one input period (no buffering).
	InputRateHz      *float64 `json:"input_rate_hz,omitempty"`
	RealTimeFactor   *float64 `json:"real_time_factor,omitempty"`
	KeepsUp          *bool    `json:"keeps_up,omitempty"`
	WorstStepKeepsUp *bool    `json:"worst_step_keeps_up,omitempty"`
}

// checkInputRate reports a bad Options.InputRateHz: it must be 0 (not
// given) or a finite rate > 0, and needs a sequence (T > 1).
func checkInputRate(hz float64, T int) error {
	if hz == 0 {
		return nil
	}
	if !(hz > 0) || math.IsInf(hz, 0) {
		return fmt.Errorf("graphrun: input rate %v Hz: want a finite rate > 0 (input timesteps per second)", hz)
	}
	if T < 2 {
		return fmt.Errorf("graphrun: input rate %g Hz: the input has %d timestep per sample; streaming figures need a sequence (T > 1)", hz, T)
	}
	return nil
}

// newStreaming computes the section from the chip's cycles: total over n
// samples of chipT timesteps each, worst the slowest timestep's cycles.
// hz = 0 leaves the rate figures out.
func newStreaming(cycles, worst uint64, n, chipT int, clockMHz, hz float64) *Streaming {
	s := &Streaming{
		StepLatencyUS:      float64(cycles) / float64(n) / float64(chipT) / clockMHz,
		WorstStepLatencyUS: float64(worst) / clockMHz,
	}
	if hz > 0 {
		periodUS := 1e6 / hz
		rtf := periodUS / s.StepLatencyUS
		keeps, worstKeeps := rtf >= 1, s.WorstStepLatencyUS <= periodUS
		s.InputRateHz, s.RealTimeFactor, s.KeepsUp, s.WorstStepKeepsUp = &hz, &rtf, &keeps, &worstKeeps
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (s *Streaming) writeText(b *strings.Builder) {
	fmt.Fprintf(b, "streaming %.4g µs per input timestep (mean), slowest timestep %.4g µs\n", s.StepLatencyUS, s.WorstStepLatencyUS)
	if s.InputRateHz != nil {
		fmt.Fprintf(b, "          input rate %g Hz (period %.4g µs): real-time factor %.4g, keeps up: %s (slowest timestep within one period: %s)\n",
			*s.InputRateHz, 1e6 / *s.InputRateHz, *s.RealTimeFactor, yesNo(*s.KeepsUp), yesNo(*s.WorstStepKeepsUp))
	}
}
