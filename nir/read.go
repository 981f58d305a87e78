package nir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/scigolib/hdf5"
)

// DefaultMaxBytes is the default read budget: the most memory Read may use
// for array data (stored bytes plus the float64 copy). 1 GiB holds a model
// with about 90 million float32 parameters, above every public NIR model
// we know of (the largest fixture, cnn_sinabs.nir, has 68 000).
const DefaultMaxBytes = 1 << 30

// maxDepth bounds the nesting of NIRGraph nodes. NIR sets no limit; real
// files nest one or two levels. The bound stops a crafted file from
// recursing without end.
const maxDepth = 32

// Options control Read. The zero value is ready to use.
type Options struct {
	// MaxBytes is the memory budget for array data; 0 means DefaultMaxBytes.
	// A dataset whose declared shape would exceed what is left is refused
	// before it is read.
	MaxBytes int64
	// Strict turns every tolerated deviation (see Graph.Notes) into a Problem.
	Strict bool

	// panicked, when set, is told about a recovered HDF5 decoder panic
	// (FuzzRead uses it to report them).
	panicked func(v any)
}

// Read reads the NIR file at path, infers missing shapes and checks the
// graph. On failure it returns an *Error listing every problem found (or a
// plain error when the file cannot be opened or is not HDF5).
//
// Read does not take an io.ReaderAt: the HDF5 library opens files by path
// only (hdf5.Open), so a reader would have to be copied to a temporary file.
func Read(path string, opts Options) (g *Graph, err error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	// Last resort: the HDF5 library can panic on malformed input (found by
	// FuzzRead). A panic is turned into an error naming the file; the graph
	// is dropped, so nothing half-read escapes.
	defer func() {
		if r := recover(); r != nil {
			if opts.panicked != nil {
				opts.panicked(r)
			}
			g = nil
			err = fmt.Errorf("nir: %s: malformed HDF5 file (the HDF5 decoder failed)", path)
		}
	}()
	if _, statErr := os.Stat(path); statErr != nil {
		if errors.Is(statErr, fs.ErrNotExist) {
			return nil, fmt.Errorf("nir: %s: no such file", path)
		}
		return nil, fmt.Errorf("nir: %s: cannot read the file", path)
	}
	if err := preflight(path, opts.MaxBytes); err != nil {
		return nil, fmt.Errorf("nir: %s: %v", path, err)
	}
	f, err := hdf5.Open(path)
	if err != nil {
		return nil, fmt.Errorf("nir: %s: not a readable HDF5 file", path)
	}
	defer f.Close()
	h := &h5file{f: f, budget: opts.MaxBytes}
	ps := &problems{}
	g = readFile(h, ps, opts)
	switch {
	case g == nil && ps.empty():
		ps.add("", "node", "no graph could be read") // every nil return records a problem; this is a guard
	case ps.empty():
		check(g, ps, opts)
	}
	if !ps.empty() {
		if f.SuperblockVersion() >= 2 {
			ps.add("", "", "note: the file uses HDF5 superblock v%d (h5py libver=\"latest\"); this reader handles the default layout NIR writes (superblock v0) best", f.SuperblockVersion())
		}
		return nil, &Error{File: path, Problems: ps.list}
	}
	return g, nil
}

// readFile reads /version and the top-level /node graph.
func readFile(h *h5file, ps *problems, opts Options) *Graph {
	root := members(h.f.Root())
	node, ok := root.groups["node"]
	if !ok {
		ps.add("", "node", "missing: a NIR file has its graph in group /node")
		return nil
	}
	g := readGraph(h, ps, opts, node, "", 0)
	if g == nil {
		return nil
	}
	if ds, ok := root.datasets["version"]; ok {
		s, shape, err := h.readStrings(ds)
		switch {
		case err != nil:
			ps.add("", "version", "%v", err)
		case len(shape) != 0:
			ps.add("", "version", "must be a scalar string, has shape %s", shape)
		default:
			g.Version = s[0]
		}
	}
	return g
}

// readGraph reads a NIRGraph group: its "nodes" sub-group and "edges".
func readGraph(h *h5file, ps *problems, opts Options, grp *hdf5.Group, path string, depth int) *Graph {
	if depth > maxDepth {
		ps.add(path, "nodes", "NIRGraph nested deeper than %d levels", maxDepth)
		return nil
	}
	m := members(grp)
	if k := readKind(h, ps, m, path); k != KindGraph {
		if k != KindInvalid {
			ps.add(path, "type", "top-level node must be a NIRGraph, not %s", k)
		}
		return nil
	}
	g := &Graph{}
	nodes, ok := m.groups["nodes"]
	if !ok {
		ps.add(path, "nodes", "missing")
		return nil
	}
	nm := members(nodes)
	for _, name := range nm.sortedGroupNames() {
		if h.refused {
			return nil
		}
		n := readNode(h, ps, opts, nm.groups[name], name, join(path, name), depth)
		if n != nil {
			g.Nodes = append(g.Nodes, n)
		}
	}
	if len(nm.datasets) > 0 {
		ps.add(path, "nodes", "holds %d datasets; every node must be a group", len(nm.datasets))
	}
	g.Edges = readEdges(h, ps, m, path)
	if h.refused {
		return nil
	}
	return g
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "/" + name
}

// readKind reads a group's "type" string.
func readKind(h *h5file, ps *problems, m h5group, path string) Kind {
	ds, ok := m.datasets["type"]
	if !ok {
		ps.add(path, "type", "missing")
		return KindInvalid
	}
	s, shape, err := h.readStrings(ds)
	if err != nil {
		ps.add(path, "type", "%v", err)
		return KindInvalid
	}
	if len(shape) != 0 {
		ps.add(path, "type", "must be a scalar string, has shape %s", shape)
		return KindInvalid
	}
	k, ok := ParseKind(s[0])
	if !ok {
		ps.add(path, "type", "unknown node type %q; supported: Input, Output, Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d, AvgPool2d, Flatten, Delay, Threshold, LIF, CubaLIF, CubaLI, LI, IF, I, NIRGraph", clip(s[0]))
		return KindInvalid
	}
	return k
}

// readEdges reads the (N, 2) string dataset "edges".
func readEdges(h *h5file, ps *problems, m h5group, path string) []Edge {
	ds, ok := m.datasets["edges"]
	if !ok {
		ps.add(path, "edges", "missing")
		return nil
	}
	s, shape, err := h.readStrings(ds)
	if err != nil {
		ps.add(path, "edges", "%v", err)
		return nil
	}
	if len(s) == 0 {
		return nil
	}
	if len(shape) != 2 || shape[1] != 2 {
		ps.add(path, "edges", "must be an (N, 2) array of node names, has shape %s", shape)
		return nil
	}
	edges := make([]Edge, shape[0])
	for i := range edges {
		edges[i] = Edge{Src: s[2*i], Dst: s[2*i+1]}
	}
	return edges
}

// clip shortens a name taken from the file to at most 40 bytes for messages.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
