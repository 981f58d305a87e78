package dataset

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/spikemesh/spikemesh/internal/npyfile"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// Limits checked before anything is allocated. MaxFileBytes and
// MaxArrayBytes are graphrun.MaxInputBytes (1 GiB), the bound the NIR
// input reader applies; MaxElements bounds an array's element count so
// that its float64 copy (sequences) stays within 1 GiB as well.
const (
	MaxFileBytes  = 1 << 30
	MaxArrayBytes = 1 << 30
	MaxElements   = MaxArrayBytes / 8
	maxLabel      = 255 // labels are held as bytes (mnist.Set.Labels)
)

// The array names of a dataset file.
const (
	keyX      = "x"
	keyY      = "y"
	keyXCalib = "x_calib"
)

// ReadFile reads a .npz dataset file (see the package documentation for
// its arrays). Directories, devices, empty files and files over
// MaxFileBytes are refused before reading.
func ReadFile(path string) (*Set, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("dataset: %s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("dataset: %s is %d bytes, the limit is %d", path, st.Size(), MaxFileBytes)
	}
	return Read(path, f, st.Size())
}

// Read decodes a .npz dataset held in r (size bytes); name is used in
// errors and as Set.Name.
func Read(name string, r io.ReaderAt, size int64) (*Set, error) {
	if size == 0 {
		return nil, fmt.Errorf("dataset: %s is empty; expected a .npz archive with arrays x and y", name)
	}
	a, err := npyfile.OpenArchive(name, r, size, MaxArrayBytes)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	keys := a.Keys()
	for _, k := range keys {
		if k != keyX && k != keyY && k != keyXCalib {
			return nil, fmt.Errorf("dataset: %s: unexpected array %q; a dataset holds x, y and optionally x_calib", name, k)
		}
	}
	for _, k := range []string{keyX, keyY} {
		if !slices.Contains(keys, k) {
			return nil, fmt.Errorf("dataset: %s: missing array %s (found %s); a dataset holds x, y and optionally x_calib", name, k, listKeys(keys))
		}
	}
	hx, err := header(a, name, keyX)
	if err != nil {
		return nil, err
	}
	hy, err := header(a, name, keyY)
	if err != nil {
		return nil, err
	}
	switch len(hx.Shape) {
	case 2, 4:
		return readImages(a, name, hx, hy)
	case 3:
		if slices.Contains(keys, keyXCalib) {
			return nil, fmt.Errorf("dataset: %s: array x_calib: only image datasets ([N, C, H, W] or [N, D] x) take calibration images", name)
		}
		return readSequences(a, name, hx, hy)
	}
	return nil, fmt.Errorf("dataset: %s: array x: shape %v, want [N, C, H, W] or [N, D] images or [N, T, channels] sequences", name, hx.Shape)
}

// header reads and checks the header of one array: C order, at least one
// sample, no empty dimension, at most MaxElements elements.
func header(a *npyfile.Archive, name, key string) (npyfile.Header, error) {
	h, err := a.Header(key)
	if err != nil {
		return h, fmt.Errorf("dataset: %w", err)
	}
	if h.Fortran {
		return h, fmt.Errorf("dataset: %s: array %s: Fortran order is not supported; save a C-order array (numpy.ascontiguousarray)", name, key)
	}
	if len(h.Shape) == 0 {
		return h, fmt.Errorf("dataset: %s: array %s is a scalar; want one entry per sample", name, key)
	}
	n := int64(1)
	for _, d := range h.Shape {
		if d < 1 {
			return h, fmt.Errorf("dataset: %s: array %s: shape %v has an empty dimension", name, key, h.Shape)
		}
		if n > MaxElements/int64(d) {
			return h, fmt.Errorf("dataset: %s: array %s: shape %v has more than %d elements", name, key, h.Shape, MaxElements)
		}
		n *= int64(d)
	}
	return h, nil
}

