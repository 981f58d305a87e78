// Package dataset reads the data a model is evaluated on: a built-in image
// set by name ("mnist", "fashion-mnist") or a user's .npz file.
//
// A dataset file is a .npz archive (numpy.savez or numpy.savez_compressed)
// with these arrays and no others:
//
//   - x: the samples. [N, C, H, W] or [N, D] images for converted ANN
//     models, or [N, T, channels] sequences for NIR graphs.
//   - y: the targets. [N] non-negative integer class labels; sequences
//     may instead carry [N, T] per-step targets (integers or floats).
//   - x_calib (images only, optional): calibration images for ANN-to-SNN
//     conversion, same per-sample shape and dtype rules as x.
//
// Scaling of images: uint8 pixels are used as they are and mean x/255 in
// [0, 1], the convention of every built-in model. Float (float16, float32,
// float64) pixels must already lie in [0, 1]; each is rounded to the
// nearest of the 256 levels k/255 (round(x*255)), because images travel
// through the pipeline as bytes (mnist.Set) and the chip's host input
// events carry 8-bit magnitudes. Other dtypes are refused. Sequences take
// any finite non-negative numbers (booleans, integers, floats), as
// graphrun.ReadInput does.
//
// Calibration: with x_calib, conversion thresholds are balanced on it;
// without it, on the first min(2000, N) images of x itself (the same count
// the built-in sets embed). That calibrates on the evaluated images, which
// flatters the SNN slightly; the report names the source
// (Images.CalibSource) so the choice is visible.
//
// Every check runs before the arrays are converted, and the sizes each
// array declares are checked against MaxElements before anything is
// allocated; a bad file gives one error naming the file, the array and
// what was expected.
//
// Determinism and concurrency: no package state; every call returns fresh
// values that are read-only afterwards.
package dataset
