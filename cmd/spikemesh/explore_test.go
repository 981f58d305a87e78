package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/explore"
)

const cmdSpace = `
samples: 5
parameters:
  timesteps: [4, 6]
  energy: [loihi, paper-45nm]
objectives: [maximize accuracy_pct, minimize energy_uj]
constraints: ["accuracy_pct >= 20 %"]
`

func TestExploreBadInput(t *testing.T) {
	space := writeFile(t, "s.yaml", cmdSpace)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no space", []string{"explore"}, "no space given: use --space FILE or --example"},
		{"space and example", []string{"explore", "--example", "--space", space}, "not both"},
		{"missing file", []string{"explore", "--space", "/no/such/space.yaml"}, "/no/such/space.yaml"},
		{"unknown parameter", []string{"explore", "--space", writeFile(t, "u.yaml", "objectives: [maximize accuracy_pct]\nparameters: {cores: [1]}\n")},
			`unknown parameter "cores" (known: mesh_width`},
		{"empty range", []string{"explore", "--space", writeFile(t, "e.yaml", "objectives: [maximize accuracy_pct]\nparameters: {timesteps: {from: 9, to: 3}}\n")},
			"empty range"},
		{"impossible constraint", []string{"explore", "--space", writeFile(t, "c.yaml", "objectives: [maximize accuracy_pct]\nconstraints: [\"accuracy_pct > 100\"]\n")},
			"no point can meet accuracy_pct > 100 %"},
		{"old metric name", []string{"explore", "--space", writeFile(t, "o.yaml", "objectives: [maximize accuracy]\n")},
			`metric "accuracy" is now accuracy_pct`},
		{"bad shard", []string{"explore", "--space", space, "--shard", "2/2"}, "0 <= i < n"},
		{"merge nothing", []string{"explore", "merge", "--space", space, t.TempDir()}, "points.jsonl"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := run(t, c.args...)
			if code == 0 || stdout != "" {
				t.Fatalf("exit %d, stdout %q", code, stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "spikemesh: ") || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q: want one spikemesh: line mentioning %q", stderr, c.want)
			}
		})
	}
}

// TestExploreShardsAndMerge runs a sweep as two shards, merges them and
// checks the outputs against a single run.
func TestExploreShardsAndMerge(t *testing.T) {
	space := writeFile(t, "s.yaml", cmdSpace)
	root := t.TempDir()
	full := filepath.Join(root, "full")
	stdout, stderr, code := run(t, "explore", "--space", space, "--out", full)
	if code != 0 || !strings.Contains(stdout, "Pareto front") {
		t.Fatalf("explore: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for i := range 2 {
		dir := filepath.Join(root, "shard-"+string(rune('0'+i)))
		if _, stderr, code := run(t, "explore", "--space", space, "--out", dir, "--shard", string(rune('0'+i))+"/2"); code != 0 {
			t.Fatalf("shard %d: %s", i, stderr)
		}
	}
	merged := filepath.Join(root, "merged")
	if _, stderr, code := run(t, "explore", "merge", "--space", space, "--out", merged, filepath.Join(root, "shard-0"), filepath.Join(root, "shard-1")); code != 0 {
		t.Fatalf("merge: %s", stderr)
	}
	for _, f := range []string{"points.csv", "pareto.csv", "summary.txt", "accuracy_vs_energy.png", "energy_vs_latency.png", "accuracy_vs_energy.svg", "energy_vs_latency.svg"} {
		a, errA := os.ReadFile(filepath.Join(full, f))
		b, errB := os.ReadFile(filepath.Join(merged, f))
		if errA != nil || errB != nil || string(a) != string(b) {
			t.Errorf("%s: merged differs from the single run (%v, %v)", f, errA, errB)
		}
	}
	// provenance.json records each command line; the rest (the base chip
	// and energy model, the seeds) is the same for the run and the merge.
	readProv := func(dir string) explore.SweepProvenance {
		var p explore.SweepProvenance
		b, err := os.ReadFile(filepath.Join(dir, explore.ProvenanceFile))
		if err == nil {
			err = json.Unmarshal(b, &p)
		}
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		return p
	}
	pf, pm := readProv(full), readProv(merged)
	if cl := pf.Provenance.CommandLine; len(cl) != 6 || cl[1] != "explore" || cl[5] != full || pf.Provenance.Version == "" {
		t.Errorf("single run: version %q, command line %q", pf.Provenance.Version, cl)
	}
	if cl := pm.Provenance.CommandLine; len(cl) < 3 || cl[2] != "merge" {
		t.Errorf("merge: command line %q", cl)
	}
	if pf.Provenance.ChipConfig.Name != "loihi" || pf.Samples != 5 || len(pf.Provenance.EnergyConfig) == 0 {
		t.Errorf("single run: chip %q, samples %d, energy %s", pf.Provenance.ChipConfig.Name, pf.Samples, pf.Provenance.EnergyConfig)
	}
	pf.Provenance.CommandLine, pm.Provenance.CommandLine = nil, nil
	if !reflect.DeepEqual(pf, pm) {
		t.Errorf("provenance of the run and of the merge differ:\n%+v\n%+v", pf, pm)
	}
}
