package chip

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadConfigFileNamesNotEchoes gives LoadConfigFile files that are not
// chip configurations: the error names the path and the problem, never
// the file's content.
func TestLoadConfigFileNamesNotEchoes(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "credentials")
	if err := os.WriteFile(secret, []byte("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{secret, secret + ": chip: not a valid chip configuration: line 1: the document must be a mapping of field: value"},
		{"/dev/zero", "chip: chip configuration (YAML): /dev/zero is a character device, not a regular file"},
		{dir, "is a directory, not a regular file"},
	} {
		_, err := Resolve(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Resolve(%s) = %v, want %q", tc.path, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "wJalr") {
			t.Errorf("Resolve(%s) echoes the file: %v", tc.path, err)
		}
	}
}