func readImages(a *npyfile.Archive, name string, hx, hy npyfile.Header) (*Set, error) {
	n := hx.Shape[0]
	im := &Images{Flat: len(hx.Shape) == 2}
	if im.Flat {
		im.Shape = [3]int{hx.Shape[1], 1, 1}
	} else {
		im.Shape = [3]int{hx.Shape[1], hx.Shape[2], hx.Shape[3]}
	}
	if !isInt(hy.DType) || len(hy.Shape) != 1 || hy.Shape[0] != n {
		return nil, fmt.Errorf("dataset: %s: array y: %s %v, want [%d] integer labels (one per image of x)", name, hy.DType, hy.Shape, n)
	}
	var err error
	if im.Test, err = readPixels(a, name, keyX, hx, im.Shape); err != nil {
		return nil, err
	}
	y, err := a.Read(keyY)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	vals, _ := npyfile.Float64s(y.Data)
	im.Test.Labels = make([]uint8, n)
	for i, v := range vals {
		if v < 0 || v > maxLabel {
			return nil, fmt.Errorf("dataset: %s: array y: label %g of sample %d, want 0..%d", name, v, i, maxLabel)
		}
		im.Test.Labels[i] = uint8(v)
	}
	if !a.Has(keyXCalib) {
		k := min(calibCount, n)
		im.Calib, im.CalibSource = im.Test.Slice(0, k), fmt.Sprintf("the first %d images of x (no x_calib)", k)
		return &Set{Name: name, Kind: ImageKind, Images: im}, nil
	}
	hc, err := header(a, name, keyXCalib)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(hc.Shape[1:], hx.Shape[1:]) {
		return nil, fmt.Errorf("dataset: %s: array x_calib: shape %v, want [K%s] like x %v", name, hc.Shape, shapeTail(hx.Shape), hx.Shape)
	}
	if im.Calib, err = readPixels(a, name, keyXCalib, hc, im.Shape); err != nil {
		return nil, err
	}
	im.Calib.Labels = make([]uint8, im.Calib.N) // unused by calibration; mnist.Set wants one per image
	im.CalibSource = fmt.Sprintf("%d calibration images from x_calib", im.Calib.N)
	return &Set{Name: name, Kind: ImageKind, Images: im}, nil
}

// readPixels reads image array key as bytes: uint8 as is, floats in [0, 1]
// rounded to round(x*255).
func readPixels(a *npyfile.Archive, name, key string, h npyfile.Header, shape [3]int) (*mnist.Set, error) {
	if h.DType != npyfile.Uint8 && !isFloat(h.DType) {
		return nil, fmt.Errorf("dataset: %s: array %s: dtype %s, want uint8 (pixels 0..255) or float in [0, 1]", name, key, h.DType)
	}
	arr, err := a.Read(key)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	s := &mnist.Set{N: h.Shape[0], Rows: shape[0] * shape[1], Cols: shape[2]}
	if px, ok := arr.Data.([]uint8); ok {
		s.Images = px
		return s, nil
	}
	vals, _ := npyfile.Float64s(arr.Data)
	s.Images = make([]uint8, len(vals))
	for i, v := range vals {
		if !(v >= 0 && v <= 1) { // also catches NaN
			return nil, fmt.Errorf("dataset: %s: array %s: element %d is %g; float pixels must lie in [0, 1] (or save uint8 0..255)", name, key, i, v)
		}
		s.Images[i] = uint8(math.RoundToEven(v * 255))
	}
	return s, nil
}

