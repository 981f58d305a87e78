package explore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/graphrun"
)

// TestNIRSweep sweeps the built-in NIR example space: every point is
// feasible, the metrics are graphrun's for the same chip (an independent
// run), fan-in splitting shows where axons are too few, the outputs do not
// depend on the worker count, and a second sweep reuses every point.
func TestNIRSweep(t *testing.T) {
	s, err := LoadNIRExample()
	if err != nil {
		t.Fatal(err)
	}
	var csv [2][]byte
	for i, workers := range []int{1, 2} {
		dir := t.TempDir()
		out, err := Sweep(context.Background(), s, Options{Dir: dir, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if out.Evaluated != 12 || out.Simulations != 12 || out.Conversions != 0 {
			t.Errorf("workers %d: %d evaluated, %d simulations, %d conversions; want 12, 12, 0", workers, out.Evaluated, out.Simulations, out.Conversions)
		}
		if _, err := WriteOutputs(dir, s, out.Results); err != nil {
			t.Fatal(err)
		}
		if csv[i], err = os.ReadFile(filepath.Join(dir, PointsCSV)); err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			continue
		}
		for _, r := range out.Results {
			if !r.Feasible {
				t.Fatalf("point %d infeasible: %s", r.Index, r.Reason)
			}
			split := r.Params["axons_per_core"] == "32"
			if (r.Metrics.SplitterCores > 0) != split {
				t.Errorf("point %d (axons %s): %g splitter cores", r.Index, r.Params["axons_per_core"], r.Metrics.SplitterCores)
			}
		}
		// An independent run of one point through graphrun alone.
		r := out.Results[len(out.Results)-1]
		rep, err := graphrun.Run(context.Background(), graphrun.Options{Graph: s.NIR.Graph, Input: s.NIR.Input,
			Chip: r.Config.Chip, Energy: r.Config.Energy, DT: s.NIR.DT, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		m := r.Metrics
		if m.EnergyUJ != rep.EnergyUJ || m.LatencyUS != rep.LatencyUS || m.OutputAgreementPct != rep.OutputAgreementPct ||
			m.CoresUsed != float64(rep.CoresUsed) || m.SynapticOps != rep.SynapticOps {
			t.Errorf("point %d metrics %+v differ from graphrun's report (energy %g, latency %g, agreement %g, cores %d, ops %g)",
				r.Index, m, rep.EnergyUJ, rep.LatencyUS, rep.OutputAgreementPct, rep.CoresUsed, rep.SynapticOps)
		}
		again, err := Sweep(context.Background(), s, Options{Dir: dir, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if again.Evaluated != 0 || again.Reused != 12 {
			t.Errorf("resumed sweep: %d evaluated, %d reused; want 0, 12", again.Evaluated, again.Reused)
		}
	}
	if string(csv[0]) != string(csv[1]) {
		t.Errorf("points.csv differs between 1 and 2 workers:\n%s\n%s", csv[0], csv[1])
	}
	head := strings.SplitN(string(csv[0]), "\n", 2)[0]
	row := strings.SplitN(string(csv[0]), "\n", 3)[1]
	cols, vals := strings.Split(head, ","), strings.Split(row, ",")
	for i, c := range cols {
		if (c == "ann_accuracy_pct" || c == "accuracy_pct" || c == "float_accuracy_pct") && vals[i] != "" {
			t.Errorf("points.csv: %s is %q for a NIR model without labels, want empty", c, vals[i])
		}
		if c == "output_agreement_pct" && vals[i] == "" {
			t.Errorf("points.csv: output_agreement_pct is empty")
		}
	}
}

// TestNIRSpaceErrors: a NIR space's mistakes are reported together, each
// naming its field.
func TestNIRSpaceErrors(t *testing.T) {
	dir, err := filepath.Abs("spaces")
	if err != nil {
		t.Fatal(err)
	}
	const tail = "\nobjectives: [minimize energy_uj]\n"
	cases := []struct {
		name, space string
		want        []string
	}{
		{"both", "workload: mnist-mlp\nmodel: braille.nir\ninput: braille_input.npz" + tail, []string{`workload "mnist-mlp" and model "braille.nir"`}},
		{"no input", "model: braille.nir" + tail, []string{"input: the space names a NIR model"}},
		{"no model", "input: braille_input.npz" + tail, []string{"model: the space names an input"}},
		{"missing files", "model: nope.nir\ninput: nope.npz" + tail, []string{"model: " + filepath.Join(dir, "nope.nir") + ": no such file", "input: " + filepath.Join(dir, "nope.npz") + ": no such file"}},
		{"not regular", "model: /dev/null\ninput: ." + tail, []string{"model: /dev/null: not a regular file", "input: " + dir + ": not a regular file"}},
		{"dt alone", "dt: 0.001" + tail, []string{"dt is the time step of a NIR model"}},
		{"bad dt", "model: braille.nir\ninput: braille_input.npz\ndt: -1" + tail, []string{"dt is -1 s"}},
		{"samples", "model: braille.nir\ninput: braille_input.npz\nsamples: 17" + tail, []string{"samples is 17, must be in 1..16"}},
		{"conversion params", "model: braille.nir\ninput: braille_input.npz\nparameters:\n  percentile: [99, 99.9]\n  seed: [1, 2]" + tail,
			[]string{"parameter percentile is a conversion setting", "parameter seed sets the rate coder"}},
		{"timesteps", "model: braille.nir\ninput: braille_input.npz\nparameters:\n  timesteps: [10, 60]" + tail, []string{"timesteps is 60, the NIR model's input has 50"}},
		{"metrics", "model: braille.nir\ninput: braille_input.npz\nobjectives: [maximize accuracy_pct, maximize ann_accuracy_pct]\nconstraints: [float_accuracy_pct >= 50]\n",
			[]string{"accuracy_pct needs labels", "ann_accuracy_pct compares with the float ANN", "float_accuracy_pct needs labels"}},
		{"nir metric on mnist", "objectives: [maximize output_agreement_pct]\n", []string{"output_agreement_pct exists only for a NIR model"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseSpaceIn([]byte(c.space), dir)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

// TestNIRSpaceFile: a space file's model and input are relative to the
// space file, and the embedded example is the file in spaces/.
func TestNIRSpaceFile(t *testing.T) {
	s, err := LoadSpaceFile("spaces/braille.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := LoadNIRExample()
	if err != nil {
		t.Fatal(err)
	}
	if s.SpaceHash() != e.SpaceHash() {
		t.Errorf("spaces/braille.yaml and the embedded example differ: %s vs %s", s.SpaceHash(), e.SpaceHash())
	}
	if s.NIR.ModelPath != filepath.Join("spaces", "braille.nir") || s.Base.Samples != 16 || s.Base.Timesteps != 50 {
		t.Errorf("model %s, %d samples, %d timesteps; want spaces/braille.nir, 16, 50", s.NIR.ModelPath, s.Base.Samples, s.Base.Timesteps)
	}
}

// TestNIRShards: the NIR example split over two shards and merged gives
// the points of a whole sweep, result for result.
func TestNIRShards(t *testing.T) {
	s, err := LoadNIRExample()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	whole, err := Sweep(context.Background(), s, Options{Dir: filepath.Join(root, "whole"), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for i := range 2 {
		d := filepath.Join(root, "shard", string(rune('0'+i)))
		if _, err := Sweep(context.Background(), s, Options{Dir: d, Workers: 1, Shard: Shard{Index: i, Count: 2}}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	merged, err := MergeShards(s, dirs, filepath.Join(root, "merged"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(merged) != len(whole.Results) {
		t.Fatalf("merged %d points, whole sweep %d", len(merged), len(whole.Results))
	}
	for i := range merged {
		a, b := merged[i], whole.Results[i]
		if a.Key != b.Key || a.Metrics != b.Metrics || a.Feasible != b.Feasible {
			t.Errorf("point %d: merged %+v, whole %+v", b.Index, a, b)
		}
	}
}

// TestNIRCounts: a NIR point that does not fit its chip was mapped (the
// mapping found that) but not simulated, so the summary counts a mapping
// per point and a simulation per feasible point only; a space with no
// feasible point reports no simulation.
func TestNIRCounts(t *testing.T) {
	dir, err := filepath.Abs("spaces")
	if err != nil {
		t.Fatal(err)
	}
	// One router of 4 cores: 8 neurons per core need 5 cores for the 38
	// recurrent neurons alone; 64 fit.
	for _, c := range []struct {
		npc                             string
		feasible, mappings, simulations int
	}{{"[8, 64]", 1, 2, 1}, {"[8]", 0, 1, 0}} {
		space := "model: braille.nir\ninput: braille_input.npz\nsamples: 2\nparameters:\n  timesteps: [10]\n  mesh_width: [1]\n  mesh_height: [1]\n" +
			"  neurons_per_core: " + c.npc + "\nobjectives: [minimize energy_uj]\n"
		s, err := ParseSpaceIn([]byte(space), dir)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Sweep(context.Background(), s, Options{Dir: t.TempDir(), Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		feasible := 0
		for _, r := range out.Results {
			if r.Feasible {
				feasible++
			} else if !strings.Contains(r.Reason, "does not fit") {
				t.Errorf("neurons_per_core %s: point %d infeasible for another reason: %s", c.npc, r.Index, r.Reason)
			}
		}
		if feasible != c.feasible || out.Mappings != c.mappings || out.Simulations != c.simulations {
			t.Errorf("neurons_per_core %s: %d feasible, %d mappings, %d simulations; want %d, %d, %d",
				c.npc, feasible, out.Mappings, out.Simulations, c.feasible, c.mappings, c.simulations)
		}
	}
}
