package nirconv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spikemesh/spikemesh/nir"
)

// FuzzLower feeds arbitrary bytes to nir.Read and every graph it accepts
// to Lower, which must return a valid network or an error, never panic.
// Seeds: the reader's test files (every node type, every bad case),
// truncated copies, and FromChip's export of a network with an
// if-subtract population (the loop Lower folds). Run with:
// go test -fuzz FuzzLower ./nirconv
func FuzzLower(f *testing.F) {
	files, err := filepath.Glob("../nir/testdata/*.nir")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, 1e-4)
		if len(b) > 4096 {
			f.Add(b[:len(b)/2], 1e-4)
		}
	}
	g, err := FromChip(exConvNet(), 1e-4)
	if err != nil {
		f.Fatal(err)
	}
	exported := filepath.Join(f.TempDir(), "subtract.nir")
	if err := nir.Write(exported, g); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(exported)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, 1e-4)
	f.Fuzz(func(t *testing.T, data []byte, dt float64) {
		path := filepath.Join(t.TempDir(), "in.nir")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		g, err := nir.Read(path, nir.Options{MaxBytes: 16 << 20})
		if err != nil {
			return
		}
		lw, err := Lower(g, LowerOptions{DT: dt, WeightBits: 8})
		if (lw == nil) == (err == nil) {
			t.Fatalf("Lower returned %v and error %v", lw != nil, err)
		}
		if lw != nil {
			if err := lw.Net.Validate(8); err != nil {
				t.Fatalf("Lower returned an invalid network: %v", err)
			}
		}
	})
}
