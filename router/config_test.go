package router

import (
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // one substring per expected error line; nil = valid
	}{
		{"default", DefaultConfig(), nil},
		{"loihi-like 8x4", testConfig(8, 4, 5, 4, 4, 7, 1, 1, YX), nil},
		{"zero value", Config{}, []string{
			"router: Width (0) must be in [1, 4096]",
			"router: Height (0) must be in [1, 4096]",
			"router: LocalPorts (0) must be in [1, 60]",
			"router: BufferDepth (0) must be in [1, 4096]",
			"router: HopCyclesX (0) must be in [1, 65536]",
			"router: HopCyclesY (0) must be in [1, 65536]",
		}},
		{"negative stages and bad routing", Config{Width: 2, Height: 2, LocalPorts: 1, BufferDepth: 1,
			HopCyclesX: 1, HopCyclesY: 1, InjectCycles: -1, EjectCycles: -3, Routing: 7}, []string{
			"router: InjectCycles (-1) must be in [0, 65536]",
			"router: EjectCycles (-3) must be in [0, 65536]",
			"router: Routing (7) is not a routing algorithm; valid: xy, yx",
		}},
		{"too many local ports", testConfig(2, 2, 61, 1, 1, 1, 0, 0, XY), []string{
			"router: LocalPorts (61) must be in [1, 60]",
		}},
		{"new fields out of range", Config{Width: 2, Height: 2, LocalPorts: 1, BufferDepth: 2, HopCyclesX: 1, HopCyclesY: 1,
			RouterCycles: -1, PacketFlits: 3, LinkWidth: -2, TableCapacity: -1}, []string{
			"router: RouterCycles (-1) must be in [0, 65536]",
			"router: LinkWidth (-2) must be in [0, 4096]",
			"router: TableCapacity (-1) must be in [0, 16777216]",
			"router: BufferDepth (2 flits) must hold one whole packet of PacketFlits (3) flits",
		}},
		{"multi-flit ok", withFlits(testConfig(4, 4, 2, 6, 1, 1, 0, 0, XY), 6, 2, 1), nil},
		{"too many buffer slots", testConfig(4096, 4096, 4, 4, 1, 1, 0, 0, XY), []string{
			"(536870912 buffer slots) must be <= 67108864",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				if _, err := New(tc.cfg); err != nil {
					t.Fatalf("New() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %d errors", len(tc.want))
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("Validate() gave %d lines, want %d:\n%v", len(lines), len(tc.want), err)
			}
			for i, w := range tc.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("line %d = %q, want it to contain %q", i, lines[i], w)
				}
			}
			if m, err := New(tc.cfg); m != nil || err == nil {
				t.Errorf("New accepted an invalid config")
			}
		})
	}
}

func TestAlgorithmText(t *testing.T) {
	tests := []struct {
		text    string
		want    Algorithm
		wantErr string
	}{
		{"xy", XY, ""},
		{"yx", YX, ""},
		{"YX", YX, ""},
		{"", 0, `router: unknown routing algorithm ""; valid: xy, yx`},
		{"west-first", 0, `router: unknown routing algorithm "west-first"; valid: xy, yx`},
	}
	for _, tc := range tests {
		var a Algorithm
		err := a.UnmarshalText([]byte(tc.text))
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("UnmarshalText(%q) error = %v, want %q", tc.text, err, tc.wantErr)
			}
			continue
		}
		if err != nil || a != tc.want {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", tc.text, a, err, tc.want)
		}
	}
	for _, a := range []Algorithm{XY, YX} {
		b, err := a.MarshalText()
		var back Algorithm
		if err != nil || back.UnmarshalText(b) != nil || back != a || string(b) != a.String() {
			t.Errorf("%v: round trip gave %q, %v, %v", a, b, back, err)
		}
	}
	if _, err := Algorithm(9).MarshalText(); err == nil {
		t.Errorf("MarshalText(Algorithm(9)) succeeded")
	}
	if s := Algorithm(9).String(); s != "Algorithm(9)" {
		t.Errorf("String() = %q, want Algorithm(9)", s)
	}
}

func TestConfigYAMLAndJSON(t *testing.T) {
	cfg := testConfig(8, 4, 5, 4, 4, 7, 1, 2, YX)
	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(y), "routing: yx") {
		t.Errorf("YAML lacks \"routing: yx\":\n%s", y)
	}
	var back Config
	if err := yaml.Unmarshal(y, &back); err != nil || back != cfg {
		t.Errorf("YAML round trip = %+v, %v; want %+v", back, err, cfg)
	}
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	back = Config{}
	if err := json.Unmarshal(j, &back); err != nil || back != cfg {
		t.Errorf("JSON round trip = %+v, %v; want %+v", back, err, cfg)
	}
	if err := yaml.Unmarshal([]byte("routing: zigzag\n"), &back); err == nil || !strings.Contains(err.Error(), "valid: xy, yx") {
		t.Errorf("YAML with unknown routing: error %v, want one listing xy, yx", err)
	}
}

func TestStatsAdd(t *testing.T) {
	a := Stats{Injected: 2, Packets: 2, Hops: 5, HopsX: 3, HopsY: 2, FlitHops: 10, LastArrival: 40, LatencySum: 30, LatencyMax: 20,
		DrainCycles: 8, StallCycles: 7, InjectStallCycles: 1, BackPressureStalls: 4}
	b := Stats{Injected: 1, Packets: 3, Hops: 1, HopsX: 0, HopsY: 1, FlitHops: 2, LastArrival: 10, LatencySum: 25, LatencyMax: 25,
		DrainCycles: 5, StallCycles: 3, InjectStallCycles: 2, BackPressureStalls: 1}
	a.Add(b)
	want := Stats{Injected: 3, Packets: 5, Hops: 6, HopsX: 3, HopsY: 3, FlitHops: 12, LastArrival: 40, LatencySum: 55, LatencyMax: 25,
		DrainCycles: 13, StallCycles: 10, InjectStallCycles: 3, BackPressureStalls: 5}
	if a != want {
		t.Errorf("Add = %+v, want %+v", a, want)
	}
	if got := a.MeanLatency(); got != 11 {
		t.Errorf("MeanLatency = %g, want 11", got)
	}
	if got := (Stats{}).MeanLatency(); got != 0 {
		t.Errorf("MeanLatency of no packets = %g, want 0", got)
	}
}