func readSequences(a *npyfile.Archive, name string, hx, hy npyfile.Header) (*Set, error) {
	q := &Sequences{N: hx.Shape[0], T: hx.Shape[1], Shape: hx.Shape[2:], Channels: hx.Shape[2]}
	perSample := len(hy.Shape) == 1 && hy.Shape[0] == q.N && isInt(hy.DType)
	perStep := len(hy.Shape) == 2 && hy.Shape[0] == q.N && hy.Shape[1] == q.T && hy.DType != npyfile.Bool
	if !perSample && !perStep {
		return nil, fmt.Errorf("dataset: %s: array y: %s %v, want [%d] integer labels or [%d, %d] per-step targets", name, hy.DType, hy.Shape, q.N, q.N, q.T)
	}
	x, err := a.Read(keyX)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var ok bool
	if q.X, ok = npyfile.Float64s(x.Data); !ok {
		return nil, fmt.Errorf("dataset: %s: array x: dtype %s is not supported; use bool, integers or floats", name, hx.DType)
	}
	for i, v := range q.X {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("dataset: %s: array x: element %d is %g, want a finite non-negative number (the chip's input events carry magnitudes)", name, i, v)
		}
	}
	y, err := a.Read(keyY)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	vals, ok := npyfile.Float64s(y.Data)
	if !ok {
		return nil, fmt.Errorf("dataset: %s: array y: dtype %s is not supported", name, hy.DType)
	}
	if perStep {
		for i, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("dataset: %s: array y: element %d is %g, want a finite target", name, i, v)
			}
		}
		q.StepTargets = vals
		return &Set{Name: name, Kind: SequenceKind, Sequences: q}, nil
	}
	q.Labels = make([]int, q.N)
	for i, v := range vals {
		if v < 0 || v > math.MaxInt32 {
			return nil, fmt.Errorf("dataset: %s: array y: label %g of sample %d, want a non-negative integer", name, v, i)
		}
		q.Labels[i] = int(v)
	}
	return &Set{Name: name, Kind: SequenceKind, Sequences: q}, nil
}

func isInt(d npyfile.DType) bool {
	switch d {
	case npyfile.Int8, npyfile.Int16, npyfile.Int32, npyfile.Int64, npyfile.Uint8, npyfile.Uint16, npyfile.Uint32, npyfile.Uint64:
		return true
	}
	return false
}

func isFloat(d npyfile.DType) bool {
	return d == npyfile.Float16 || d == npyfile.Float32 || d == npyfile.Float64
}

func listKeys(keys []string) string {
	if len(keys) == 0 {
		return "no arrays"
	}
	return strings.Join(keys, ", ")
}

func shapeTail(s []int) string {
	var b strings.Builder
	for _, d := range s[1:] {
		fmt.Fprintf(&b, ", %d", d)
	}
	return b.String()
}

// Samples returns how many samples the data set holds without reading
// them: 10,000 for the built-in test sets, the first dimension of x for a
// file (whose other checks wait for Open).
func Samples(nameOrPath string) (int, error) {
	if nameOrPath == MNIST || nameOrPath == FashionMNIST {
		return builtinTestImages, nil
	}
	if err := checkFileName(nameOrPath); err != nil {
		return 0, err
	}
	// Stat before opening: opening a FIFO would block.
	if st, err := os.Stat(nameOrPath); err != nil {
		return 0, fmt.Errorf("dataset: %w", err)
	} else if !st.Mode().IsRegular() || st.Size() == 0 {
		return 0, fmt.Errorf("dataset: %s is not a regular, non-empty file", nameOrPath)
	}
	f, err := os.Open(nameOrPath)
	if err != nil {
		return 0, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("dataset: %w", err)
	}
	if !st.Mode().IsRegular() || st.Size() == 0 {
		return 0, fmt.Errorf("dataset: %s is not a regular, non-empty file", nameOrPath)
	}
	a, err := npyfile.OpenArchive(nameOrPath, f, st.Size(), MaxArrayBytes)
	if err != nil {
		return 0, fmt.Errorf("dataset: %w", err)
	}
	if !a.Has(keyX) {
		return 0, fmt.Errorf("dataset: %s: missing array x (found %s); a dataset holds x, y and optionally x_calib", nameOrPath, listKeys(a.Keys()))
	}
	h, err := header(a, nameOrPath, keyX)
	if err != nil {
		return 0, err
	}
	return h.Shape[0], nil
}
