package inputfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{dir, "a directory"},
		{"/dev/zero", "a character device"},
		{fifo, "a named pipe"},
		{filepath.Join(dir, "missing.yaml"), "no such file"},
	} {
		_, err := Read(tc.path, ChipYAML)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "chip configuration (YAML): ") {
			t.Errorf("Read(%s) = %v, want an error containing %q", tc.path, err, tc.want)
		}
	}
}

func TestReadSizeLimit(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxYAMLBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Read(big, SpaceYAML)
	if err == nil || !strings.Contains(err.Error(), "the limit is 1048576") {
		t.Errorf("Read of %d bytes = %v, want the limit named", MaxYAMLBytes+1, err)
	}
	ok := filepath.Join(dir, "ok.yaml")
	if err := os.WriteFile(ok, []byte("name: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Read(ok, SpaceYAML)
	if err != nil || string(b) != "name: x\n" {
		t.Errorf("Read(ok) = %q, %v", b, err)
	}
	empty := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(empty, SpaceYAML); err != nil || len(b) != 0 {
		t.Errorf("Read(empty) = %q, %v", b, err)
	}
}

func TestOpenWeights(t *testing.T) {
	f, size, err := Open("/dev/zero", Weights)
	if err == nil {
		f.Close()
		t.Fatalf("Open(/dev/zero) gave a file of %d bytes", size)
	}
	if !strings.Contains(err.Error(), "weights archive (.npz)") {
		t.Errorf("error %q does not name the kind", err)
	}
}

func TestKindString(t *testing.T) {
	if got := Kind(99).String(); got != "Kind(99)" {
		t.Errorf("Kind(99) = %q", got)
	}
	if ModelDesc.MaxBytes() != MaxYAMLBytes || Weights.MaxBytes() != MaxWeightsBytes {
		t.Error("MaxBytes per kind changed")
	}
}
