package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/ from this build")

// goldenRuns are small, fast runs whose reports are kept in testdata/: one
// rate-converted MLP, one exact-converted CNN, one NIR graph (Norse's
// LIF on its exported input) and the Mackey-Glass regressor with an input
// rate, each as text and JSON.
var goldenRuns = []struct {
	name string
	args []string
}{
	{"run-mlp-rate", []string{"run", "--samples", "20", "--timesteps", "16"}},
	{"run-cnn-qcfs-exact", []string{"run", "--model", "mnist-cnn-qcfs", "--conversion", "exact", "--samples", "10"}},
	{"run-nir-lif-norse", []string{"run", "--model", "../../nir/testdata/lif_norse.nir", "--input", "testdata/lif_norse_input.npz"}},
	{"run-mackey-glass", []string{"run", "--model", "mackey-glass", "--input-rate", "1000"}},
	{"run-sanafe-dense", sanafeDenseArgs},
	{"run-sanafe-inputs", sanafeInputArgs},
}

// versionLine matches the one field of a report that depends on the build.
var versionLine = regexp.MustCompile(`"version": "[^"]*"`)

// normalize replaces what legitimately varies between machines and builds,
// and nothing else: the version and the path of the binary in the command
// line.
func normalize(out string) string {
	out = versionLine.ReplaceAllString(out, `"version": "VERSION"`)
	return strings.ReplaceAll(out, `"`+bin+`"`, `"spikemesh"`)
}

// TestGoldenReports: the reports of goldenRuns are byte for byte the files
// in testdata/, so a change in any printed figure shows as a diff to review.
// After a deliberate change, run
//
//	go test ./cmd/spikemesh -run TestGoldenReports -update
//
// and inspect the diff before committing it.
func TestGoldenReports(t *testing.T) {
	for _, g := range goldenRuns {
		for _, format := range []string{"txt", "json"} {
			t.Run(g.name+"."+format, func(t *testing.T) {
				args := g.args
				if format == "json" {
					args = append(args[:len(args):len(args)], "--json")
				}
				stdout, stderr, code := run(t, args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				got := []byte(normalize(stdout))
				path := filepath.Join("testdata", g.name+"."+format)
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from this build's report; if the change is intended, run with -update and review the diff.\n%s",
						path, firstDiff(string(want), string(got)))
				}
			})
		}
	}
}

// firstDiff names the first line where want and got differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want %s\n  got %s", i+1, wl, gl)
		}
	}
	return "(no line differs)"
}
