package explore

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// Tick markers for the explorer's plots. gonum/plot's DefaultTicks labels
// at most a handful of values with steps of 1, 2, 2.5 or 5 and LogTicks
// labels only powers of ten, which leaves short axes (97 to 99.5 %, or 9 to
// 90 µJ) with two or three labels; these markers keep four to eight.

// linearTicks labels multiples of a 1-2-5 step (the largest that gives at
// least four labels) and marks the halves or fifths between them.
type linearTicks struct{}

func (linearTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil
	}
	step, minor := linearStep(hi - lo)
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ticks []plot.Tick
	first := math.Ceil(lo/minor - 1e-9)
	for i := first; i*minor <= hi*(1+1e-12)+1e-12; i++ {
		v := i * minor
		t := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			t.Label = strconv.FormatFloat(cleanZero(v, step), 'f', decimals, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// linearStep is the labelled step (1, 2 or 5 times a power of ten) that
// gives at least four labels over span, and the unlabelled minor step.
func linearStep(span float64) (step, minor float64) {
	e := math.Pow(10, math.Floor(math.Log10(span)))
	for _, m := range []struct{ step, minor float64 }{{2, 0.5}, {1, 0.2}, {0.5, 0.1}, {0.2, 0.05}} {
		if span/(m.step*e) >= 4-1e-9 {
			return m.step * e, m.minor * e
		}
	}
	return 0.1 * e, 0.02 * e
}

// cleanZero turns the -0 or 1e-17 a float step can leave into 0.
func cleanZero(v, step float64) float64 {
	if math.Abs(v) < step*1e-6 {
		return 0
	}
	return v
}

// logTicks marks a logarithmic axis at every integer multiple of each power
// of ten. It labels 1, 2 and 5 times each power over up to four decades,
// only the powers over more, and every mark when less than a decade would
// otherwise leave fewer than two labels.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi >= lo) || math.IsInf(hi, 0) {
		return nil
	}
	decades := math.Log10(hi / lo)
	var ticks []plot.Tick
	labelled := 0
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		base := math.Pow(10, e)
		for m := 1; m <= 9; m++ {
			v := base * float64(m)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || (decades <= 4 && (m == 2 || m == 5)) {
				t.Label = tickLabel(v)
				labelled++
			}
			ticks = append(ticks, t)
		}
	}
	if labelled < 2 { // less than a decade: label every tick
		for i := range ticks {
			ticks[i].Label = tickLabel(ticks[i].Value)
		}
	}
	return ticks
}

// tickLabel writes v as short as it is exact (0.05, 200, 1e+06 past eight
// characters).
func tickLabel(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if len(s) > 8 {
		s = strconv.FormatFloat(v, 'g', 3, 64)
	}
	return strings.TrimSuffix(s, ".0")
}
