package energy

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// scaledModel is the dyadic model with a scaling section: syn_mem_read_bit
// 0.25 pJ for an 8 KB array, square-root size rule, synaptic_mac 2 pJ =
// synaptic_op 0.5 pJ + a 1.5 pJ multiply at 8-bit weights.
func scaledModel() Model {
	m := dyadicModel()
	m.Scaling = Scaling{SRAMArrayBytesRef: 8192, SRAMSizeExponent: 0.5, MACWeightBitsRef: 8}
	return m
}

// TestForChip checks the two scaling rules against values worked out by
// hand (all exact binary fractions).
func TestForChip(t *testing.T) {
	tests := []struct {
		name             string
		weightBits, mem  int
		wantBit, wantMAC float64
	}{
		// sqrt(8192/8192) = 1; 0.5 + 1.5 x 8/8 = 2
		{"reference chip", 8, 8192, 0.25, 2},
		// sqrt(32768/8192) = 2 -> 0.5 pJ/bit; 0.5 + 1.5 x 4/8 = 1.25
		{"32 KB, 4-bit weights", 4, 32768, 0.5, 1.25},
		// sqrt(131072/8192) = 4 -> 1 pJ/bit; 0.5 + 1.5 x 2/8 = 0.875
		{"128 KB (Loihi core), 2-bit weights", 2, 131072, 1, 0.875},
		// sqrt(2048/8192) = 1/2 -> 0.125 pJ/bit; 0.5 + 1.5 x 16/8 = 3.5
		{"2 KB, 16-bit weights", 16, 2048, 0.125, 3.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := scaledModel()
			got, err := m.ForChip(tc.weightBits, tc.mem)
			if err != nil {
				t.Fatal(err)
			}
			if got.SynMemReadBitPJ != tc.wantBit || got.SynapticMACPJ != tc.wantMAC {
				t.Errorf("syn_mem_read_bit %v pJ, synaptic_mac %v pJ; want %v and %v", got.SynMemReadBitPJ, got.SynapticMACPJ, tc.wantBit, tc.wantMAC)
			}
			if got.Scaling != (Scaling{}) {
				t.Errorf("resolved model still has Scaling %+v", got.Scaling)
			}
			if got.SynapticOpPJ != m.SynapticOpPJ || got.HopXPJ != m.HopXPJ || got.StaticPerChipMW != m.StaticPerChipMW {
				t.Error("ForChip changed a cost it does not scale")
			}
			if !strings.Contains(got.Sources["syn_mem_read_bit"], "scaled") || !strings.Contains(got.Description, "Resolved for") {
				t.Errorf("sources/description do not record the scaling: %q / %q", got.Sources["syn_mem_read_bit"], got.Description)
			}
			if m.Scaling == (Scaling{}) || m.Sources["syn_mem_read_bit"] != "" {
				t.Error("ForChip modified its receiver")
			}
			// The estimate with the resolved model charges bits x scaled cost:
			// 1000 bits read and 10 graded inputs, by hand.
			b := got.Estimate(Counts{SynMemReadBits: 1000, SynapticMACs: 10}, 0, 0)
			if want := 1000*tc.wantBit + 10*tc.wantMAC; b.SynapticPJ != want {
				t.Errorf("SynapticPJ %v, want %v", b.SynapticPJ, want)
			}
		})
	}
}

