package nir

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// roundTripFixtures are every valid file in testdata.
var roundTripFixtures = append([]string{"all_nodes.nir"}, publicFixtures...)

// TestWriteRoundTrip reads each fixture, writes it and reads the result:
// nodes (kinds, parameters bit for bit with their element types and
// shapes, inferred shapes, nesting) and edges must be equal. Version is
// WriteVersion; Notes may only lose the note of an edge Read repaired,
// since the repaired edge is what is written.
func TestWriteRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, name := range roundTripFixtures {
		t.Run(name, func(t *testing.T) {
			g := mustRead(t, name, Options{})
			out := filepath.Join(dir, name)
			if err := Write(out, g); err != nil {
				t.Fatalf("Write: %v", err)
			}
			back, err := Read(out, Options{Strict: len(g.Notes) == 0})
			if err != nil {
				t.Fatalf("Read(written): %v", err)
			}
			if back.Version != WriteVersion {
				t.Errorf("version %q, want %q", back.Version, WriteVersion)
			}
			for i, n := range g.Nodes {
				if i >= len(back.Nodes) || !reflect.DeepEqual(back.Nodes[i], n) {
					t.Errorf("node %q differs after the round trip", n.Name)
				}
			}
			if len(back.Nodes) != len(g.Nodes) {
				t.Errorf("%d nodes, want %d", len(back.Nodes), len(g.Nodes))
			}
			if !reflect.DeepEqual(back.Edges, g.Edges) {
				t.Errorf("edges %v, want %v", back.Edges, g.Edges)
			}
			for _, note := range back.Notes {
				if !contains(g.Notes, note) {
					t.Errorf("new note after the round trip: %s", note)
				}
			}
			// Writing what was read back gives the same bytes.
			b1, err1 := Encode(g)
			b2, err2 := Encode(back)
			if err1 != nil || err2 != nil || !bytes.Equal(b1, b2) {
				t.Errorf("Encode differs between the graph and its round trip (errors %v, %v)", err1, err2)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestWriteKeepsMissingFields: v_reset and w_in that a file did not have
// are not invented by Write, so the flags survive the round trip.
func TestWriteKeepsMissingFields(t *testing.T) {
	g := mustRead(t, "braille_noDelay_bias_zero.nir", Options{})
	out := filepath.Join(t.TempDir(), "b.nir")
	if err := Write(out, g); err != nil {
		t.Fatal(err)
	}
	back := mustReadPath(t, out)
	n := 0
	for _, node := range back.NodesOf(KindCubaLIF) {
		p := node.Params.(*CubaLIFParams)
		if !p.VResetMissing {
			t.Errorf("%s: VResetMissing lost", node.Name)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no CubaLIF node in the Braille file")
	}
}

func mustReadPath(t *testing.T, path string) *Graph {
	t.Helper()
	g, err := Read(path, Options{})
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	return g
}

// TestWriteDeterministic: the same graph gives the same bytes, every time.
func TestWriteDeterministic(t *testing.T) {
	g := mustRead(t, "all_nodes.nir", Options{})
	a, err := Encode(g)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		b, err := Encode(mustRead(t, "all_nodes.nir", Options{}))
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("encoding %d differs (err %v)", i, err)
		}
	}
}

// TestWriteBadGraph: a graph that cannot be written gives one line naming
// the node and field, and leaves no file (nor replaces an existing one).
func TestWriteBadGraph(t *testing.T) {
	lif := func(mut func(g *Graph)) *Graph {
		g := mustRead(t, "lif_norse.nir", Options{})
		mut(g)
		return g
	}
	cases := []struct {
		name string
		g    *Graph
		want string
	}{
		{"nil", nil, "no graph to write"},
		{"slash", lif(func(g *Graph) { g.Nodes[0].Name = "a/b" }), `node "a/b": field "name"`},
		{"empty name", lif(func(g *Graph) { g.Nodes[0].Name = "" }), `field "name"`},
		{"duplicate", lif(func(g *Graph) { g.Nodes[1].Name = g.Nodes[0].Name }), "two nodes have this name"},
		{"nan", lif(func(g *Graph) {
			p := g.Node("1").Params.(*LIFParams)
			p.Tau.Data = append([]float64(nil), p.Tau.Data...)
			p.Tau.Data[0] = math.NaN()
		}), `node "1": field "tau": element 0 is not finite`},
		{"not float32", lif(func(g *Graph) {
			p := g.Node("0").Params.(*AffineParams)
			p.Weight.Data = append([]float64(nil), p.Weight.Data...)
			p.Weight.Data[0] = 0.1
		}), `node "0": field "weight": element 0 is not finite or not exactly a float32`},
		{"short data", lif(func(g *Graph) {
			p := g.Node("0").Params.(*AffineParams)
			p.Bias.Data = p.Bias.Data[:0]
		}), `node "0": field "bias": has 0 values for shape`},
		{"wrong params", lif(func(g *Graph) { g.Node("1").Kind = KindIF }), `node "1": field "type"`},
		{"empty edge", lif(func(g *Graph) { g.Edges = append(g.Edges, Edge{Src: "0"}) }), `field "edges": edge 3`},
	}
	dir := t.TempDir()
	old := filepath.Join(dir, "old.nir")
	if err := os.WriteFile(old, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, path := range []string{filepath.Join(dir, c.name+".nir"), old} {
			err := Write(path, c.g)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: error %v, want one line containing %q", c.name, err, c.want)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, c.name+".nir")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: a file was written", c.name)
		}
	}
	if b, _ := os.ReadFile(old); string(b) != "previous" {
		t.Errorf("a failed Write changed an existing file")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d entries left in the directory, want only old.nir", len(ents))
	}
}

// TestWrittenFileH5py runs testdata/check_h5py.py, which walks a file as
// NIR's Python reader does, on every round-tripped fixture. It needs
// /usr/bin/python3 with h5py (Debian python3-h5py) and skips otherwise;
// docs/nir.md records a run.
func TestWrittenFileH5py(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import h5py, numpy").Run(); err != nil {
		t.Skipf("skipped: %s with h5py and numpy is not available (%v); install python3-h5py to run it", py, err)
	}
	dir := t.TempDir()
	var files []string
	for _, name := range roundTripFixtures {
		out := filepath.Join(dir, name)
		if err := Write(out, mustRead(t, name, Options{})); err != nil {
			t.Fatal(err)
		}
		files = append(files, out)
	}
	script, _ := filepath.Abs(filepath.Join("testdata", "check_h5py.py"))
	out, err := exec.Command(py, append([]string{script}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("check_h5py.py: %v\n%s", err, out)
	}
	got := 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "ok ") {
			got++
		}
	}
	if got != len(files) {
		t.Errorf("check_h5py.py passed %d files, want %d:\n%s", got, len(files), out)
	}
}
