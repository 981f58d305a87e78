package explore

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Colours of the three kinds of plotted points.
var (
	colorFails = color.RGBA{R: 160, G: 160, B: 160, A: 255} // feasible, fails a constraint
	colorMeets = color.RGBA{R: 70, G: 110, B: 190, A: 255}  // meets every constraint
	colorFront = color.RGBA{R: 215, G: 40, B: 40, A: 255}   // on the Pareto front
)

// writePlots draws accuracy vs energy and energy vs latency.
func writePlots(dir string, s *Space, results []Result, onFront []bool) error {
	pairs := []struct{ file, x, y string }{
		{PlotAccVsEnergy, "energy_uj", "accuracy_pct"},
		{PlotEnergyVsLat, "latency_us", "energy_uj"},
	}
	for _, pr := range pairs {
		data, err := scatterPlot(s, results, onFront, pr.x, pr.y)
		if err != nil {
			return fmt.Errorf("explore: plot %s: %w", pr.file, err)
		}
		if err := writeFileAtomic(filepath.Join(dir, pr.file), data); err != nil {
			return err
		}
	}
	return nil
}

// scatterPlot renders one PNG: every feasible point, those that fail a
// constraint in grey, the front in red, constraints on either axis as
// dashed lines. An axis whose values span more than a factor of 20 is
// logarithmic. A percentage axis (accuracy) spans only the points that
// meet the constraints and the constraint bounds, so that a few broken
// designs near 10 % do not squash the interesting ones; the legend counts
// the points left out.
func scatterPlot(s *Space, results []Result, onFront []bool, xm, ym string) ([]byte, error) {
	xd, yd := findMetric(xm), findMetric(ym)
	var fails, meets, front plotter.XYs
	for i := range results {
		r := &results[i]
		if !r.Feasible {
			continue
		}
		x, _ := r.Metrics.Metric(xm)
		y, _ := r.Metrics.Metric(ym)
		pt := plotter.XY{X: x, Y: y}
		switch {
		case onFront[i]:
			front = append(front, pt)
		case MeetsConstraints(r, s.Constraints):
			meets = append(meets, pt)
		default:
			fails = append(fails, pt)
		}
	}
	good := append(append(plotter.XYs{}, meets...), front...)
	hidden := 0
	if yd.unit == "%" && len(good) > 0 {
		lo, hi := rangeOfY(good, true), rangeOfY(good, false)
		for _, c := range s.Constraints {
			if c.Metric == ym {
				lo, hi = math.Min(lo, c.Bound), math.Max(hi, c.Bound)
			}
		}
		pad := math.Max((hi-lo)*0.15, 0.5)
		lo, hi = math.Max(yd.lo, lo-pad), math.Min(yd.hi, hi+pad)
		kept := fails[:0]
		for _, p := range fails {
			if p.Y >= lo && p.Y <= hi {
				kept = append(kept, p)
			}
		}
		hidden = len(fails) - len(kept)
		fails = kept
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s, %d MNIST test samples: %s vs %s", s.Base.Workload, s.Base.Samples, yd.label, xd.label)
	p.X.Label.Text = xd.axisLabel()
	p.Y.Label.Text = yd.axisLabel()
	p.Add(plotter.NewGrid())
	all := append(append(plotter.XYs{}, fails...), good...)
	if len(all) == 0 {
		p.Title.Text += ": no feasible point"
	}
	xlo, xhi, ylo, yhi := rangeOf(all, true), rangeOf(all, false), rangeOfY(all, true), rangeOfY(all, false)
	for _, c := range s.Constraints { // keep constraint lines in view
		if c.Metric == ym && len(all) > 0 {
			ylo, yhi = math.Min(ylo, c.Bound), math.Max(yhi, c.Bound)
		}
		if c.Metric == xm && len(all) > 0 {
			xlo, xhi = math.Min(xlo, c.Bound), math.Max(xhi, c.Bound)
		}
	}
	xlog, ylog := xlo > 0 && xhi/xlo > 20, ylo > 0 && yhi/ylo > 20
	if xlog {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if ylog {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	add := func(xys plotter.XYs, name string, c color.Color, shape draw.GlyphDrawer, radius vg.Length) error {
		if len(xys) == 0 {
			return nil
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: c, Shape: shape, Radius: radius}
		p.Add(sc)
		p.Legend.Add(name, sc)
		return nil
	}
	failName := fmt.Sprintf("fails a constraint (%d)", len(fails))
	if hidden > 0 {
		failName = fmt.Sprintf("fails a constraint (%d; %d more off the chart)", len(fails), hidden)
	}
	if err := add(fails, failName, colorFails, draw.CrossGlyph{}, vg.Points(3)); err != nil {
		return nil, err
	}
	if err := add(meets, fmt.Sprintf("meets constraints, dominated (%d)", len(meets)), colorMeets, draw.RingGlyph{}, vg.Points(3)); err != nil {
		return nil, err
	}
	frontName := fmt.Sprintf("Pareto front (%d, under %d objectives)", len(front), len(s.Objectives))
	if err := add(front, frontName, colorFront, draw.CircleGlyph{}, vg.Points(4)); err != nil {
		return nil, err
	}
	for _, c := range s.Constraints {
		if len(all) == 0 || (c.Metric != xm && c.Metric != ym) {
			continue
		}
		var line plotter.XYs
		if c.Metric == ym {
			line = plotter.XYs{{X: xlo, Y: c.Bound}, {X: xhi, Y: c.Bound}}
		} else {
			line = plotter.XYs{{X: c.Bound, Y: ylo}, {X: c.Bound, Y: yhi}}
		}
		l, err := plotter.NewLine(line)
		if err != nil {
			return nil, err
		}
		l.LineStyle.Color = colorFails
		l.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.Legend.Add("constraint "+c.String(), l)
	}
	padAxis(&p.X, xlog)
	padAxis(&p.Y, ylog)
	p.Legend.Top, p.Legend.Left = emptiestCorner(all, xlo, xhi, ylo, yhi, xlog, ylog)
	p.Legend.ThumbnailWidth = vg.Points(14)
	wt, err := p.WriterTo(7*vg.Inch, 4.8*vg.Inch, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// padAxis widens an axis by 4 % of its span on each side (in log space
// for a log axis), so that no point sits on the frame.
func padAxis(a *plot.Axis, log bool) {
	lo, hi := a.Min, a.Max
	if log {
		lo, hi = math.Log(lo), math.Log(hi)
	}
	d := (hi - lo) * 0.04
	if d == 0 {
		d = math.Max(math.Abs(lo)*0.04, 0.5)
		if log {
			d = 0.1
		}
	}
	lo, hi = lo-d, hi+d
	if log {
		lo, hi = math.Exp(lo), math.Exp(hi)
	}
	a.Min, a.Max = lo, hi
}

// emptiestCorner picks the corner of the plot with the fewest points for
// the legend, preferring top right, bottom right, top left, bottom left.
func emptiestCorner(xys plotter.XYs, xlo, xhi, ylo, yhi float64, xlog, ylog bool) (top, left bool) {
	norm := func(v, lo, hi float64, log bool) float64 {
		if log {
			v, lo, hi = math.Log(v), math.Log(lo), math.Log(hi)
		}
		if hi == lo {
			return 0.5
		}
		return (v - lo) / (hi - lo)
	}
	best, bestN := 0, len(xys)+1
	corners := []struct{ top, left bool }{{true, false}, {false, false}, {true, true}, {false, true}}
	for i, c := range corners {
		n := 0
		for _, p := range xys {
			x, y := norm(p.X, xlo, xhi, xlog), norm(p.Y, ylo, yhi, ylog)
			inX := (c.left && x < 0.6) || (!c.left && x > 0.4)
			inY := (c.top && y > 0.6) || (!c.top && y < 0.4)
			if inX && inY {
				n++
			}
		}
		if n < bestN {
			best, bestN = i, n
		}
	}
	return corners[best].top, corners[best].left
}

func rangeOf(xys plotter.XYs, lo bool) float64 {
	return extreme(xys, lo, func(p plotter.XY) float64 { return p.X })
}

func rangeOfY(xys plotter.XYs, lo bool) float64 {
	return extreme(xys, lo, func(p plotter.XY) float64 { return p.Y })
}

func extreme(xys plotter.XYs, lo bool, f func(plotter.XY) float64) float64 {
	if len(xys) == 0 {
		return 0
	}
	v := f(xys[0])
	for _, p := range xys[1:] {
		if x := f(p); (lo && x < v) || (!lo && x > v) {
			v = x
		}
	}
	return v
}

// logTicks marks a logarithmic axis at 1, 2 and 5 times each power of ten
// (labelled) and at the other integer multiples (unlabelled), so that an
// axis spanning less than a decade still has labels.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi >= lo) {
		return nil
	}
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
			if m == 1 || m == 2 || m == 5 {
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

func tickLabel(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if len(s) > 8 {
		s = strconv.FormatFloat(v, 'g', 3, 64)
	}
	return strings.TrimSuffix(s, ".0")
}
