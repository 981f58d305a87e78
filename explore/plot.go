package explore

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Plot size: the data area keeps the 7 x 4.8 inch of earlier releases, and
// the legend gets its own column to the right, so that it never covers a
// point.
const (
	plotWidth  = 9.5 * vg.Inch
	plotHeight = 4.8 * vg.Inch
)

// Colours of the plotted points when the sweep uses one energy model.
var (
	colorFails = color.RGBA{R: 160, G: 160, B: 160, A: 255} // feasible, fails a constraint
	colorMeets = color.RGBA{R: 70, G: 110, B: 190, A: 255}  // meets every constraint
	colorFront = color.RGBA{R: 215, G: 40, B: 40, A: 255}   // on the Pareto front
)

// presetColors tell energy models apart when a sweep prices points with
// several: the Okabe-Ito palette (Okabe and Ito, "Color Universal Design",
// 2008), which readers with any common colour-vision deficiency can tell
// apart, without its yellow (too pale on white) and black (kept for text).
var presetColors = [...]color.RGBA{
	{R: 213, G: 94, B: 0, A: 255},    // vermillion
	{R: 0, G: 114, B: 178, A: 255},   // blue
	{R: 0, G: 158, B: 115, A: 255},   // bluish green
	{R: 204, G: 121, B: 167, A: 255}, // reddish purple
	{R: 230, G: 159, B: 0, A: 255},   // orange
	{R: 86, G: 180, B: 233, A: 255},  // sky blue
}

// presetGlyphs are the (front, dominated) marker pairs of the energy
// models, a filled and a hollow form of one shape, so that series differ in
// shape as well as colour (and survive printing in grey).
var presetGlyphs = [...][2]draw.GlyphDrawer{
	{draw.CircleGlyph{}, draw.RingGlyph{}},
	{draw.BoxGlyph{}, draw.SquareGlyph{}},
	{draw.PyramidGlyph{}, draw.TriangleGlyph{}},
}

// plotPair is one plot: its file name without extension and its axes.
type plotPair struct{ base, x, y string }

var plotPairs = [...]plotPair{
	{"accuracy_vs_energy", "energy_uj", "accuracy_pct"},
	{"energy_vs_latency", "latency_us", "energy_uj"},
}

// writePlots draws accuracy vs energy and energy vs latency, each as PNG
// and SVG. For a NIR model whose input has no labels, the first plot shows
// the output agreement between chip and float instead of accuracy; for
// Mackey-Glass the plots are sMAPE vs energy per prediction (still named
// accuracy_vs_energy: the error metric of the task against energy) and
// energy vs latency per prediction.
func writePlots(dir string, s *Space, results []Result, onFront []bool) error {
	for _, pr := range plotPairs {
		if s.MG != nil { // a regression over a series: its error and cost per prediction
			pr = map[string]plotPair{"accuracy_vs_energy": {"accuracy_vs_energy", "energy_uj_per_step", "smape_pct"},
				"energy_vs_latency": {"energy_vs_latency", "latency_us_per_step", "energy_uj_per_step"}}[pr.base]
		} else if pr.y == "accuracy_pct" && !s.applies(findMetric(pr.y)) {
			pr.y = "output_agreement_pct" // a NIR model's input without labels
		}
		p, err := scatterPlot(s, results, onFront, pr.x, pr.y)
		if err != nil {
			return fmt.Errorf("explore: plot %s: %w", pr.base, err)
		}
		for _, format := range []string{"png", "svg"} {
			data, err := render(p, format)
			if err != nil {
				return fmt.Errorf("explore: plot %s.%s: %w", pr.base, format, err)
			}
			if err := writeFileAtomic(filepath.Join(dir, pr.base+"."+format), data); err != nil {
				return err
			}
		}
	}
	return nil
}

// legendPlot is a plot with its legend kept apart, to be drawn beside the
// data area rather than over it.
type legendPlot struct {
	*plot.Plot
	legend plot.Legend
}

