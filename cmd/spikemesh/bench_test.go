package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// TestBenchCommand runs `bench` on a small export in the peer's format: the
// counts in --json agree for 1 and 2 workers, the text output has its six
// lines, and bad folders give one-line errors.
func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	put := func(name string, shape []int, v []float64) {
		var b bytes.Buffer
		if err := npyfile.Write(&b, shape, v); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const in, out = 20, 8
	img, w := make([]float64, in), make([]float64, in*out)
	for i := range img {
		img[i] = float64(i) / in
	}
	for i := range w {
		w[i] = float64(i%7) / 10
	}
	put("image.npy", []int{in}, img)
	put("w0.npy", []int{in, out}, w)

	counts := func(workers string) map[string]any {
		stdout, stderr, code := run(t, "bench", "--dir", dir, "--samples", "3", "--steps", "10", "--workers", workers, "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		// The provenance records this command line (which names the
		// worker count), the chip and the energy model.
		prov, _ := r["provenance"].(map[string]any)
		cl, _ := prov["command_line"].([]any)
		chipCfg, _ := prov["chip_config"].(map[string]any)
		if len(cl) < 2 || cl[1] != "bench" || cl[len(cl)-1] != "--json" || prov["version"] == "" ||
			chipCfg["name"] != "loihi" || prov["energy_config"] == nil || r["seed"] != float64(2024) {
			t.Errorf("provenance %v, seed %v", prov, r["seed"])
		}
		for _, timing := range []string{"provenance", "run_s", "build_s", "events_per_s", "peak_rss_bytes", "simulator_heap_bytes", "bytes_per_synapse", "workers"} {
			delete(r, timing)
		}
		return r
	}
	a, b := counts("1"), counts("2")
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("counts differ between 1 and 2 workers:\n%s\n%s", ja, jb)
	}
	if a["synapses"] != float64(in*out) || a["synaptic_events"] == float64(0) {
		t.Errorf("synapses %v, events %v", a["synapses"], a["synaptic_events"])
	}

	stdout, _, code := run(t, "bench", "--dir", dir, "--samples", "1", "--steps", "5")
	if code != 0 || strings.Count(stdout, "\n") != 6 || !strings.HasPrefix(stdout, "network [20 8] on loihi") {
		t.Errorf("text output (exit %d):\n%s", code, stdout)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"bench"}, "--dir is required"},
		{[]string{"bench", "--dir", t.TempDir()}, "image.npy"},
	} {
		stdout, stderr, code := run(t, c.args...)
		if code == 0 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want one line mentioning %q", c.args, code, stdout, stderr, c.want)
		}
	}
}

// TestBenchCuba runs `bench --network cuba` on a tiny export in cuba.py's
// format (4 neurons, 3 excitatory): text output has its seven lines and
// the counts agree for 1 and 2 workers; a bad network name or a broken
// export is one line and a non-zero exit.
func TestBenchCuba(t *testing.T) {
	dir := t.TempDir()
	put := func(name string, v any) {
		var b bytes.Buffer
		var n int
		switch x := v.(type) {
		case []int64:
			n = len(x)
		case []float64:
			n = len(x)
		}
		if err := npyfile.Write(&b, []int{n}, v); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("exc_pre.npy", []int64{0, 0, 1, 2})
	put("exc_post.npy", []int64{1, 2, 3, 0})
	put("inh_pre.npy", []int64{3})
	put("inh_post.npy", []int64{0})
	put("v0.npy", []float64{-0.060, -0.0575, -0.055, -0.0501})
	params := `{"N": 4, "NE": 3, "dt": 0.0001, "taum": 0.02, "taue": 0.005, "taui": 0.01, "Vt": -0.05, "Vr": -0.06,
		"El": -0.049, "we": 0.00162, "wi": -0.009, "refractory": 0.005, "threshold": "v > Vt", "reset": "v = Vr",
		"integration": "exact", "seed": 2024}`
	if err := os.WriteFile(filepath.Join(dir, "params.json"), []byte(params), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, "bench", "--network", "cuba", "--dir", dir, "--duration", "0.05")
	if code != 0 || strings.Count(stdout, "\n") != 7 || !strings.HasPrefix(stdout, "cuba: 4 neurons, 5 synapses on loihi") {
		t.Errorf("text output (exit %d):\n%s%s", code, stdout, stderr)
	}
	spikes := func(workers string) string {
		stdout, stderr, code := run(t, "bench", "--network", "cuba", "--dir", dir, "--duration", "0.05", "--workers", workers, "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var r struct {
			Exc    uint64 `json:"spikes_exc"`
			Inh    uint64 `json:"spikes_inh"`
			Events uint64 `json:"synaptic_events"`
			Cycles uint64 `json:"chip_cycles"`
			Prov   *struct {
				Version string          `json:"version"`
				Chip    json.RawMessage `json:"chip_config"`
				Energy  json.RawMessage `json:"energy_config"`
			} `json:"provenance,omitempty"`
		}
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		if r.Exc == 0 {
			t.Errorf("no excitatory spikes: %s", stdout)
		}
		if r.Prov == nil || r.Prov.Version == "" || len(r.Prov.Chip) < 3 || len(r.Prov.Energy) < 3 {
			t.Errorf("the JSON result does not record its provenance: %s", stdout)
		}
		r.Prov = nil // the command line differs between the two runs
		b, _ := json.Marshal(r)
		return string(b)
	}
	if a, b := spikes("1"), spikes("2"); a != b {
		t.Errorf("1 worker %s, 2 workers %s", a, b)
	}
	os.Remove(filepath.Join(dir, "inh_post.npy"))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"bench", "--network", "cuba2", "--dir", dir}, `unknown network "cuba2"`},
		{[]string{"bench", "--network", "cuba", "--dir", dir}, "inh_post.npy"},
	} {
		stdout, stderr, code := run(t, c.args...)
		if code == 0 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want one line mentioning %q", c.args, code, stdout, stderr, c.want)
		}
	}
}
