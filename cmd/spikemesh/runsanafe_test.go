package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSanaFEGolden: a hand-written SANA-FE network and architecture
// (sanafe/testdata) run from the command line; the report is byte for
// byte testdata/run-sanafe-dense.txt (go test -run TestSanaFEGolden
// -update rewrites it). The hand-computed counts are checked in package
// sanafe.
func TestSanaFEGolden(t *testing.T) {
	stdout, stderr, code := run(t, "run", "--model", "../../sanafe/testdata/dense_mapped.yaml",
		"--chip", "../../sanafe/testdata/arch_small.yaml", "--timesteps", "8", "--workers", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	path := filepath.Join("testdata", "run-sanafe-dense.txt")
	if *update {
		if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal([]byte(stdout), want) {
		t.Errorf("report differs from %s:\n%s", path, stdout)
	}
	for _, s := range []string{"neurons fired: 7,", "messages: 11, hops: 6"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("report lacks %q", s)
		}
	}
}

// TestSanaFEBadInput: a SANA-FE file with a problem gives one line on
// stderr naming file, line, where and field, and exit 1.
func TestSanaFEBadInput(t *testing.T) {
	net := writeFile(t, "net.yaml", "network:\n  groups:\n    - name: a\n      attributes: {threshold: 2, colour: red}\n      neurons: [0]\n  edges: []\n")
	_, stderr, code := run(t, "run", "--model", net)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || len(lines) != 1 || !strings.Contains(stderr, `net.yaml:4: group "a": unknown attribute "colour"`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	arch := writeFile(t, "arch.yaml", "architecture:\n  name: x\n  attributes: {topology: torus}\n")
	_, stderr, code = run(t, "run", "--model", "../../sanafe/testdata/conv.yaml", "--chip", arch)
	if code != 1 || !strings.Contains(stderr, "topology: only mesh is supported") {
		t.Errorf("arch: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = run(t, "run", "--model", "../../sanafe/testdata/conv.yaml", "--json")
	if code != 1 || !strings.Contains(stderr, "--json does not apply to SANA-FE networks") {
		t.Errorf("--json: exit %d, stderr %q", code, stderr)
	}
}
