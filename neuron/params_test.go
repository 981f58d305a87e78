package neuron

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestKindText(t *testing.T) {
	cases := []struct {
		kind Kind
		name string
	}{
		{IFSubtract, "if-subtract"},
		{IFZero, "if-zero"},
		{LIF, "lif"},
		{BIF, "bif"},
		{LI, "li"},
		{LIF2Syn, "lif-2syn"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.kind.String(); got != tc.name {
				t.Errorf("String() = %q, want %q", got, tc.name)
			}
			b, err := tc.kind.MarshalText()
			if err != nil || string(b) != tc.name {
				t.Fatalf("MarshalText() = %q, %v; want %q, nil", b, err, tc.name)
			}
			var k Kind
			if err := k.UnmarshalText(b); err != nil || k != tc.kind {
				t.Errorf("UnmarshalText(%q) = %v, %v; want %v, nil", b, k, err, tc.kind)
			}
		})
	}
	for _, bad := range []string{"", "LIF", "if", "if_subtract", "lif "} {
		k := LIF
		err := k.UnmarshalText([]byte(bad))
		if err == nil {
			t.Errorf("UnmarshalText(%q): no error", bad)
			continue
		}
		if k != LIF {
			t.Errorf("UnmarshalText(%q) changed the value to %v", bad, k)
		}
		for _, want := range []string{"neuron:", "if-subtract, if-zero, lif"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("UnmarshalText(%q) error %q does not contain %q", bad, err, want)
			}
		}
	}
	if got := Kind(7).String(); got != "Kind(7)" {
		t.Errorf("Kind(7).String() = %q, want %q", got, "Kind(7)")
	}
	if _, err := Kind(7).MarshalText(); err == nil {
		t.Error("Kind(7).MarshalText(): no error")
	}
}

func TestParamsDecode(t *testing.T) {
	src := "model: lif\nthreshold: 100\ndecay_u: 1024\ndecay_v: 256\nrefractory: 2\n"
	want := Params{Kind: LIF, Threshold: 100, DecayU: 1024, DecayV: 256, Refractory: 2}

	var p Params
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil || p != want {
		t.Fatalf("yaml decode = %+v, %v; want %+v", p, err, want)
	}

	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if wantJSON := `{"model":"lif","threshold":100,"decay_u":1024,"decay_v":256,"refractory":2}`; string(b) != wantJSON {
		t.Errorf("json = %s, want %s", b, wantJSON)
	}
	var q Params
	if err := json.Unmarshal(b, &q); err != nil || q != want {
		t.Errorf("json round trip = %+v, %v; want %+v", q, err, want)
	}

	dec = yaml.NewDecoder(bytes.NewReader([]byte("model: lifx\nthreshold: 1\n")))
	if err := dec.Decode(&p); err == nil || !strings.Contains(err.Error(), "valid: if-subtract, if-zero, lif") {
		t.Errorf("yaml decode of unknown model: err = %v, want one listing the valid names", err)
	}
}

func TestParamsValidate(t *testing.T) {
	cases := []struct {
		name string
		p    Params
		want []string // one substring per expected error; nil = valid
	}{
		{name: "if-subtract/ok", p: Params{Kind: IFSubtract, Threshold: 1}},
		{name: "if-zero/ok-max-threshold", p: Params{Kind: IFZero, Threshold: IFStateMax}},
		{name: "lif/ok", p: Params{Kind: LIF, Threshold: LIFStateMax - 1, DecayU: 4096, DecayV: 0, Refractory: 65535}},
		{name: "zero-value", p: Params{}, want: []string{"threshold (0) must be >= 1"}},
		{name: "negative-threshold", p: Params{Kind: LIF, Threshold: -5}, want: []string{"threshold (-5) must be >= 1"}},
		{
			name: "if/threshold-too-large",
			p:    Params{Kind: IFSubtract, Threshold: IFStateMax + 1},
			want: []string{"threshold (1073741825) must be <= 1073741824 for model if-subtract"},
		},
		{
			name: "lif/threshold-too-large",
			p:    Params{Kind: LIF, Threshold: LIFStateMax},
			want: []string{"threshold (8388607) must be <= 8388606 for model lif"},
		},
		{
			name: "lif/everything-wrong",
			p:    Params{Kind: LIF, Threshold: 0, DecayU: 4097, DecayV: 65535},
			want: []string{"threshold (0) must be >= 1", "decay_u (4097) must be <= 4096", "decay_v (65535) must be <= 4096"},
		},
		{
			name: "if/lif-fields-set",
			p:    Params{Kind: IFZero, Threshold: 3, DecayU: 1, DecayV: 2, Refractory: 3},
			want: []string{
				"decay_u (1) must be 0 for model if-zero",
				"decay_v (2) must be 0 for model if-zero",
				"refractory (3) must be 0 for model if-zero",
			},
		},
		{
			name: "li/threshold-and-reset",
			p:    Params{Kind: LI, Threshold: 5, Reset: 2, Refractory: 1, DecayU2: 3},
			want: []string{
				"threshold (5) must be 0 for model li (it never fires)",
				"refractory (1) must be 0 for model li",
				"reset (2) must be 0 for model li",
				"decay_u2 (3) must be 0 for model li (it applies to model lif-2syn only)",
			},
		},
		{name: "li/valid", p: Params{Kind: LI, DecayU: 4096, DecayV: 12}},
		{name: "lif-2syn/valid", p: Params{Kind: LIF2Syn, Threshold: 9, DecayU: 1, DecayU2: 2, DecayV: 3, Reset: -4, Refractory: 2}},
		{
			name: "lif-2syn/out-of-range",
			p:    Params{Kind: LIF2Syn, Threshold: 9, DecayU2: 5000, Reset: LIFStateMax + 1},
			want: []string{"decay_u2 (5000) must be <= 4096", "reset (8388608) must be in [-8388607, 8388607]"},
		},
		{
			name: "bif/reset-set",
			p:    Params{Kind: BIF, Threshold: 8, Levels: 2, Reset: 1},
			want: []string{"reset (1) must be 0 for model bif (it applies to models lif, li and lif-2syn only)"},
		},
		{
			name: "undefined-kind",
			p:    Params{Kind: Kind(9), Threshold: 0},
			want: []string{"model (Kind(9)) is undefined; valid: if-subtract, if-zero, lif, bif", "threshold (0) must be >= 1"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %d errors", len(tc.want))
			}
			joined, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("Validate() error %T is not an errors.Join result", err)
			}
			errs := joined.Unwrap()
			if len(errs) != len(tc.want) {
				t.Errorf("Validate() returned %d errors, want %d:\n%v", len(errs), len(tc.want), err)
			}
			for _, w := range tc.want {
				if !slices.ContainsFunc(errs, func(e error) bool { return strings.Contains(e.Error(), w) }) {
					t.Errorf("Validate() errors do not mention %q:\n%v", w, err)
				}
			}
			for _, e := range errs {
				if !strings.HasPrefix(e.Error(), "neuron: ") {
					t.Errorf("error %q lacks the package prefix", e)
				}
			}
		})
	}
}

