package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/nir"
)

// TestExport writes the built-in MLP as NIR twice: same bytes, and the
// file reads back as a checked graph with the converted layers.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	var files [2][]byte
	for i := range files {
		out := filepath.Join(dir, "mlp.nir")
		stdout, stderr, code := run(t, "export", "--model", "mnist-mlp", "--out", out)
		if code != 0 || !strings.HasPrefix(stdout, "wrote "+out+": model mnist-mlp (rate conversion, chip loihi, dt 0.0001 s)") {
			t.Fatalf("export: code %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("two exports of the same model differ")
	}
	g, err := nir.Read(filepath.Join(dir, "mlp.nir"), nir.Options{Strict: true})
	if err != nil {
		t.Fatalf("Read(exported): %v", err)
	}
	for name, k := range map[string]nir.Kind{"input": nir.KindInput, "fc1.w": nir.KindAffine, "fc1.v": nir.KindI, "fc1": nir.KindThreshold, "output": nir.KindOutput} {
		if n := g.Node(name); n == nil || n.Kind != k {
			t.Errorf("node %q: %v, want %s", name, n, k)
		}
	}
	if in := g.Node("input"); in != nil && in.Out.Size() != 784 {
		t.Errorf("input has %s elements, want 784", in.Out)
	}
}

// TestExportBadInput: one "spikemesh:" line, exit 1, no file.
func TestExportBadInput(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "x.nir")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"export"}, "--out is required"},
		{"zero dt", []string{"export", "--out", out, "--dt", "0"}, "--dt 0: must be finite and > 0"},
		{"negative dt", []string{"export", "--out", out, "--dt", "-1e-4"}, "--dt -0.0001"},
		{"missing nir model", []string{"export", "--out", out, "--model", filepath.Join(dir, "net.nir")}, "net.nir"},
		{"nir model, ANN flag", []string{"export", "--out", out, "--model", "../../nir/testdata/lif_norse.nir", "--percentile", "99"}, "--percentile applies to built-in ANN models"},
		{"unknown model", []string{"export", "--out", out, "--model", "resnet"}, "resnet"},
		{"unknown chip", []string{"export", "--out", out, "--chip", "loihi3"}, `unknown preset "loihi3"`},
		{"bad conversion", []string{"export", "--out", out, "--conversion", "magic"}, "--conversion"},
		{"exact", []string{"export", "--out", out, "--model", "mnist-mlp-qcfs", "--conversion", "exact"}, `population "fc1": neuron model bif`},
		{"unwritable", []string{"export", "--out", filepath.Join(notDir, "x.nir")}, "export: nir: writing"},
	}
	for _, c := range cases {
		stdout, stderr, code := run(t, c.args...)
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if code != 1 || stdout != "" || len(lines) != 1 || !strings.HasPrefix(lines[0], "spikemesh: ") || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: code %d, stdout %q, stderr %q; want exit 1 and one line containing %q", c.name, code, stdout, stderr, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: %s was written", c.name, out)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d entries in the output directory, want only the blocking file", len(ents))
	}
}

// TestExportNIRModel: every fixture exports as the network Lower puts on
// the chip, and the written file reads back strictly (exact equality of
// the round trip is nirconv's TestBuiltinRoundTrip).
func TestExportNIRModel(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"lif_norse", "lif_rockpool", "two_lif_neurons", "cnn_sinabs", "braille_noDelay_bias_zero", "braille_noDelay_bias_zero_subgraph", "all_nodes"} {
		out := filepath.Join(dir, f+".nir")
		stdout, stderr, code := run(t, "export", "--model", "../../nir/testdata/"+f+".nir", "--out", out)
		if code != 0 || !strings.Contains(stdout, "(lowered onto chip loihi, dt 0.0001 s)") {
			t.Errorf("%s: code %d, stdout %q, stderr %q", f, code, stdout, stderr)
			continue
		}
		if _, err := nir.Read(out, nir.Options{Strict: true}); err != nil {
			t.Errorf("%s: Read(exported): %v", f, err)
		}
	}
}