// TestForChipGeneric45nm checks the preset's scaling against Horowitz's
// figures: 64-bit reads cost 10 pJ at 8 KB, 20 pJ at 32 KB and about 113 pJ
// at 1 MB (quoted: 100 pJ); 8-bit weight MAC 0.3 pJ, 4-bit 0.2 pJ.
func TestForChipGeneric45nm(t *testing.T) {
	m, err := Preset("generic-45nm")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		bits, mem     int
		read64, macPJ float64
	}{
		{8, 8 << 10, 10, 0.3},
		{8, 32 << 10, 20, 0.3},
		{4, 1 << 20, 10 * math.Sqrt(128), 0.2},
		{8, 128 << 10, 40, 0.3}, // Loihi's 128 KB core: 4 x 10 pJ
	}
	for _, tc := range tests {
		r, err := m.ForChip(tc.bits, tc.mem)
		if err != nil {
			t.Fatal(err)
		}
		if got := 64 * r.SynMemReadBitPJ; !approxEqual(got, tc.read64, 0, 1e-12) {
			t.Errorf("%d B: 64-bit read %v pJ, want %v pJ", tc.mem, got, tc.read64)
		}
		if !approxEqual(r.SynapticMACPJ, tc.macPJ, 0, 1e-12) {
			t.Errorf("%d-bit weights: synaptic_mac %v pJ, want %v pJ", tc.bits, r.SynapticMACPJ, tc.macPJ)
		}
	}
}

func TestForChipIdentityAndErrors(t *testing.T) {
	m := dyadicModel()
	got, err := m.ForChip(8, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("ForChip without Scaling changed the model:\n got %+v\nwant %+v", got, m)
	}
	got.Sources["spike"] = "changed"
	if m.Sources["spike"] != "" {
		t.Error("ForChip result shares its Sources map with the receiver")
	}
	bad := []struct {
		name      string
		m         Model
		bits, mem int
		want      string
	}{
		{"zero weight bits", scaledModel(), 0, 8192, "weight bits (0) must be in [1, 64]"},
		{"negative memory", scaledModel(), 8, -1, "synaptic memory (-1 bytes)"},
		{"MAC below op", func() Model { m := scaledModel(); m.SynapticMACPJ = 0.25; return m }(), 8, 8192, "synaptic_mac (0.25 pJ) must be >= synaptic_op"},
		{"exponent out of range", func() Model { m := scaledModel(); m.Scaling.SRAMSizeExponent = 1.5; return m }(), 8, 8192, "sram_size_exponent (1.5) must be in [0, 1]"},
	}
	for _, tc := range bad {
		if _, err := tc.m.ForChip(tc.bits, tc.mem); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "energy: ") {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestLoadScaling(t *testing.T) {
	const section = "scaling:\n  sram_array_bytes_ref: 8192\n  sram_size_exponent: 0.5\n  mac_weight_bits_ref: 8\n"
	m, err := Load(strings.NewReader(dyadicYAML + section))
	if err != nil {
		t.Fatal(err)
	}
	if want := scaledModel(); !reflect.DeepEqual(m, want) {
		t.Errorf("Load:\n got %+v\nwant %+v", m, want)
	}
	y, err := m.YAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(strings.NewReader(string(y)))
	if err != nil || !reflect.DeepEqual(back, m) {
		t.Errorf("round trip: %v\n%s", err, y)
	}
	bad := []struct{ name, section, want string }{
		{"unknown key", section + "  word_bits: 64\n", `scaling: unknown key "word_bits"`},
		{"missing key", "scaling:\n  sram_array_bytes_ref: 8192\n", "scaling: missing keys: sram_size_exponent, mac_weight_bits_ref"},
		{"not an integer", strings.Replace(section, "8192", "8 KB", 1), `sram_array_bytes_ref is "8 KB"; expected a whole number`},
		{"zero bytes", strings.Replace(section, "8192", "0", 1), "sram_array_bytes_ref is \"0\""},
		{"negative exponent", strings.Replace(section, "0.5", "-0.5", 1), "sram_size_exponent (-0.5) must be in [0, 1]"},
		{"not a mapping", "scaling: sqrt\n", "scaling is a scalar"},
		{"repeated key", section + "  mac_weight_bits_ref: 4\n", `scaling: key "mac_weight_bits_ref" repeated`},
	}
	for _, tc := range bad {
		_, err := Load(strings.NewReader(dyadicYAML + tc.section))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
