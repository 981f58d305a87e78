package trace

import (
	"fmt"
	"image/color"
	"io"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/router"
)

// utilGrid is the per-router link utilization, for plotter.HeatMap.
type utilGrid struct {
	w, h int
	v    []float64
}

func (g utilGrid) Dims() (c, r int)   { return g.w, g.h }
func (g utilGrid) Z(c, r int) float64 { return g.v[r*g.w+c] }
func (g utilGrid) X(c int) float64    { return float64(c) }
func (g utilGrid) Y(r int) float64    { return float64(r) }

func writeHeatmap(f *fileSet, name string, tr *chip.Trace, m *chip.Mapping, cycles uint64) error {
	cfg := m.Config
	g := utilGrid{w: cfg.MeshWidth, h: cfg.MeshHeight, v: make([]float64, cfg.MeshWidth*cfg.MeshHeight)}
	width := float64(max(cfg.LinkWidthFlits, 1))
	hi := 0.0
	for r := range g.v {
		x, y := r%g.w, r/g.w
		// mesh links leaving router r
		links := 0
		if x > 0 {
			links++
		}
		if x < g.w-1 {
			links++
		}
		if y > 0 {
			links++
		}
		if y < g.h-1 {
			links++
		}
		var flits uint64
		for t := 0; t < tr.T; t++ {
			for p := 0; p < router.NumMeshPorts; p++ {
				flits += tr.LinkFlits[t*tr.Links+r*router.NumMeshPorts+p]
			}
		}
		if links > 0 && cycles > 0 {
			g.v[r] = float64(flits) / (float64(links) * width * float64(cycles))
		}
		hi = max(hi, g.v[r])
	}
	pal := moreland.SmoothBlueRed()
	pal.SetMin(0)
	pal.SetMax(max(hi, 1e-12)) // a colour map needs max > min, even for an idle mesh
	p := plot.New()
	p.Title.Text = "Mesh link utilization"
	p.X.Label.Text = "router x (column)"
	p.Y.Label.Text = "router y (row)"
	p.X.Tick.Marker = intTicks{}
	p.Y.Tick.Marker = intTicks{}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewHeatMap(g, pal.Palette(64)))
	// Mark routers that hold used cores.
	var used plotter.XYs
	seen := map[int]bool{}
	for _, c := range m.Cores {
		r := int(c.Endpoint.Router)
		if !seen[r] {
			seen[r] = true
			used = append(used, plotter.XY{X: float64(c.X), Y: float64(c.Y)})
		}
	}
	if sc, err := plotter.NewScatter(used); err == nil {
		sc.GlyphStyle.Color = color.Black
		sc.GlyphStyle.Radius = vg.Points(2)
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(sc)
		p.Legend.Add("router with used cores", sc)
	}
	// The colour bar is a plot of its own beside the map, sharing its
	// colour map, with the scale on its axis.
	bar := plot.New()
	bar.HideX()
	bar.Y.Label.Text = "flits per link per cycle"
	bar.Add(&plotter.ColorBar{ColorMap: pal, Vertical: true})
	const w, h, barW = 7 * vg.Inch, 4 * vg.Inch, 1.4 * vg.Inch
	for _, out := range []struct {
		ext string
		c   vg.CanvasWriterTo
	}{
		{".png", vgimg.PngCanvas{Canvas: vgimg.New(w, h)}},
		{".svg", vgsvg.New(w, h)},
	} {
		dc := draw.New(out.c)
		p.Draw(draw.Crop(dc, 0, -barW, 0, 0))
		bar.Draw(draw.Crop(dc, w-barW, -vg.Points(8), 0, -vg.Points(14))) // below the title, clear of the edge
		err := f.write(name+out.ext, func(w io.Writer) error {
			if _, err := out.c.WriteTo(w); err != nil {
				return fmt.Errorf("heatmap: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// intTicks labels every router coordinate (every k-th on big meshes).
type intTicks struct{}

func (intTicks) Ticks(lo, hi float64) []plot.Tick {
	step := max(1, int(hi-lo)/16)
	var ts []plot.Tick
	for v := int(lo + 0.5); float64(v) <= hi; v += step {
		ts = append(ts, plot.Tick{Value: float64(v), Label: strconv.Itoa(v)})
	}
	return ts
}
