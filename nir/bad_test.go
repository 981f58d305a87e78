package nir

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInput reads the malformed files gen.py writes. Each must fail with
// the listed problem (node and field named) and return no graph.
func TestBadInput(t *testing.T) {
	tests := []struct {
		file string
		want string // the whole error text, without the "nir: FILE: " prefix
	}{
		{"bad_missing_tau.nir", `node "lif": field "tau": missing`},
		{"bad_nan.nir", `node "lif": field "v_threshold": element 1 is not finite (NaN or Inf)`},
		{"bad_inf_weight.nir", `node "aff": field "weight": element 4 is not finite (NaN or Inf)`},
		{"bad_negative_tau.nir", `node "lif": field "tau": time constant must be positive (element 1 is not)`},
		{"bad_zero_tau.nir", `node "lif": field "tau": time constant must be positive (element 0 is not)`},
		{"bad_shape_mismatch.nir", `node "lif": field "input": receives shape 2 from "aff" but expects 4`},
		{"bad_param_shapes.nir", `node "lif": field "r": shape 3 differs from tau's shape 2`},
		{"bad_missing_node.nir", `field "edges": edge 1 names destination "ghost", which is not a node (or a nested graph with one Input) of this graph`},
		{"bad_no_path.nir", `field "edges": no path from any Input node to any Output node`},
		{"bad_unknown_type.nir", `node "mystery": field "type": unknown node type "Quantum"; supported: Input, Output, Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d, AvgPool2d, Flatten, Delay, Threshold, LIF, CubaLIF, CubaLI, LI, IF, I, NIRGraph`},
		{"bad_bool.nir", `node "lif": field "v_threshold": not a numeric array (only float32/64 and int8..int64 are read; booleans are not)`},
		{"bad_huge.nir", `node "aff": field "weight": declared array 100000x100000 of float64 exceeds the read budget (1073741764 bytes left of Options.MaxBytes); reading stopped`},
		{"bad_padding.nir", `node "c": field "padding": string padding must be "same" or "valid"`},
		{"bad_no_shape.nir", `node "pool": field "input_type": shape cannot be inferred: give it in the file (input_shape / input_type) or connect the node to one whose shape is known`},
		{"bad_no_graph.nir", `field "node": missing: a NIR file has its graph in group /node`},
		{"bad_not_hdf5.nir", `not a readable HDF5 file (no HDF5 signature)`},
		{"bad_truncated.nir", `not a readable HDF5 file (global heap at byte 2064 declares 4096 bytes, passing the end of the file)`},
		{"no_such_file.nir", `no such file`},
	}
	for _, tt := range tests {
		path := filepath.Join("testdata", tt.file)
		g, err := Read(path, Options{})
		if err == nil || g != nil {
			t.Errorf("%s: Read returned graph %v, err %v; want an error and no graph", tt.file, g != nil, err)
			continue
		}
		if want := "nir: " + path + ": " + tt.want; err.Error() != want {
			t.Errorf("%s:\n got %s\nwant %s", tt.file, err, want)
		}
		var e *Error
		if errors.As(err, &e) && len(e.Problems) != 1 {
			t.Errorf("%s: %d problems, want 1", tt.file, len(e.Problems))
		}
	}
}

// TestBudget: a small Options.MaxBytes refuses the first of cnn_sinabs's
// arrays that does not fit (node "9"'s 256x128 weight, in name order)
// before reading it, and stops there.
func TestBudget(t *testing.T) {
	// The file (273 552 bytes) fits; its arrays (float32, 12 bytes each
	// while read) do not.
	_, err := Read("testdata/cnn_sinabs.nir", Options{MaxBytes: 300000})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error", err)
	}
	if len(e.Problems) != 1 || e.Problems[0].Node != "9" || e.Problems[0].Field != "weight" || !strings.Contains(e.Problems[0].Msg, "read budget") {
		t.Errorf("problems %v, want one: node 9's weight refused for the budget", e.Problems)
	}
}

