// Package fashion provides Zalando's Fashion-MNIST image set offline: 28x28
// greyscale photographs of clothing in ten classes (Classes), a drop-in
// replacement for MNIST digits with the same file format and sizes.
//
// What it holds:
//
//   - Test: the original 10,000-image test set (t10k files), embedded in
//     the binary, 4.4 MB compressed.
//   - Calibration: the first 2,000 images of the original training set,
//     embedded, for choosing ANN-to-SNN conversion thresholds without
//     looking at the test set (as package mnist does for digits).
//   - Train: the full 60,000-image training set, read at run time from a
//     folder (TrainFrom), by default DefaultTrainDir, where Debian's
//     dataset-fashion-mnist package installs the original files.
//
// All three come back as an *mnist.Set (the same type package mnist
// returns): images as one flat []uint8, 0 = background, 255 = full
// intensity, exactly the file's bytes. Models take x/255 (mnist.Set.Float).
//
// Determinism and concurrency: the package has no mutable package state
// and starts no goroutines; every call returns a fresh Set.
//
// Data provenance and licence (MIT, Zalando SE): see data/README.md.
package fashion
