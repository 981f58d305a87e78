package ann

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWeightsPath(t *testing.T) {
	for _, tc := range []struct {
		weights, want string
		ok            bool
	}{
		{"m.npz", "dir/m.npz", true},
		{"sub/m.npz", "dir/sub/m.npz", true},
		{"sub/../m.npz", "dir/m.npz", true},
		{"/etc/passwd", "", false},
		{"../m.npz", "", false},
		{"sub/../../m.npz", "", false},
		{"", "", false},
	} {
		got, err := WeightsPath("dir/model.yaml", tc.weights)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("WeightsPath(%q) = %q, %v; want %q, ok=%v", tc.weights, got, err, tc.want, tc.ok)
		}
	}
}

// TestLoadModelRefuses gives LoadModel files that are not model
// descriptions, and descriptions whose weights are not a local regular
// file: each error names the path and the rule, never the file's content.
func TestLoadModelRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secret := write("id_token", "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmUSECRET\n")
	if err := os.Mkdir(filepath.Join(dir, "w.npz"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{secret, "not a valid model description: line 1: found a string where ann.ModelFile was expected"},
		{"/dev/zero", "/dev/zero is a character device, not a regular file"},
		{write("abs.yaml", "name: a\ninput: [4]\nweights: /dev/zero\nlayers: []\n"), "weights must be a path relative to the description's folder"},
		{write("up.yaml", "name: a\ninput: [4]\nweights: ../x.npz\nlayers: []\n"), "weights must be a path relative to the description's folder"},
		{write("dir.yaml", "name: a\ninput: [4]\nweights: w.npz\nlayers: []\n"), "w.npz is a directory, not a regular file"},
		{write("two.yaml", "name: a\n---\nname: b\n"), "line 2: a second YAML document"},
		{write("empty.yaml", ""), "the file is empty"},
	} {
		_, err := LoadModel(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadModel(%s) = %v, want %q", tc.path, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "OPENSSH") {
			t.Errorf("LoadModel(%s) echoes the file: %v", tc.path, err)
		}
	}
}