// TestEveryProblemReported: a file with several faults lists them all,
// one line each, in node order.
func TestEveryProblemReported(t *testing.T) {
	path := "testdata/bad_many.nir"
	_, err := Read(path, Options{})
	want := strings.Join([]string{
		`nir: ` + path + `: node "aff": field "weight": element 4 is not finite (NaN or Inf)`,
		`nir: ` + path + `: node "lif": field "tau": missing`,
		`nir: ` + path + `: node "lif": field "r": element 1 is not finite (NaN or Inf)`,
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Read(dir, Options{})
	if want := "nir: " + dir + ": is a directory, not a NIR file"; err == nil || err.Error() != want {
		t.Errorf("reading a directory: %v, want %s", err, want)
	}
}

// TestFileOverBudget: a file larger than the budget is refused unread.
func TestFileOverBudget(t *testing.T) {
	_, err := Read("testdata/cnn_sinabs.nir", Options{MaxBytes: 1000})
	want := "nir: testdata/cnn_sinabs.nir: file is 273552 bytes, more than the read budget (Options.MaxBytes = 1000)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestHugeHeapRefused: a local heap declaring 2^44 bytes made the HDF5
// library abort the process (found by FuzzRead); preflight refuses it.
func TestHugeHeapRefused(t *testing.T) {
	b, err := os.ReadFile("testdata/lif_norse.nir")
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(b, []byte("HEAP"))
	if at < 0 {
		t.Fatal("fixture has no local heap")
	}
	binary.LittleEndian.PutUint64(b[at+8:], 1<<44) // data segment size
	path := filepath.Join(t.TempDir(), "heap.nir")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Read(path, Options{})
	want := fmt.Sprintf("nir: %s: not a readable HDF5 file (local heap at byte %d declares a %d-byte data segment that passes the end of the file)", path, at, uint64(1)<<44)
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// TestTruncatedFixtures: every public fixture cut short gives an error that
// names the file (or, where the cut only loses unused bytes, a graph),
// never a panic.
func TestTruncatedFixtures(t *testing.T) {
	dir := t.TempDir()
	for _, name := range publicFixtures {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, cut := range []int{len(b) / 4, len(b) / 2, 3 * len(b) / 4, len(b) - 1} {
			path := filepath.Join(dir, fmt.Sprintf("%s.%d", name, cut))
			if err := os.WriteFile(path, b[:cut], 0o600); err != nil {
				t.Fatal(err)
			}
			g, err := Read(path, Options{})
			if (g == nil) == (err == nil) {
				t.Errorf("%s cut at %d: graph %v, error %v", name, cut, g != nil, err)
			}
			if err != nil {
				for _, line := range strings.Split(err.Error(), "\n") {
					if !strings.HasPrefix(line, "nir: "+path+": ") {
						t.Errorf("%s cut at %d: line %q does not name the file", name, cut, line)
					}
				}
			}
		}
	}
}

// TestHugeHeapObjectRefused: a global heap object declaring 2^64−1 bytes
// made the HDF5 library panic (found by FuzzRead); preflight refuses it
// with a plain error.
func TestHugeHeapObjectRefused(t *testing.T) {
	b, err := os.ReadFile("testdata/lif_norse.nir")
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(b, []byte("GCOL"))
	if at < 0 {
		t.Fatal("fixture has no global heap")
	}
	// First object: after the 16-byte collection header; its size field is
	// 8 bytes into the object.
	binary.LittleEndian.PutUint64(b[at+16+8:], ^uint64(0))
	path := filepath.Join(t.TempDir(), "gcol.nir")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Read(path, Options{panicked: func(v any) { t.Errorf("decoder panicked: %v", v) }})
	want := fmt.Sprintf("nir: %s: not a readable HDF5 file (global heap at byte %d: object at offset 16 declares %d bytes", path, at, ^uint64(0))
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v\nwant prefix %s", err, want)
	}
}

// TestReadRefusesDevice: /dev/zero reports size 0 and never ends; it is
// refused before it is opened.
func TestReadRefusesDevice(t *testing.T) {
	_, err := Read("/dev/zero", Options{MaxBytes: 1 << 20})
	if err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Errorf("Read(/dev/zero) = %v, want a refusal", err)
	}
}
