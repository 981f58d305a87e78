package nir

import (
	"os"
	"path/filepath"
	"reflect"
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
			back, err := Read(out, Options{})
			if err != nil {
				t.Fatalf("Read(written): %v", err)
			}
			if back.Version != WriteVersion {
				t.Errorf("version %q, want %q", back.Version, WriteVersion)
			}
			if !reflect.DeepEqual(back.Nodes, g.Nodes) {
				t.Errorf("nodes differ after the round trip")
			}
			if !reflect.DeepEqual(back.Edges, g.Edges) {
				t.Errorf("edges %v, want %v", back.Edges, g.Edges)
			}
		})
	}
	_ = os.Remove
}