func TestNew(t *testing.T) {
	ifp := Params{Kind: IFSubtract, Threshold: 10}
	lifp := Params{Kind: LIF, Threshold: 10}
	cases := []struct {
		name    string
		p       Params
		n       int
		bias    []int32
		wantErr string // "" = success
	}{
		{name: "if/nil-bias", p: ifp, n: 3},
		{name: "if/empty", p: ifp, n: 0},
		{name: "lif/bias", p: lifp, n: 2, bias: []int32{LIFStateMax, -LIFStateMax}},
		{name: "if/bias-at-bound", p: ifp, n: 1, bias: []int32{-IFStateMax}},
		{name: "invalid-params", p: Params{Kind: IFZero}, n: 3, wantErr: "threshold (0) must be >= 1"},
		{name: "negative-n", p: ifp, n: -1, wantErr: "neuron count (-1) must be >= 0"},
		{name: "bias-length", p: ifp, n: 3, bias: []int32{1, 2}, wantErr: "len(bias) (2) must equal the neuron count (3)"},
		{name: "bias-empty-not-nil", p: lifp, n: 1, bias: []int32{}, wantErr: "len(bias) (0) must equal the neuron count (1)"},
		{
			name: "lif/bias-range", p: lifp, n: 3, bias: []int32{0, 0, LIFStateMax + 1},
			wantErr: "bias[2] (8388608) outside [-8388607, 8388607] for model lif",
		},
		{
			name: "if/bias-range", p: ifp, n: 2, bias: []int32{-IFStateMax - 1, 0},
			wantErr: "bias[0] (-1073741825) outside [-1073741824, 1073741824] for model if-subtract",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.p, tc.n, tc.bias)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "neuron: ") {
					t.Fatalf("New() error = %v, want one containing %q", err, tc.wantErr)
				}
				if m != nil {
					t.Errorf("New() returned a model with an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("New() = %v", err)
			}
			if m.Len() != tc.n || len(m.V()) != tc.n {
				t.Errorf("Len() = %d, len(V()) = %d, want %d", m.Len(), len(m.V()), tc.n)
			}
			switch m.(type) {
			case *IFState:
				if tc.p.Kind == LIF {
					t.Errorf("New(%v) returned *IFState", tc.p.Kind)
				}
			case *LIFState:
				if tc.p.Kind != LIF {
					t.Errorf("New(%v) returned *LIFState", tc.p.Kind)
				}
			default:
				t.Errorf("New returned %T", m)
			}
		})
	}
}

// TestNewCopiesBias checks that changing the caller's bias slice after New
// does not change the model.
func TestNewCopiesBias(t *testing.T) {
	bias := []int32{3}
	m, err := New(Params{Kind: IFSubtract, Threshold: 10}, 1, bias)
	if err != nil {
		t.Fatal(err)
	}
	bias[0] = 100
	m.Step([]int32{0}, nil)
	if got := m.V()[0]; got != 3 {
		t.Errorf("v = %d after one step with bias 3, want 3", got)
	}
}

func TestNewWrapsValidateErrors(t *testing.T) {
	// Validate's result wraps through New with %w, so callers can inspect it.
	_, err := New(Params{Kind: LIF, DecayU: 5000}, 1, nil)
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 2 {
		t.Errorf("New error %v does not wrap the two Validate errors", err)
	}
}