// render draws the plot on the left and the legend in a column on the
// right, top-aligned with the data area.
func render(p *legendPlot, format string) ([]byte, error) {
	var cw vg.CanvasWriterTo
	switch format {
	case "png":
		cw = vgimg.PngCanvas{Canvas: vgimg.New(plotWidth, plotHeight)}
	default:
		cw = vgsvg.New(plotWidth, plotHeight) // fonts not embedded: viewers substitute
	}
	dc := draw.New(cw)
	dc.SetColor(color.White) // the legend column too, not only the plot
	dc.Fill(dc.Rectangle.Path())
	gap, margin := vg.Points(12), vg.Points(6)
	lw := p.legend.Rectangle(dc).Size().X + gap + margin
	// gonum/plot puts the title's baseline a descent above the canvas top,
	// which clips it; the margin keeps it whole.
	p.Draw(draw.Crop(dc, 0, -lw, 0, -margin))
	top := margin + p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
	p.legend.Draw(draw.Crop(dc, plotWidth-lw+gap, 0, 0, -top))
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// series is the points of one energy model, by how they fare.
type series struct {
	name                string
	fails, meets, front plotter.XYs
}

// splitByEnergy sorts feasible points into series, one per energy model in
// order of first appearance (results are in index order, so the order is
// deterministic). With one energy model, front is the sweep's front; with
// several, each series has its own front: energies of different models are
// not a trade-off a designer can make on one chip, so one mixed front
// would hide every model but the cheapest.
func splitByEnergy(s *Space, results []Result, onFront []bool, xm, ym string) []*series {
	var out []*series
	byName := map[string]int{} // energy model name -> position in out
	var members [][]int        // positions in results, per series
	for i := range results {
		if !results[i].Feasible {
			continue
		}
		name := results[i].Config.Energy.Name
		k, ok := byName[name]
		if !ok {
			k = len(out)
			byName[name] = k
			out = append(out, &series{name: name})
			members = append(members, nil)
		}
		members[k] = append(members[k], i)
	}
	for k, sr := range out {
		front := onFront
		if len(out) > 1 {
			sub := make([]Result, len(members[k]))
			for j, i := range members[k] {
				sub[j] = results[i]
			}
			front = make([]bool, len(results))
			for _, j := range ParetoFront(sub, s.Objectives, s.Constraints) {
				front[members[k][j]] = true
			}
		}
		for _, i := range members[k] {
			r := &results[i]
			x, _ := r.Metrics.Metric(xm)
			y, _ := r.Metrics.Metric(ym)
			pt := plotter.XY{X: x, Y: y}
			switch {
			case front[i]:
				sr.front = append(sr.front, pt)
			case MeetsConstraints(r, s.Constraints):
				sr.meets = append(sr.meets, pt)
			default:
				sr.fails = append(sr.fails, pt)
			}
		}
	}
	return out
}

// scatterPlot builds one plot: every feasible point, those that fail a
// constraint as grey crosses, the front filled, constraints on either axis
// as dashed lines; with several energy models, one colour and shape per
// model and a front for each. An axis whose values span more than a factor
// of 20 is logarithmic. A percentage axis (accuracy) spans only the points
// that meet the constraints and the constraint bounds, so that a few broken
// designs near 10 % do not squash the interesting ones; the legend counts
// the points left out.
func scatterPlot(s *Space, results []Result, onFront []bool, xm, ym string) (*legendPlot, error) {
	xd, yd := findMetric(xm), findMetric(ym)
	ser := splitByEnergy(s, results, onFront, xm, ym)
	var fails, good plotter.XYs
	for _, sr := range ser {
		fails = append(fails, sr.fails...)
		good = append(append(good, sr.meets...), sr.front...)
	}
	hidden := 0
	if yd.unit == "%" && len(good) > 0 {
		lo, hi := extreme(good, true, yOf), extreme(good, false, yOf)
		for _, c := range s.Constraints {
			if c.Metric == ym {
				lo, hi = math.Min(lo, c.Bound), math.Max(hi, c.Bound)
			}
		}
		pad := math.Max((hi-lo)*0.15, 0.5)
		lo, hi = math.Max(yd.lo, lo-pad), math.Min(yd.hi, hi+pad)
		n := len(fails)
		fails = filterXYs(fails, func(p plotter.XY) bool { return p.Y >= lo && p.Y <= hi })
		hidden = n - len(fails)
	}
	p := &legendPlot{Plot: plot.New(), legend: plot.NewLegend()}
	p.Title.Text = fmt.Sprintf("%s, %d MNIST test samples: %s vs %s", s.Base.Workload, s.Base.Samples, yd.label, xd.label)
	if s.MG != nil {
		p.Title.Text = fmt.Sprintf("%s, NeuroBench test steps: %s vs %s", s.Base.Workload, yd.label, xd.label)
	}
	p.X.Label.Text = xd.axisLabel()
	p.Y.Label.Text = yd.axisLabel()
	p.Add(plotter.NewGrid())
	all := append(append(plotter.XYs{}, fails...), good...)
	if len(all) == 0 {
		p.Title.Text += ": no feasible point"
	}
	xlo, xhi, ylo, yhi := extreme(all, true, xOf), extreme(all, false, xOf), extreme(all, true, yOf), extreme(all, false, yOf)
	for _, c := range s.Constraints { // keep constraint lines in view
		if c.Metric == ym && len(all) > 0 {
			ylo, yhi = math.Min(ylo, c.Bound), math.Max(yhi, c.Bound)
		}
		if c.Metric == xm && len(all) > 0 {
			xlo, xhi = math.Min(xlo, c.Bound), math.Max(xhi, c.Bound)
		}
	}
	xlog, ylog := xlo > 0 && xhi/xlo > 20, ylo > 0 && yhi/ylo > 20
	p.X.Tick.Marker, p.Y.Tick.Marker = linearTicks{}, linearTicks{}
	if xlog {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if ylog {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	// add plots a series with its legend entry. An empty series gets no
	// entry unless legendOnly: failing points that all lie off the chart
	// must still be counted in the legend.
	add := func(xys plotter.XYs, name string, c color.Color, shape draw.GlyphDrawer, radius vg.Length, legendOnly bool) error {
		if len(xys) == 0 && !legendOnly {
			return nil
		}
		pts := xys
		if len(pts) == 0 {
			pts = plotter.XYs{{}} // the legend's glyph only; not added to the plot
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: c, Shape: shape, Radius: radius}
		if len(xys) > 0 {
			p.Add(sc)
		}
		p.legend.Add(name, sc)
		return nil
	}
	failName := fmt.Sprintf("fails a constraint (%d)", len(fails))
	if hidden > 0 {
		failName = fmt.Sprintf("fails a constraint (%d shown, %d off the chart)", len(fails), hidden)
	}
	if err := add(fails, failName, colorFails, draw.CrossGlyph{}, vg.Points(3), hidden > 0); err != nil {
		return nil, err
	}
	for k, sr := range ser {
		meetsC, frontC, glyphs := color.Color(colorMeets), color.Color(colorFront), [2]draw.GlyphDrawer{draw.CircleGlyph{}, draw.RingGlyph{}}
		meetsName := fmt.Sprintf("meets constraints, dominated (%d)", len(sr.meets))
		frontName := fmt.Sprintf("Pareto front (%d, under %d objectives)", len(sr.front), len(s.Objectives))
		if len(ser) > 1 {
			meetsC, frontC = presetColors[k%len(presetColors)], presetColors[k%len(presetColors)]
			glyphs = presetGlyphs[k%len(presetGlyphs)]
			meetsName = fmt.Sprintf("energy %s: dominated (%d)", sr.name, len(sr.meets))
			frontName = fmt.Sprintf("energy %s: front (%d)", sr.name, len(sr.front))
		}
		if err := add(sr.meets, meetsName, meetsC, glyphs[1], vg.Points(3), false); err != nil {
			return nil, err
		}
		if err := add(sr.front, frontName, frontC, glyphs[0], vg.Points(4), false); err != nil {
			return nil, err
		}
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
		p.legend.Add("constraint "+c.String(), l)
	}
	padAxis(&p.X, xlog)
	padAxis(&p.Y, ylog)
	p.legend.Top, p.legend.Left = true, true
	p.legend.ThumbnailWidth = vg.Points(14)
	p.legend.Padding = vg.Points(3) // the default 0 lets lines touch
	return p, nil
}

func filterXYs(xys plotter.XYs, keep func(plotter.XY) bool) plotter.XYs {
	var out plotter.XYs
	for _, p := range xys {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
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

func xOf(p plotter.XY) float64 { return p.X }
func yOf(p plotter.XY) float64 { return p.Y }

// extreme is the smallest (lo) or largest coordinate of xys; 0 for none.
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
