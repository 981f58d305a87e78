package trace

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
//
// Before writing, temporary files that an interrupted earlier run left in
// dir (internal/atomicfile's ".tmp-" names) are removed: a trace directory
// belongs to one run at a time. If a file cannot be written (a full disk),
// Write stops and returns an *IncompleteError naming the files written and
// those missing; the files already written are complete and consistent.
func Write(dir string, tr *chip.Trace, m *chip.Mapping, cycles uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	if err := removeStale(dir); err != nil {
		return err
	}
	fs := &fileSet{dir: dir}
	if err := fs.writeAll(tr, m, cycles); err != nil {
		done := map[string]bool{}
		for _, n := range fs.written {
			done[n] = true
		}
		ie := &IncompleteError{Dir: dir, Written: fs.written, Err: err}
		for _, n := range Files(tr, m) {
			if !done[n] {
				ie.Missing = append(ie.Missing, n)
			}
		}
		return ie
	}
	return nil
}

// Files lists the files Write writes for tr, in the order it writes them.
func Files(tr *chip.Trace, m *chip.Mapping) []string {
	names := []string{"core_spikes.npy", "core_synaptic_ops.npy", "core_busy_cycles.npy", "link_flits.npy", "cores.csv", "links.csv"}
	for l := range tr.Sizes {
		base := neuronBase(l, m)
		if tr.CountSamples > 0 {
			names = append(names, "neuron_counts_"+base)
		}
		if tr.RasterSamples > 0 {
			names = append(names, "neuron_raster_"+base)
		}
	}
	return append(names, "link_utilization.png", "link_utilization.svg")
}

// IncompleteError is Write's error when some trace files could not be
// written.
type IncompleteError struct {
	Dir              string
	Written, Missing []string // base names
	Err              error    // the first failure
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("trace incomplete in %s: %v; written: %s; not written: %s", e.Dir, e.Err, listOrNone(e.Written), listOrNone(e.Missing))
}

func (e *IncompleteError) Unwrap() error { return e.Err }

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// removeStale removes temporary files left in dir by a killed run.
func removeStale(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	for _, e := range ents {
		if e.Type().IsRegular() && atomicfile.IsTemp(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("trace: removing a stale temporary file: %w", err)
			}
		}
	}
	return nil
}

// fileSet writes the files of one trace and remembers which are done.
type fileSet struct {
	dir     string
	written []string
}

// write creates dir/name atomically from what fill writes through a
// buffer, so large CSV files stream to disk instead of being built in
// memory first.
func (f *fileSet) write(name string, fill func(w io.Writer) error) error {
	err := atomicfile.Write(filepath.Join(f.dir, name), 0o644, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if err := fill(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	f.written = append(f.written, name)
	return nil
}

func (f *fileSet) writeAll(tr *chip.Trace, m *chip.Mapping, cycles uint64) error {
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
		err := f.write(a.name, func(w io.Writer) error {
			if err := npyfile.Write(w, []int{T, a.cols}, a.data); err != nil {
				return fmt.Errorf("%s: %w", a.name, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	u := strconv.FormatUint
	err := f.write("cores.csv", func(out io.Writer) error {
		w := csv.NewWriter(out)
		w.Write([]string{"timestep", "core", "layer", "x", "y", "spikes", "synaptic_ops", "busy_cycles"})
		for t := 0; t < T; t++ {
			for ci, cm := range m.Cores {
				i := t*tr.Cores + ci
				w.Write([]string{strconv.Itoa(t), strconv.Itoa(cm.Core), m.Net.Layers[cm.Layer].Name, strconv.Itoa(cm.X), strconv.Itoa(cm.Y),
					u(tr.Spikes[i], 10), u(tr.SynOps[i], 10), u(tr.BusyCycles[i], 10)})
			}
		}
		w.Flush()
		return w.Error()
	})
	if err != nil {
		return err
	}
	mw := m.Config.MeshWidth
	err = f.write("links.csv", func(out io.Writer) error {
		w := csv.NewWriter(out)
		w.Write([]string{"timestep", "router", "x", "y", "port", "flits"})
		for t := 0; t < T; t++ {
			for li := 0; li < tr.Links; li++ {
				fl := tr.LinkFlits[t*tr.Links+li]
				if fl == 0 {
					continue
				}
				r := li / router.NumMeshPorts
				w.Write([]string{strconv.Itoa(t), strconv.Itoa(r), strconv.Itoa(r % mw), strconv.Itoa(r / mw), router.Port(li % router.NumMeshPorts).String(), u(fl, 10)})
			}
		}
		w.Flush()
		return w.Error()
	})
	if err != nil {
		return err
	}
	if err := f.writeNeurons(tr, m); err != nil {
		return err
	}
	return writeHeatmap(f, "link_utilization", tr, m, cycles)
}

func neuronBase(l int, m *chip.Mapping) string {
	return fmt.Sprintf("L%d_%s.npy", l, fileSafe(m.Net.Layers[l].Name))
}

// writeNeurons writes each layer's per-neuron counts and rasters.
func (f *fileSet) writeNeurons(tr *chip.Trace, m *chip.Mapping) error {
	for l, n := range tr.Sizes {
		base := neuronBase(l, m)
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
			err := f.write(a.name, func(w io.Writer) error {
				if err := npyfile.Write(w, a.shape, a.data); err != nil {
					return fmt.Errorf("%s: %w", a.name, err)
				}
				return nil
			})
			if err != nil {
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
