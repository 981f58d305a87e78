package explore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh"
	"github.com/spikemesh/spikemesh/workloads"
)

// testSpace is 16 points that cost milliseconds each: 10 samples, 4 or 6
// timesteps. The 8 KiB cores cannot hold the network on 16 or 32 cores, so
// half the points are infeasible; the one conversion serves every chip,
// and the two energy models share each simulation.
const testSpace = `
workload: mnist-mlp
samples: 10
chip: loihi
energy: loihi
parameters:
  timesteps: [4, 6]
  synapse_memory_bytes: [8192, 131072]
  mesh_height: [2, 4]
  mesh_width: 2
  energy: [loihi, paper-45nm]
objectives:
  - maximize accuracy_pct
  - minimize energy_uj
  - minimize cores_used
constraints:
  - accuracy_pct >= 20 %
`

// testWorkload is loaded once and shared by the tests, read-only, as
// Explore shares it between its workers.
var testWorkload = sync.OnceValues(func() (*spikemesh.Workload, error) { return spikemesh.LoadWorkload("mnist-mlp") })

func mustSpace(t testing.TB, text string) *Space {
	t.Helper()
	s, err := ParseSpace([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// outputs runs WriteOutputs and returns the deterministic files.
func outputs(t *testing.T, dir string, s *Space, res []Result) map[string][]byte {
	t.Helper()
	if _, err := WriteOutputs(dir, s, res); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range []string{PointsCSV, ParetoCSV, SummaryFile, PlotAccVsEnergy, PlotEnergyVsLat, PlotAccVsEnergySVG, PlotEnergyVsLatSVG} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
	}
	return files
}

func sameOutputs(t *testing.T, what string, want, got map[string][]byte) {
	t.Helper()
	for f, w := range want {
		if !bytes.Equal(w, got[f]) {
			t.Errorf("%s: %s differs from the uninterrupted run's:\n%s\nwant:\n%s", what, f, got[f], w)
		}
	}
}

func sweep(t *testing.T, s *Space, o Options) *Outcome {
	t.Helper()
	w, err := testWorkload()
	if err != nil {
		t.Fatal(err)
	}
	o.Workload = w
	out, err := Sweep(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseSpaceErrors(t *testing.T) {
	base := "objectives: [maximize accuracy_pct]\n"
	cases := []struct {
		name, text string
		want       []string // substrings of the error
	}{
		{"unknown parameter", base + "parameters: {mesh_widht: [2, 4]}",
			[]string{`unknown parameter "mesh_widht"`, "known: mesh_width, mesh_height"}},
		{"samples is not a parameter", base + "parameters: {samples: [10, 20]}",
			[]string{`unknown parameter "samples"`, "set it at the top level"}},
		{"empty list", base + "parameters: {timesteps: []}", []string{"timesteps", "empty list"}},
		{"no values", base + "parameters:\n  timesteps:\n", []string{"timesteps", "no values"}},
		{"empty range", base + "parameters: {timesteps: {from: 32, to: 8}}", []string{"timesteps", "empty range: from 32 is above to 8"}},
		{"zero step", base + "parameters: {percentile: {from: 99, to: 100, step: 0}}", []string{"step is 0"}},
		{"real range without step", base + "parameters: {percentile: {from: 99, to: 100}}", []string{"needs a step, factor or count"}},
		{"value out of range", base + "parameters: {weight_bits: [4, 9]}", []string{"weight_bits", "value 9", "must be in 2..8"}},
		{"not whole", base + "parameters: {mesh_width: [2.5]}", []string{"2.5 is not a whole number"}},
		{"duplicate value", base + "parameters: {encoder: [rate, poisson]}", []string{"values rate and poisson give the same configuration"}},
		{"unknown encoder", base + "parameters: {encoder: [spiky]}", []string{`unknown encoder "spiky"`}},
		{"unknown energy preset", base + "parameters: {energy: [loihi, nosuchchip]}", []string{`unknown preset "nosuchchip"`}},
		{"range of names", base + "parameters: {routing: {from: 1, to: 2}}", []string{"takes names"}},
		{"unknown top-level key", base + "sample: 10", []string{"unknown key sample"}},
		{"unknown metric", "objectives: [maximize acuracy]", []string{`unknown metric "acuracy"`, "known: accuracy_pct"}},
		{"old metric name", "objectives: [maximize accuracy]\nconstraints: [\"ann_accuracy > 90\"]",
			[]string{`metric "accuracy" is now accuracy_pct`, `metric "ann_accuracy" is now ann_accuracy_pct`}},
		{"no objectives", "parameters: {timesteps: [4]}", []string{"objectives: none given"}},
		{"percent on a non-percentage", base + "constraints: [\"energy_uj <= 5 %\"]", []string{"energy_uj is in µJ, not %"}},
		{"impossible bound", base + "constraints: [\"accuracy_pct >= 101 %\"]",
			[]string{"no point can meet accuracy_pct >= 101 % (accuracy_pct is always in [0, 100] %)"}},
		{"contradictory bounds", base + "constraints: [\"accuracy_pct >= 98\", \"accuracy_pct < 90\"]",
			[]string{"no point can meet accuracy_pct >= 98 % and accuracy_pct < 90 %"}},
		{"static metric out of reach", base + "parameters: {mesh_width: [2, 4]}\nconstraints: [\"chip_cores <= 8\"]",
			[]string{"no point can meet chip_cores <= 8 (chip_cores is in [32, 64] over this space)"}},
		{"unknown strategy", base + "strategy: {kind: annealing}", []string{`unknown kind "annealing"`}},
		{"random without points", base + "strategy: {kind: random}", []string{"points is 0, must be in 1..100000"}},
		{"random with 10^9 points", base + "strategy: {kind: random, points: 1000000000}", []string{"points is 1000000000, must be in 1..100000"}},
		{"nsga2 population 10^9", base + "strategy: {kind: nsga2, population: 1000000000}", []string{"population is 1000000000, must be at most 10000"}},
		{"nsga2 too many generations", base + "strategy: {kind: nsga2, population: 100, generations: 9223372036854775807}", []string{"population 100 × (generations 9223372036854775807 + 1) evaluations is more than 100000"}},
		{"second document", base + "---\nsamples: 3\n", []string{"a second YAML document"}},
		{"grid too large", base + "parameters: {seed: {from: 1, to: 400}, timesteps: {from: 1, to: 300}}",
			[]string{"120000 points", "use kind random or nsga2"}},
		{"empty file", "", []string{"space file is empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseSpace([]byte(c.text))
			if err == nil {
				t.Fatalf("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestEnumText: the typed strategy kinds and constraint operators read and
// write the words of space files, and a bad word names every good one.
func TestEnumText(t *testing.T) {
	for k := StrategyGrid; k <= StrategyNSGA2; k++ {
		b, err := k.MarshalText()
		var back StrategyKind
		if err != nil || back.UnmarshalText(b) != nil || back != k {
			t.Errorf("strategy kind %d: text %q (%v) reads back as %v", k, b, err, back)
		}
	}
	for op := AtLeast; op <= Below; op++ {
		b, err := op.MarshalText()
		var back Op
		if err != nil || back.UnmarshalText(b) != nil || back != op {
			t.Errorf("op %d: text %q (%v) reads back as %v", op, b, err, back)
		}
	}
	var k StrategyKind
	if err := k.UnmarshalText([]byte("anneal")); err == nil || !strings.Contains(err.Error(), "grid, random, nsga2") {
		t.Errorf("bad kind: error %v, want the known kinds listed", err)
	}
	var op Op
	if err := op.UnmarshalText([]byte("=>")); err == nil || !strings.Contains(err.Error(), ">=, <=, >, <") {
		t.Errorf("bad op: error %v, want the known operators listed", err)
	}
	if _, err := (StrategyNSGA2 + 1).MarshalText(); err == nil {
		t.Error("an out-of-range strategy kind marshalled")
	}
	if _, err := (Below + 1).MarshalText(); err == nil {
		t.Error("an out-of-range op marshalled")
	}
}

// TestLegacyMetricNames: a points.jsonl line written before the _pct
// rename is read with its accuracies, and written back under the new names.
func TestLegacyMetricNames(t *testing.T) {
	r, err := decodeResult([]byte(`{"key":"k","index":3,"feasible":true,"metrics":{"accuracy":97.5,"ann_accuracy":98.25,"energy_uj":1.5}}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Metrics.AccuracyPct != 97.5 || r.Metrics.ANNAccuracyPct != 98.25 || r.Metrics.EnergyUJ != 1.5 {
		t.Errorf("decoded %+v", r.Metrics)
	}
	b, err := json.Marshal(&r.Metrics)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"accuracy_pct":97.5,"ann_accuracy_pct":98.25`)) || bytes.Contains(b, []byte(`"accuracy":`)) {
		t.Errorf("encoded %s", b)
	}
}

func TestParseValues(t *testing.T) {
	cases := []struct {
		param, spec string
		want        []string
	}{
		{"timesteps", "16", []string{"16"}},
		{"timesteps", "[8, 16, 32]", []string{"8", "16", "32"}},
		{"timesteps", "{from: 8, to: 12}", []string{"8", "9", "10", "11", "12"}},
		{"timesteps", "{from: 8, to: 32, factor: 2}", []string{"8", "16", "32"}},
		{"timesteps", "{from: 8, to: 40, factor: 2}", []string{"8", "16", "32"}},
		{"synapse_memory_bytes", "{from: 16384, to: 131072, factor: 2}", []string{"16384", "32768", "65536", "131072"}},
		{"percentile", "{from: 99, to: 100, step: 0.25}", []string{"99", "99.25", "99.5", "99.75", "100"}},
		{"percentile", "{from: 99, to: 100, count: 3}", []string{"99", "99.5", "100"}},
		{"clock_mhz", "[100, 2000]", []string{"100", "2000"}},
		{"routing", "[xy, yx]", []string{"xy", "yx"}},
	}
	for _, c := range cases {
		t.Run(c.param+" "+c.spec, func(t *testing.T) {
			s := mustSpace(t, fmt.Sprintf("objectives: [maximize accuracy_pct]\nparameters: {%s: %s}\n", c.param, c.spec))
			var got []string
			for i := range s.Params[0].Values {
				got = append(got, s.Params[0].Format(i))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("values %v, want %v", got, c.want)
			}
		})
	}
}

// TestPointAt: the first parameter varies slowest; PointAt and indexOf
// are inverse; the setters reach the configuration.
func TestPointAt(t *testing.T) {
	s := mustSpace(t, testSpace)
	if s.Size() != 16 {
		t.Fatalf("size %d, want 16", s.Size())
	}
	pt := s.PointAt(13) // 13 = 1*8 + 1*4 + 0*2 + 1: T 6, 128 KiB, height 2, paper-45nm
	if want := []int{1, 1, 0, 0, 1}; !slices.Equal(pt.Choice, want) {
		t.Fatalf("choice %v, want %v", pt.Choice, want)
	}
	c := pt.Config
	if c.Timesteps != 6 || c.Chip.SynapseMemoryBytes != 131072 || c.Chip.MeshHeight != 2 || c.Chip.MeshWidth != 2 || c.Energy.Name != "paper-45nm" {
		t.Errorf("config T %d, mem %d, mesh %dx%d, energy %s", c.Timesteps, c.Chip.SynapseMemoryBytes, c.Chip.MeshWidth, c.Chip.MeshHeight, c.Energy.Name)
	}
	for i := int64(0); i < s.Size(); i++ {
		if got := s.indexOf(s.PointAt(i).Choice); got != i {
			t.Errorf("indexOf(PointAt(%d)) = %d", i, got)
		}
	}
	if s.PointAt(0).Key == s.PointAt(1).Key {
		t.Error("points 0 and 1 have the same key")
	}
}

func TestShardParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
		ok   bool
	}{{"0/4", Shard{0, 4}, true}, {"3/4", Shard{3, 4}, true}, {"4/4", Shard{}, false}, {"-1/2", Shard{}, false}, {"1", Shard{}, false}, {"a/b", Shard{}, false}} {
		got, err := ParseShard(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseShard(%q) = %v, %v", c.in, got, err)
		}
	}
}

// TestExploreResults: infeasible points carry the mapping's reason, both
// energy models price one simulation, and metrics are those of Prepare,
// Simulate and Run called directly.
func TestExploreResults(t *testing.T) {
	s := mustSpace(t, testSpace)
	out := sweep(t, s, Options{Dir: t.TempDir(), Workers: 2})
	if len(out.Results) != 16 {
		t.Fatalf("%d results, want 16", len(out.Results))
	}
	feasible := 0
	for _, r := range out.Results {
		small := r.Params["synapse_memory_bytes"] == "8192"
		if small == r.Feasible {
			t.Errorf("point %d (%v): feasible %v", r.Index, r.Params, r.Feasible)
		}
		if small && !strings.Contains(r.Reason, "does not fit") {
			t.Errorf("point %d: reason %q", r.Index, r.Reason)
		}
		if r.Feasible {
			feasible++
		}
	}
	// 8 feasible points, 4 simulations (T x height at 128 KiB), one
	// conversion, 4 mappings (memory x height).
	if feasible != 8 || out.Simulations != 4 || out.Conversions != 1 || out.Mappings != 4 || out.Evaluated != 16 {
		t.Errorf("feasible %d, simulations %d, conversions %d, mappings %d, evaluated %d; want 8, 4, 1, 4, 16",
			feasible, out.Simulations, out.Conversions, out.Mappings, out.Evaluated)
	}
	r := out.Results[15] // 15 = 1*8 + 1*4 + 1*2 + 1: T 6, 128 KiB, height 4, paper-45nm
	w, err := testWorkload()
	if err != nil {
		t.Fatal(err)
	}
	p, err := spikemesh.Prepare(w, r.Config.Chip, workloads.ConvertOptions{Percentile: r.Config.Percentile, Encoder: r.Config.Encoder})
	if err != nil {
		t.Fatal(err)
	}
	act, err := p.Simulate(context.Background(), spikemesh.SimOptions{Samples: 10, Timesteps: 6, Seed: 1, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	run := act.Run(r.Config.Energy)
	if r.Metrics.EnergyUJ != run.Energy.TotalUJ || r.Metrics.AccuracyPct != run.SNNAccuracyPct || r.Metrics.LatencyUS != run.Timing.LatencyUS {
		t.Errorf("point 15: energy %g, accuracy %g, latency %g; direct run %g, %g, %g",
			r.Metrics.EnergyUJ, r.Metrics.AccuracyPct, r.Metrics.LatencyUS, run.Energy.TotalUJ, run.SNNAccuracyPct, run.Timing.LatencyUS)
	}
	if r.Config.Energy.Name != "paper-45nm" || r.Config.Timesteps != 6 || r.Config.Chip.MeshHeight != 4 {
		t.Errorf("point 15 config: %s, T %d, height %d", r.Config.Energy.Name, r.Config.Timesteps, r.Config.Chip.MeshHeight)
	}
}

// TestResume: a sweep cancelled after k points and run again, and a sweep
// whose last points.jsonl line was cut short and run again, give the same
// outputs as one uninterrupted run, with any number of workers.
func TestResume(t *testing.T) {
	s := mustSpace(t, testSpace)
	fullDir := t.TempDir()
	full := sweep(t, s, Options{Dir: fullDir, Workers: 1})
	want := outputs(t, fullDir, s, full.Results)

	for _, k := range []int{1, 5} {
		t.Run(fmt.Sprintf("cancelled after %d", k), func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w, _ := testWorkload()
			o := Options{Dir: dir, Workers: 3, Workload: w, Progress: func(done, total int) {
				if done == k {
					cancel()
				}
			}}
			_, err := Sweep(ctx, s, o)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted run: error %v, want context.Canceled", err)
			}
			data, _ := os.ReadFile(filepath.Join(dir, PointsFile))
			saved := bytes.Count(data, []byte{'\n'})
			if saved < k || saved >= 16 {
				t.Fatalf("%d points saved after cancelling at %d", saved, k)
			}
			again := sweep(t, s, Options{Dir: dir, Workers: 2})
			if again.Reused != saved || again.Evaluated != 16-saved {
				t.Errorf("resumed run reused %d and evaluated %d, want %d and %d", again.Reused, again.Evaluated, saved, 16-saved)
			}
			sameOutputs(t, "resumed", want, outputs(t, dir, s, again.Results))
		})
	}

	t.Run("last line cut short", func(t *testing.T) {
		dir := t.TempDir()
		data, err := os.ReadFile(filepath.Join(fullDir, PointsFile))
		if err != nil {
			t.Fatal(err)
		}
		cut := len(data) - 1 - len(data[bytes.LastIndexByte(data[:len(data)-1], '\n')+1:])/2
		if err := os.WriteFile(filepath.Join(dir, PointsFile), data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		again := sweep(t, s, Options{Dir: dir, Workers: 2, Log: &log})
		if again.Evaluated != 1 || again.Reused != 15 {
			t.Errorf("evaluated %d, reused %d; want 1 and 15", again.Evaluated, again.Reused)
		}
		if !strings.Contains(log.String(), "removed a corrupt last line") {
			t.Errorf("log %q does not mention the repair", log.String())
		}
		sameOutputs(t, "repaired", want, outputs(t, dir, s, again.Results))
		data, _ = os.ReadFile(filepath.Join(dir, PointsFile))
		if recs, _, bad, _ := readPoints(data); len(recs) != 16 || len(bad) != 0 {
			t.Errorf("repaired points.jsonl has %d good and %d bad lines", len(recs), len(bad))
		}
	})

	t.Run("corrupt line in the middle", func(t *testing.T) {
		dir := t.TempDir()
		data, _ := os.ReadFile(filepath.Join(fullDir, PointsFile))
		lines := bytes.SplitAfter(data, []byte{'\n'})
		lines[3] = []byte("{\"key\": garbage\n")
		if err := os.WriteFile(filepath.Join(dir, PointsFile), bytes.Join(lines, nil), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Sweep(context.Background(), s, Options{Dir: dir})
		if err == nil || !strings.Contains(err.Error(), "line 4 is corrupt") {
			t.Errorf("error %v, want line 4 is corrupt", err)
		}
	})
}

// TestShardsMerge: shards merged equal one full run; merge reports missing
// and duplicated points.
func TestShardsMerge(t *testing.T) {
	s := mustSpace(t, testSpace)
	fullDir := t.TempDir()
	full := sweep(t, s, Options{Dir: fullDir, Workers: 2})
	want := outputs(t, fullDir, s, full.Results)

	root := t.TempDir()
	var dirs []string
	total := 0
	for i := range 3 {
		d := filepath.Join(root, fmt.Sprint("shard-", i))
		out := sweep(t, s, Options{Dir: d, Workers: 2, Shard: Shard{i, 3}})
		if len(out.Results) == 0 {
			t.Errorf("shard %d/3 is empty", i)
		}
		total += len(out.Results)
		dirs = append(dirs, d)
	}
	if total != 16 {
		t.Errorf("shards hold %d points, want 16", total)
	}
	mergedDir := filepath.Join(root, "merged")
	merged, err := MergeShards(s, dirs, mergedDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, "merged", want, outputs(t, mergedDir, s, merged))

	if _, err := MergeShards(s, dirs[:2], filepath.Join(root, "m2"), nil); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("merge of 2 of 3 shards: error %v, want missing points", err)
	}
	if _, err := MergeShards(s, append(dirs, dirs[0]), filepath.Join(root, "m3"), nil); err == nil || !strings.Contains(err.Error(), "duplicated") {
		t.Errorf("merge with a shard twice: error %v, want duplicated points", err)
	}
	if _, err := Sweep(context.Background(), mustSpace(t, testSpace+"strategy: {kind: nsga2}\n"), Options{Dir: root, Shard: Shard{0, 2}}); err == nil {
		t.Error("nsga2 with a shard: no error")
	}
}

// TestDeterministicAcrossWorkers: the results do not depend on workers.
func TestExploreDeterministicAcrossWorkers(t *testing.T) {
	s := mustSpace(t, testSpace)
	var want map[string][]byte
	for _, w := range []int{1, 4} {
		dir := t.TempDir()
		out := sweep(t, s, Options{Dir: dir, Workers: w})
		got := outputs(t, dir, s, out.Results)
		if want == nil {
			want = got
			continue
		}
		sameOutputs(t, fmt.Sprintf("%d workers", w), want, got)
	}
}

// TestRandomStrategy: seeded draws without repeats, a subset of the grid.
func TestRandomStrategy(t *testing.T) {
	s := mustSpace(t, testSpace+"strategy: {kind: random, points: 5, seed: 3}\n")
	a, b := s.plan(), s.plan()
	if len(a) != 5 {
		t.Fatalf("%d points, want 5", len(a))
	}
	for i := range a {
		if a[i].Index != b[i].Index || (i > 0 && a[i].Index <= a[i-1].Index) {
			t.Fatalf("plans differ or are not increasing: %v %v", a[i].Index, b[i].Index)
		}
	}
	rng := newRand(9, 0)
	for _, c := range []struct {
		n int64
		k int
	}{{10, 3}, {10, 10}, {10, 20}, {1 << 40, 50}} {
		got := sampleIndices(c.n, c.k, rng)
		if want := min(int64(c.k), c.n); int64(len(got)) != want {
			t.Errorf("sampleIndices(%d, %d): %d indices", c.n, c.k, len(got))
		}
		for i := range got {
			if got[i] < 0 || got[i] >= c.n || (i > 0 && got[i] <= got[i-1]) {
				t.Errorf("sampleIndices(%d, %d): bad or repeated index %d", c.n, c.k, got[i])
			}
		}
	}
}

// TestNSGA2Deterministic: the same seed gives the same search for any
// worker count; a search interrupted and resumed gives the same result.
func TestNSGA2Deterministic(t *testing.T) {
	text := testSpace + "strategy: {kind: nsga2, population: 4, generations: 2, seed: 7}\n"
	s := mustSpace(t, text)
	dirA := t.TempDir()
	a := sweep(t, s, Options{Dir: dirA, Workers: 1})
	want := outputs(t, dirA, s, a.Results)
	if len(a.Results) < 4 || len(a.Results) > 12 {
		t.Errorf("%d points evaluated, want 4..12", len(a.Results))
	}
	dirB := t.TempDir()
	b := sweep(t, s, Options{Dir: dirB, Workers: 3})
	sameOutputs(t, "nsga2, 3 workers", want, outputs(t, dirB, s, b.Results))

	dirC := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	w, _ := testWorkload()
	_, err := Sweep(ctx, s, Options{Dir: dirC, Workers: 2, Workload: w, Progress: func(done, _ int) {
		if done == 5 {
			cancel()
		}
	}})
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted nsga2: %v", err)
	}
	c := sweep(t, s, Options{Dir: dirC, Workers: 2})
	sameOutputs(t, "nsga2 resumed", want, outputs(t, dirC, s, c.Results))
}

// TestRankAndCrowd checks non-dominated sorting with constraints and the
// crowding distance against values worked out by hand.
func TestRankAndCrowd(t *testing.T) {
	ind := func(idx int64, viol float64, obj ...float64) *individual {
		return &individual{pt: Point{Index: idx}, viol: viol, obj: obj}
	}
	pop := []*individual{
		ind(0, 0, 1, 5), // front 0
		ind(1, 0, 2, 3), // front 0
		ind(2, 0, 4, 1), // front 0
		ind(3, 0, 3, 4), // dominated by 1 only: front 1
		ind(4, 0, 5, 5), // dominated by 0, 1, 2, 3: front 2
		ind(5, 0.5, 0, 0),
		ind(6, 0.2, 9, 9), // less violation than 5: ranks before it
		ind(7, math.Inf(1), 0, 0),
	}
	rankAndCrowd(pop)
	wantRank := []int{0, 0, 0, 1, 2, 4, 3, 5}
	for i, w := range wantRank {
		if pop[i].rank != w {
			t.Errorf("individual %d: rank %d, want %d", i, pop[i].rank, w)
		}
	}
	// Front 0 sorted by objective 1: 0 (1), 1 (2), 2 (4): ends infinite,
	// 1 gets (4-1)/(4-1) = 1 from objective 1 and (5-1)/(5-1) = 1 from
	// objective 2.
	if !math.IsInf(pop[0].crowd, 1) || !math.IsInf(pop[2].crowd, 1) || pop[1].crowd != 2 {
		t.Errorf("crowding %g %g %g, want +Inf 2 +Inf", pop[0].crowd, pop[1].crowd, pop[2].crowd)
	}
	kept := survivors(pop, 4)
	var idx []int64
	for _, k := range kept {
		idx = append(idx, k.pt.Index)
	}
	// Front 0 (three, all kept), then front 1's only member.
	if !slices.Equal(idx, []int64{0, 2, 1, 3}) {
		t.Errorf("survivors %v, want [0 2 1 3]", idx)
	}
}

// TestParetoFrontBruteForce compares ParetoFront with a direct check of
// every pair on random points with many ties.
func TestParetoFrontBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	metrics := []string{"accuracy_pct", "energy_uj", "latency_us", "cores_used"}
	for trial := range 300 {
		n := 1 + rng.IntN(60)
		res := make([]Result, n)
		for i := range res {
			res[i] = Result{Index: int64(i), Feasible: rng.IntN(8) != 0, Metrics: Metrics{
				AccuracyPct: float64(90 + rng.IntN(10)), EnergyUJ: float64(rng.IntN(8)),
				LatencyUS: float64(rng.IntN(8)), CoresUsed: float64(1 + rng.IntN(5)),
			}}
		}
		var objs []Objective
		for _, m := range metrics[:1+rng.IntN(len(metrics))] {
			objs = append(objs, Objective{Metric: m, Maximize: m == "accuracy_pct"})
		}
		var cons []Constraint
		if rng.IntN(2) == 0 {
			cons = append(cons, Constraint{Metric: "accuracy_pct", Op: AtLeast, Bound: 93})
		}
		got := ParetoFront(res, objs, cons)

		var want []int
		for i := range res {
			if !res[i].Feasible || (len(cons) > 0 && res[i].Metrics.AccuracyPct < 93) {
				continue
			}
			dominated := false
			for j := range res {
				if j == i || !res[j].Feasible || (len(cons) > 0 && res[j].Metrics.AccuracyPct < 93) {
					continue
				}
				noWorse, better := true, false
				for _, o := range objs {
					a, _ := res[j].Metrics.Metric(o.Metric) // candidate dominator
					b, _ := res[i].Metrics.Metric(o.Metric)
					if o.Maximize {
						a, b = -a, -b
					}
					if a > b {
						noWorse = false
					}
					if a < b {
						better = true
					}
				}
				if noWorse && better {
					dominated = true
					break
				}
			}
			if !dominated {
				want = append(want, i)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: front %v, brute force %v", trial, got, want)
		}
	}
}

// TestNoPointMeetsConstraints: the sweep finishes, the outputs are
// written, and the error says which constraint failed and the best value.
func TestNoPointMeetsConstraints(t *testing.T) {
	s := mustSpace(t, strings.Replace(testSpace, "accuracy_pct >= 20 %", "accuracy_pct >= 99.99 %", 1))
	dir := t.TempDir()
	out := sweep(t, s, Options{Dir: dir, Workers: 2})
	summary, err := WriteOutputs(dir, s, out.Results)
	if !errors.Is(err, ErrNoPointMeetsConstraints) {
		t.Fatalf("error %v, want ErrNoPointMeetsConstraints", err)
	}
	for _, w := range []string{"accuracy_pct >= 99.99 % is met by 0 of 8 feasible points", "best accuracy_pct"} {
		if !strings.Contains(err.Error(), w) || !strings.Contains(summary, w) {
			t.Errorf("error %q / summary %q lacks %q", err, summary, w)
		}
	}
	if _, statErr := os.Stat(filepath.Join(dir, PlotAccVsEnergy)); statErr != nil {
		t.Error(statErr)
	}
}

func TestExampleSpace(t *testing.T) {
	s, err := ParseSpace(ExampleSpace())
	if err != nil {
		t.Fatal(err)
	}
	if n := s.Size(); n < 12 || n > 48 || s.Base.Samples > 500 {
		t.Errorf("example: %d points of %d samples; keep it a few minutes on 2 cores", n, s.Base.Samples)
	}
}

// TestExploreDocs: docs/explore.md lists every parameter and metric, its
// YAML blocks parse, and its space file example is a valid space.
func TestExploreDocs(t *testing.T) {
	doc, err := os.ReadFile("../docs/explore.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(ParamNames(), MetricNames()...) {
		if !bytes.Contains(doc, []byte("| `"+name+"` |")) {
			t.Errorf("docs/explore.md has no table row for %s", name)
		}
	}
	blocks := strings.Split(string(doc), "```yaml\n")[1:]
	if len(blocks) < 4 {
		t.Fatalf("%d yaml blocks, want at least 4", len(blocks))
	}
	for _, b := range blocks {
		b = b[:strings.Index(b, "```")]
		var v any
		if err := yaml.Unmarshal([]byte(b), &v); err != nil {
			t.Errorf("yaml block does not parse: %v\n%s", err, b)
		}
		if strings.HasPrefix(b, "workload:") {
			if _, err := ParseSpace([]byte(b)); err != nil {
				t.Errorf("the space file example is invalid: %v", err)
			}
		}
	}
}

// BenchmarkExplore reports the throughput of a fresh sweep of testSpace
// (16 points, 8 feasible, 10 samples each) in points per minute.
func BenchmarkExplore(b *testing.B) {
	s := mustSpace(b, testSpace)
	w, err := testWorkload()
	if err != nil {
		b.Fatal(err)
	}
	var points atomic.Int64
	var sims int
	for b.Loop() {
		out, err := Sweep(context.Background(), s, Options{Dir: b.TempDir(), Workload: w})
		if err != nil {
			b.Fatal(err)
		}
		points.Add(int64(out.Evaluated))
		sims = out.Simulations
	}
	b.ReportMetric(float64(points.Load())/b.Elapsed().Minutes(), "points/min")
	b.ReportMetric(float64(sims), "simulations/sweep")
}

// TestPrepareConvertedMatchesPrepare: the explorer's Prepare from a shared
// conversion gives what Prepare gives, for row-major and traffic-aware
// placement.
func TestPrepareConvertedMatchesPrepare(t *testing.T) {
	w, err := testWorkload()
	if err != nil {
		t.Fatal(err)
	}
	for _, placement := range []string{"row-major", "greedy"} {
		s := mustSpace(t, "objectives: [maximize accuracy_pct]\nparameters: {placement: ["+placement+"], weight_bits: 6}\n")
		pc := s.PointAt(0).Config
		opt := convertOptions(&pc)
		want, err := spikemesh.Prepare(w, pc.Chip, workloads.ConvertOptions{Method: pc.Method, Percentile: pc.Percentile, Encoder: pc.Encoder})
		if err != nil {
			t.Fatal(err)
		}
		cv, err := workloads.ConvertNet(w.Net, w.Calib, opt)
		if err != nil {
			t.Fatal(err)
		}
		got, err := spikemesh.PrepareConverted(w, pc.Chip, opt, cv)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("placement %s: prepareConverted differs from Prepare (profiled hops %g/%g vs %g/%g)", placement,
				got.ProfiledHopsRowMajor, got.ProfiledHopsPlaced, want.ProfiledHopsRowMajor, want.ProfiledHopsPlaced)
		}
	}
}
