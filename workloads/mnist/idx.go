package mnist

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// Magic numbers of the idx format: two zero bytes, the element type (0x08 =
// unsigned byte) and the number of dimensions.
const (
	imagesMagic = 0x00000803 // ubyte, 3 dimensions: count, rows, cols
	labelsMagic = 0x00000801 // ubyte, 1 dimension: count
)

// Limits that LoadIDX enforces on headers before it allocates anything, so a
// corrupt header fails with an error instead of a huge allocation.
const (
	MaxImages    = 10_000_000 // images per file
	MaxImageSide = 4096       // rows or columns per image
	maxPixels    = 1<<31 - 1  // pixels per file in total
)

// LoadIDX parses an idx3 unsigned-byte image file and an idx1 unsigned-byte
// label file, each either gzip-compressed (detected from the gzip magic
// bytes) or raw. It checks the magic numbers, the dimensions against
// MaxImages and MaxImageSide, that both files hold the same number of items,
// and that neither file is truncated or has bytes after its last item.
func LoadIDX(images, labels io.Reader) (*Set, error) {
	s, err := parseIDX(images, labels)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	return s, nil
}

// LoadFiles reads an image file and a label file from disk with LoadIDX.
func LoadFiles(imagesPath, labelsPath string) (*Set, error) {
	fi, err := os.Open(imagesPath)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer fi.Close()
	fl, err := os.Open(labelsPath)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer fl.Close()
	s, err := parseIDX(fi, fl)
	if err != nil {
		return nil, fmt.Errorf("mnist: %s, %s: %w", imagesPath, labelsPath, err)
	}
	return s, nil
}

// parseIDX is hand-written although the GoMNIST dependency parses the same
// files: its ReadImageFile and ReadLabelFile (GoMNIST
// v0.0.0-20150320212226-2fbe10d0fa63, mnist.go) take only a file name and
// require gzip, so they cannot read the embedded test and calibration sets
// from an embed.FS or raw idx files; they allocate from the header's count
// before checking it (a negative count panics in make, a huge one exhausts
// memory); they accept a label file whose count differs from the image
// file's and ignore bytes after the last item; and they report every
// problem as os.ErrInvalid without saying which. This parser bounds every
// allocation by the bytes actually read and names the file and field.
func parseIDX(images, labels io.Reader) (*Set, error) {
	ir, err := maybeGunzip(images)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	lr, err := maybeGunzip(labels)
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}

	var ih [4]uint32 // magic, count, rows, cols
	if err := binary.Read(ir, binary.BigEndian, &ih); err != nil {
		return nil, fmt.Errorf("images: reading 16-byte header: %w", unexpected(err))
	}
	if ih[0] != imagesMagic {
		return nil, fmt.Errorf("images: magic number 0x%08x, expected 0x%08x (idx3, unsigned byte)", ih[0], imagesMagic)
	}
	n, rows, cols := ih[1], ih[2], ih[3]
	if n > MaxImages {
		return nil, fmt.Errorf("images: header says %d images, limit is %d", n, MaxImages)
	}
	if rows < 1 || rows > MaxImageSide || cols < 1 || cols > MaxImageSide {
		return nil, fmt.Errorf("images: header says %dx%d pixels, each side must be in [1, %d]", rows, cols, MaxImageSide)
	}
	total := uint64(n) * uint64(rows) * uint64(cols)
	if total > maxPixels {
		return nil, fmt.Errorf("images: header says %d images of %dx%d = %d pixels, limit is %d", n, rows, cols, total, maxPixels)
	}

	var lh [2]uint32 // magic, count
	if err := binary.Read(lr, binary.BigEndian, &lh); err != nil {
		return nil, fmt.Errorf("labels: reading 8-byte header: %w", unexpected(err))
	}
	if lh[0] != labelsMagic {
		return nil, fmt.Errorf("labels: magic number 0x%08x, expected 0x%08x (idx1, unsigned byte)", lh[0], labelsMagic)
	}
	if lh[1] != n {
		return nil, fmt.Errorf("labels: header says %d labels but the image file has %d images", lh[1], n)
	}

	pix, err := readExactly(ir, int(total))
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	lab, err := readExactly(lr, int(n))
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	return &Set{Images: pix, Labels: lab, N: int(n), Rows: int(rows), Cols: int(cols)}, nil
}

// maybeGunzip wraps r in a gzip reader when it starts with the gzip magic
// bytes 0x1f 0x8b; idx files start with two zero bytes, so there is no clash.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", unexpected(err))
	}
	if head[0] != 0x1f || head[1] != 0x8b {
		return br, nil
	}
	z, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	z.Multistream(false)
	return z, nil
}

// readExactly reads n bytes and then checks that r is exhausted. The buffer
// grows as data arrives, so a header that promises more data than the file
// holds costs no more memory than the file itself.
func readExactly(r io.Reader, n int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(min(n, 64<<20))
	got, err := io.CopyN(&buf, r, int64(n))
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("truncated: header promises %d data bytes, file has %d", n, got)
		}
		return nil, fmt.Errorf("after %d of %d data bytes: %w", got, n, err)
	}
	var one [1]byte
	switch k, err := io.ReadFull(r, one[:]); {
	case k > 0:
		return nil, fmt.Errorf("unexpected data after the %d bytes the header promises", n)
	case err != nil && !errors.Is(err, io.EOF):
		return nil, fmt.Errorf("after the data: %w", err)
	}
	return buf.Bytes(), nil
}

// unexpected turns a bare io.EOF into io.ErrUnexpectedEOF: a file that ends
// inside its header is truncated, not empty-and-fine.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// WriteIDX writes s as a raw (uncompressed) idx3 image file and idx1 label
// file, the inverse of LoadIDX. Wrap the writers in gzip for .gz files.
func WriteIDX(images, labels io.Writer, s *Set) error {
	if err := s.validate(); err != nil {
		return fmt.Errorf("mnist: %w", err)
	}
	ih := [4]uint32{imagesMagic, uint32(s.N), uint32(s.Rows), uint32(s.Cols)}
	if err := binary.Write(images, binary.BigEndian, ih); err != nil {
		return fmt.Errorf("mnist: writing image header: %w", err)
	}
	if _, err := images.Write(s.Images); err != nil {
		return fmt.Errorf("mnist: writing images: %w", err)
	}
	lh := [2]uint32{labelsMagic, uint32(s.N)}
	if err := binary.Write(labels, binary.BigEndian, lh); err != nil {
		return fmt.Errorf("mnist: writing label header: %w", err)
	}
	if _, err := labels.Write(s.Labels); err != nil {
		return fmt.Errorf("mnist: writing labels: %w", err)
	}
	return nil
}

// validate checks that the Set's fields agree with each other.
func (s *Set) validate() error {
	switch {
	case s.N < 0 || s.N > MaxImages:
		return fmt.Errorf("set has N=%d images, expected 0..%d", s.N, MaxImages)
	case s.Rows < 1 || s.Rows > MaxImageSide || s.Cols < 1 || s.Cols > MaxImageSide:
		return fmt.Errorf("set has %dx%d pixels per image, each side must be in [1, %d]", s.Rows, s.Cols, MaxImageSide)
	case len(s.Images) != s.N*s.Rows*s.Cols:
		return fmt.Errorf("set has len(Images)=%d, expected N*Rows*Cols = %d", len(s.Images), s.N*s.Rows*s.Cols)
	case len(s.Labels) != s.N:
		return fmt.Errorf("set has len(Labels)=%d, expected N = %d", len(s.Labels), s.N)
	}
	return nil
}
