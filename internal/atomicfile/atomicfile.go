// Package atomicfile writes files so that a reader never sees a partial
// one: the bytes go to a temporary file in the same directory, are synced
// to disk, and the temporary file is renamed over the target. A crash or a
// full disk leaves either the old file or the new one, never a mix; the
// temporary file is removed on every error path.
//
// No kept library does this in the standard way we need (rename in the same
// directory, fsync of file and directory, no leftovers on error), and it is
// a few lines, so it is written here once and used by every writer.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// TempPrefix starts the name of every temporary file this package makes, so
// that stale ones left by a killed process can be recognized.
const TempPrefix = ".tmp-"

// WriteFile writes data to name atomically with permission perm, creating
// the parent directory if needed.
func WriteFile(name string, data []byte, perm os.FileMode) error {
	return Write(name, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write creates name atomically from what fill writes. If fill fails, the
// target is left untouched and fill's error is returned.
func Write(name string, perm os.FileMode, fill func(io.Writer) error) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(dir, TempPrefix+filepath.Base(name)+"-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	ferr := fill(tmp)
	var merr, serr error
	if ferr == nil {
		merr = tmp.Chmod(perm) // CreateTemp makes the file private
		serr = tmp.Sync()
	}
	cerr := tmp.Close()
	if err := errors.Join(ferr, merr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", name, err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable. Some file systems refuse to sync a
// directory; the file itself is already on disk then, so that is not an
// error worth failing a write for.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// IsTemp reports whether a base file name is one of this package's
// temporary files.
func IsTemp(base string) bool { return strings.HasPrefix(base, TempPrefix) }
