package mnist

import (
	"bytes"
	"embed"
	"fmt"
)

// Set is a labelled set of greyscale images held as one flat byte slice.
// Image i occupies Images[i*Rows*Cols : (i+1)*Rows*Cols] in row-major order
// (pixel (r, c) at offset r*Cols+c); 0 is background and 255 is full ink, as in
// the original idx files. Labels[i] is the class of image i.
type Set struct {
	Images []uint8 // N*Rows*Cols pixels, row-major, 0..255
	Labels []uint8 // N class labels
	N      int     // number of images
	Rows   int     // image height in pixels
	Cols   int     // image width in pixels
}

// Pixels returns the number of pixels per image (Rows*Cols).
func (s *Set) Pixels() int { return s.Rows * s.Cols }

// Image returns the pixels of image i as a sub-slice of s.Images (not a
// copy). It panics if i is outside [0, N), like a slice index.
func (s *Set) Image(i int) []uint8 {
	p := s.Pixels()
	return s.Images[i*p : (i+1)*p : (i+1)*p]
}

// Float writes image i into dst with every pixel scaled to [0, 1] (x/255)
// and returns dst[:Pixels()]. dst is reused when its capacity suffices, so a
// caller looping over a set allocates once.
func (s *Set) Float(i int, dst []float32) []float32 {
	p := s.Pixels()
	if cap(dst) < p {
		dst = make([]float32, p)
	}
	dst = dst[:p]
	img := s.Image(i)
	for k, v := range img {
		dst[k] = float32(v) / 255
	}
	return dst
}

// RowSequences returns the set as sequences of rows, the input of
// row-wise sequential MNIST: image i is Rows timesteps of Cols pixels,
// each scaled to [0, 1] (x/255), at x[(i*Rows+r)*Cols+c]; labels[i] is
// its class. spikemesh run --model seq-mnist and explore's seq-mnist
// spaces both feed the model through it, so they see the same currents.
func (s *Set) RowSequences() (x []float64, labels []int) {
	x = make([]float64, len(s.Images))
	for i, p := range s.Images {
		x[i] = float64(p) / 255
	}
	labels = make([]int, s.N)
	for i, l := range s.Labels {
		labels[i] = int(l)
	}
	return x, labels
}

// Slice returns images [lo, hi) as a Set sharing s's backing arrays. It
// panics if 0 <= lo <= hi <= N does not hold, like a slice expression.
func (s *Set) Slice(lo, hi int) *Set {
	if lo < 0 || hi < lo || hi > s.N {
		panic(fmt.Sprintf("mnist: Slice(%d, %d) out of range for a set of %d images", lo, hi, s.N))
	}
	p := s.Pixels()
	return &Set{
		Images: s.Images[lo*p : hi*p : hi*p],
		Labels: s.Labels[lo:hi:hi],
		N:      hi - lo,
		Rows:   s.Rows,
		Cols:   s.Cols,
	}
}

// dataFS holds the test and calibration files. The pattern is a glob so the
// package still builds before internal/mkcalib has written the calibration
// files; Calibration then reports them missing.
//
//go:embed data/*.gz
var dataFS embed.FS

// Test returns the 10,000-image MNIST test set, embedded in the binary. Each
// call parses the embedded files afresh and returns a Set the caller owns.
func Test() (*Set, error) {
	return loadEmbedded("t10k", 10000)
}

// Calibration returns the first 2,000 images of the MNIST training set,
// embedded in the binary (see data/README.md for how the files were made).
// They are meant for choosing SNN conversion thresholds without touching the
// test set.
func Calibration() (*Set, error) {
	return loadEmbedded("calib", 2000)
}

func loadEmbedded(prefix string, want int) (*Set, error) {
	img, err := dataFS.ReadFile("data/" + prefix + "-images-idx3-ubyte.gz")
	if err != nil {
		return nil, fmt.Errorf("mnist: embedded %s images: %w", prefix, err)
	}
	lab, err := dataFS.ReadFile("data/" + prefix + "-labels-idx1-ubyte.gz")
	if err != nil {
		return nil, fmt.Errorf("mnist: embedded %s labels: %w", prefix, err)
	}
	s, err := parseIDX(bytes.NewReader(img), bytes.NewReader(lab))
	if err != nil {
		return nil, fmt.Errorf("mnist: embedded %s set: %w", prefix, err)
	}
	if s.N != want {
		return nil, fmt.Errorf("mnist: embedded %s set has %d images, expected %d", prefix, s.N, want)
	}
	return s, nil
}
