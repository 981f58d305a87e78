// Package models holds spikemesh's built-in trained networks, embedded in the
// binary as .npz files in the ann package's format.
//
// Models:
//
//   - mnist-mlp: 784-512-512-10 ReLU MLP (layers fc1, fc2, fc3) trained on
//     the 60,000 MNIST training images with inputs x/255; see
//     docs/training.md for the exact command, hyperparameters and the test
//     accuracy it reaches (>= 98 % on the 10,000 test images, checked by
//     this package's tests).
//
// Call order: Names lists the models, Description gives a one-line summary,
// Builtin decodes one into a fresh *ann.MLP the caller owns (about 2.7 MB
// for mnist-mlp; decode once and reuse).
//
// Determinism and concurrency: the embedded files are read-only; every call
// returns a new value, so the package is safe for concurrent use and has no
// mutable state.
package models
