package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Kind is what a file is expected to hold; it sets the size limit and
// names the file in errors.
type Kind int

// The kinds of input file.
const (
	ChipYAML   Kind = iota // a chip configuration (--chip, chip: in a space file)
	EnergyYAML             // an energy model (--energy, energy: in a space file)
	ModelDesc              // a model description, YAML or JSON (--model)
	SpaceYAML              // an explore space file
	Weights                // a .npz weights archive named by a model description
)

// Size limits per kind. A YAML configuration is a few kilobytes: the
// largest shipped one (chip/presets/truenorth.yaml with its comments) is
// 3.5 KB and the example space file 1.6 KB, so 1 MiB leaves a factor of
// 250 for comments and generated lists while keeping the YAML decoder's
// own memory (a small multiple of the input) far below any budget. A model description lists layers, one short mapping each; 1 MiB
// holds more than 10,000 layers. A weights archive is opened, not read
// whole: entries are read one by one through internal/npyfile, each bounded
// by ann.MaxArrayBytes (1 GiB); the file limit of 16 GiB only bounds what
// the zip directory may claim and is far above any MNIST-scale model (the
// largest built-in archive, mnist-mlp.npz, is 2.5 MB).
const (
	MaxYAMLBytes    = 1 << 20
	MaxWeightsBytes = 16 << 30
)

var kindText = [...]string{
	ChipYAML:   "chip configuration (YAML)",
	EnergyYAML: "energy model (YAML)",
	ModelDesc:  "model description (YAML or JSON)",
	SpaceYAML:  "explore space file (YAML)",
	Weights:    "weights archive (.npz)",
}

// String names the kind for errors, e.g. "chip configuration (YAML)".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindText) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindText[k]
}

// MaxBytes is the largest file of kind k that is accepted.
func (k Kind) MaxBytes() int64 {
	if k == Weights {
		return MaxWeightsBytes
	}
	return MaxYAMLBytes
}

// Open opens path for reading after checking that it is a regular file of
// at most k.MaxBytes() bytes, and returns the file and its size. The caller
// closes the file.
func Open(path string, k Kind) (*os.File, int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", k, err)
	}
	if err := checkInfo(path, k, st); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", k, err)
	}
	// The file may have been replaced between Stat and Open: check what was
	// opened.
	st, err = f.Stat()
	if err == nil {
		err = checkInfo(path, k, st)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// Read returns the contents of path, a regular file of kind k of at most
// k.MaxBytes() bytes.
func Read(path string, k Kind) ([]byte, error) {
	f, size, err := Open(path, k)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 0, size)
	// One byte past the limit tells a file that grew from one that did not.
	b, err = readAll(io.LimitReader(f, k.MaxBytes()+1), b)
	if err != nil {
		return nil, fmt.Errorf("%s: reading %s: %w", k, path, err)
	}
	if int64(len(b)) > k.MaxBytes() {
		return nil, fmt.Errorf("%s: %s grew past the limit of %d bytes while it was read", k, path, k.MaxBytes())
	}
	return b, nil
}

// readAll appends everything r holds to b (io.ReadAll, but into a buffer
// already sized from the file's length).
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func checkInfo(path string, k Kind, st fs.FileInfo) error {
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: %s is %s, not a regular file", k, path, modeText(st.Mode()))
	}
	if st.Size() > k.MaxBytes() {
		return fmt.Errorf("%s: %s is %d bytes, the limit is %d", k, path, st.Size(), k.MaxBytes())
	}
	return nil
}

// modeText names a non-regular file type.
func modeText(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "a special file"
	}
}
