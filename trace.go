package spikemesh

import (
	"github.com/spikemesh/spikemesh/internal/atomicfile"
	"github.com/spikemesh/spikemesh/internal/npyfile"

	"bytes"
	"encoding/csv"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/router"
)

// WriteTrace writes a run's per-timestep trace into dir (created if
// needed): as .npy arrays (timesteps x cores, timesteps x links, unsigned
// 64-bit, summed over the traced samples), as two CSV files, and as a PNG
// heatmap of mesh link utilization. Each file is written to a temporary
// name and renamed, so no half-written file is left behind.
//
//	core_spikes.npy, core_synaptic_ops.npy, core_busy_cycles.npy   [T][cores]
//	link_flits.npy                                                 [T][links], link = router*4 + port (N, E, S, W)
//	cores.csv   timestep,core,layer,x,y,spikes,synaptic_ops,busy_cycles
//	links.csv   timestep,router,x,y,port,flits
//	link_utilization.png  per router: flits it sent on its mesh links / (links x width x cycles)
func WriteTrace(dir string, tr *chip.Trace, m *chip.Mapping, cycles uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("spikemesh: trace: %w", err)
	}
	T := tr.T
	for _, a := range []struct {
		name string
		data []uint64
		cols int
	}{
		{"core_spikes.npy", tr.Spikes, tr.Cores},
		{"core_synaptic_ops.npy", tr.SynOps, tr.Cores},
		{"core_busy_cycles.npy", tr.BusyCycles, tr.Cores},
		{"link_flits.npy", tr.LinkFlits, tr.Links},
	} {
		var buf bytes.Buffer
		if err := npyfile.Write(&buf, []int{T, a.cols}, a.data); err != nil {
			return fmt.Errorf("spikemesh: trace %s: %w", a.name, err)
		}
		if err := writeFile(filepath.Join(dir, a.name), buf.Bytes()); err != nil {
			return err
		}
	}
	u := strconv.FormatUint
	var cores bytes.Buffer
	w := csv.NewWriter(&cores)
	w.Write([]string{"timestep", "core", "layer", "x", "y", "spikes", "synaptic_ops", "busy_cycles"})
	for t := 0; t < T; t++ {
		for ci, cm := range m.Cores {
			i := t*tr.Cores + ci
			w.Write([]string{strconv.Itoa(t), strconv.Itoa(cm.Core), m.Net.Layers[cm.Layer].Name, strconv.Itoa(cm.X), strconv.Itoa(cm.Y),
				u(tr.Spikes[i], 10), u(tr.SynOps[i], 10), u(tr.BusyCycles[i], 10)})
		}
	}
	w.Flush()
	if err := writeFile(filepath.Join(dir, "cores.csv"), cores.Bytes()); err != nil {
		return err
	}
	var links bytes.Buffer
	w = csv.NewWriter(&links)
	w.Write([]string{"timestep", "router", "x", "y", "port", "flits"})
	mw := m.Config.MeshWidth
	for t := 0; t < T; t++ {
		for li := 0; li < tr.Links; li++ {
			f := tr.LinkFlits[t*tr.Links+li]
			if f == 0 {
				continue
			}
			r := li / router.NumMeshPorts
			w.Write([]string{strconv.Itoa(t), strconv.Itoa(r), strconv.Itoa(r % mw), strconv.Itoa(r / mw), router.Port(li % router.NumMeshPorts).String(), u(f, 10)})
		}
	}
	w.Flush()
	if err := writeFile(filepath.Join(dir, "links.csv"), links.Bytes()); err != nil {
		return err
	}
	return writeHeatmap(filepath.Join(dir, "link_utilization.png"), tr, m, cycles)
}

// utilGrid is the per-router link utilization, for plotter.HeatMap.
type utilGrid struct {
	w, h int
	v    []float64
}

func (g utilGrid) Dims() (c, r int)   { return g.w, g.h }
func (g utilGrid) Z(c, r int) float64 { return g.v[r*g.w+c] }
func (g utilGrid) X(c int) float64    { return float64(c) }
func (g utilGrid) Y(r int) float64    { return float64(r) }

func writeHeatmap(name string, tr *chip.Trace, m *chip.Mapping, cycles uint64) error {
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
	pal.SetMax(max(hi, 1e-12))
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Mesh link utilization (max %.2e flits per link-cycle)", hi)
	p.X.Label.Text = "router x"
	p.Y.Label.Text = "router y"
	p.X.Tick.Marker = intTicks{}
	p.Y.Tick.Marker = intTicks{}
	p.Legend.Top = true
	hm := plotter.NewHeatMap(g, pal.Palette(64))
	p.Add(hm)
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
	wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("spikemesh: heatmap: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return fmt.Errorf("spikemesh: heatmap: %w", err)
	}
	return writeFile(name, buf.Bytes())
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

// writeFile writes a trace file atomically, so that an interrupted run never
// leaves a half-written one.
func writeFile(name string, data []byte) error {
	if err := atomicfile.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("spikemesh: %w", err)
	}
	return nil
}
