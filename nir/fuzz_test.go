package nir

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// FuzzRead feeds arbitrary bytes to Read. Read must return a graph or an
// error, never panic, hang or allocate past its budget; a graph it accepts
// must survive Write and Read unchanged (nodes and edges), or Write must
// refuse it with an error. Seeds: every file in testdata and truncated
// copies of the public fixtures.
//
// HDF5 decoder panics are recovered inside Read; with NIR_FUZZ_PANICS=1 the
// fuzzer fails on them, and on reads slower than 2 s, to find and report
// them.
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob("testdata/*.nir")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		for _, cut := range []int{64, 512, 2048, len(b) / 2, len(b) - 1} {
			if cut > 0 && cut < len(b) {
				f.Add(b[:cut])
			}
		}
	}
	failOnPanic := os.Getenv("NIR_FUZZ_PANICS") != ""
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "in.nir")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		opts := Options{MaxBytes: 64 << 20}
		opts.panicked = func(v any) {
			if failOnPanic {
				t.Fatalf("HDF5 decoder panicked: %v\n%s", v, debug.Stack())
			}
		}
		start := time.Now()
		g, err := Read(path, opts)
		if d := time.Since(start); failOnPanic && d > 2*time.Second {
			t.Fatalf("Read took %v", d)
		}
		if (g == nil) == (err == nil) {
			t.Fatalf("Read returned graph %v and error %v", g != nil, err)
		}
		if g != nil {
			// Inline may refuse a name collision; anything else is a bug.
			if _, err := g.Inline(); err != nil && !strings.Contains(err.Error(), "used twice") {
				t.Fatalf("Inline of a graph Read accepted: %v", err)
			}
			out := filepath.Join(t.TempDir(), "out.nir")
			if err := Write(out, g); err == nil {
				back, err := Read(out, opts)
				if err != nil {
					t.Fatalf("Read of a written graph: %v", err)
				}
				if !reflect.DeepEqual(back.Nodes, g.Nodes) || !reflect.DeepEqual(back.Edges, g.Edges) {
					t.Fatalf("graph changed in the Write/Read round trip")
				}
			}
		}
	})
}
