package explore

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

func TestSpaceDataset(t *testing.T) {
	base, err := ParseSpace(ExampleSpace())
	if err != nil {
		t.Fatal(err)
	}
	keyMNIST := configKey(&base.Base)
	space := func(extra string) (*Space, error) {
		return ParseSpace(append([]byte(extra+"\n"), ExampleSpace()...))
	}
	// dataset: mnist is the default: same points, same keys.
	s, err := space("dataset: mnist")
	if err != nil {
		t.Fatal(err)
	}
	if s.Base.Dataset != "" || configKey(&s.Base) != keyMNIST {
		t.Errorf("dataset: mnist gave %q and a new key", s.Base.Dataset)
	}
	s, err = space("dataset: fashion-mnist")
	if err != nil {
		t.Fatal(err)
	}
	if s.Base.Dataset != "fashion-mnist" || configKey(&s.Base) == keyMNIST {
		t.Errorf("fashion-mnist: dataset %q, key changed: %v", s.Base.Dataset, configKey(&s.Base) != keyMNIST)
	}
	// A file's contents are part of the key.
	dir := t.TempDir()
	path := filepath.Join(dir, "d.npz")
	write := func(label int64) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		for _, a := range []struct {
			key   string
			shape []int
			data  any
		}{{"x", []int{1, 784}, make([]uint8, 784)}, {"y", []int{1}, []int64{label}}} {
			w, _ := zw.Create(a.key + ".npy")
			if err := npyfile.Write(w, a.shape, a.data); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	write(3)
	s1, err := space("dataset: " + path)
	if err != nil {
		t.Fatal(err)
	}
	write(4)
	s2, err := space("dataset: " + path)
	if err != nil {
		t.Fatal(err)
	}
	if s1.Base.Dataset != path || len(s1.Base.DatasetSHA256) != 64 || configKey(&s1.Base) == configKey(&s2.Base) {
		t.Errorf("file dataset: %q %q; keys differ after a change: %v", s1.Base.Dataset, s1.Base.DatasetSHA256, configKey(&s1.Base) != configKey(&s2.Base))
	}
	if _, err := space("dataset: " + filepath.Join(dir, "none.npz")); err == nil || !strings.Contains(err.Error(), "none.npz") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := space("dataset: digits.csv"); err == nil || !strings.Contains(err.Error(), "nor a .npz file") {
		t.Errorf("csv: %v", err)
	}
}
