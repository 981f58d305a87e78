package trace

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/internal/atomicfile"
	"github.com/spikemesh/spikemesh/internal/npyfile"
	"github.com/spikemesh/spikemesh/router"
)

// Write writes a run's trace into dir (created if needed): the
// per-timestep activity of cores and links as .npy arrays (timesteps x
// cores, timesteps x links, unsigned 64-bit, summed over the traced
// samples) and as two CSV files; every neuron's activity sample by sample
// as one .npy array per layer (population); and a heatmap of mesh link
// utilization as PNG and SVG. Each file is written to a temporary name and
// renamed, so no half-written file is left behind.
//
//	core_spikes.npy, core_synaptic_ops.npy, core_busy_cycles.npy   [T][cores]
//	link_flits.npy                                                 [T][links], link = router*4 + port (N, E, S, W)
//	cores.csv   timestep,core,layer,x,y,spikes,synaptic_ops,busy_cycles
//	links.csv   timestep,router,x,y,port,flits
//	neuron_counts_L<l>_<layer>.npy  int32 [samples][neurons]: net spike count (positive minus negative spikes)
//	neuron_raster_L<l>_<layer>.npy  int8 [samples][T][neurons]: +1 spike, -1 negative spike, 0 none
//	link_utilization.png, .svg      per router: flits it sent on its mesh links / (links x width x cycles)
//
// Per-neuron arrays cover the first samples only while they fit
// chip.MaxTraceCounts (counts) and chip.MaxTraceRaster (rasters) entries
// over all layers; their first dimension says how many (no file when not
// even one sample fits). A layer name is
// kept in file names as letters, digits, '-' and '_' (others become '_').
func Write(dir string, tr *chip.Trace, m *chip.Mapping, cycles uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("trace: %w", err)
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
			return fmt.Errorf("trace: %s: %w", a.name, err)
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
	if err := writeNeurons(dir, tr, m); err != nil {
		return err
	}
	return writeHeatmap(filepath.Join(dir, "link_utilization"), tr, m, cycles)
}

// writeNeurons writes each layer's per-neuron counts and rasters.
func writeNeurons(dir string, tr *chip.Trace, m *chip.Mapping) error {
	for l, n := range tr.Sizes {
		base := fmt.Sprintf("L%d_%s.npy", l, fileSafe(m.Net.Layers[l].Name))
		for _, a := range []struct {
			name    string
			samples int
			shape   []int
			data    any
		}{
			{"neuron_counts_" + base, tr.CountSamples, []int{tr.CountSamples, n}, tr.NeuronCounts[l][:tr.CountSamples*n]},
			{"neuron_raster_" + base, tr.RasterSamples, []int{tr.RasterSamples, tr.T, n}, tr.Raster[l][:tr.RasterSamples*tr.T*n]},
		} {
			if a.samples == 0 {
				continue // not even one sample fits the bound
			}
			var buf bytes.Buffer
			if err := npyfile.Write(&buf, a.shape, a.data); err != nil {
				return fmt.Errorf("trace: %s: %w", a.name, err)
			}
			if err := writeFile(filepath.Join(dir, a.name), buf.Bytes()); err != nil {
				return err
			}
		}
	}
	return nil
}

// fileSafe keeps letters, digits, '-' and '_' of a layer name and
// replaces every other rune with '_'.
func fileSafe(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, name)
}

// writeFile writes a trace file atomically, so that an interrupted run never
// leaves a half-written one.
func writeFile(name string, data []byte) error {
	if err := atomicfile.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	return nil
}
