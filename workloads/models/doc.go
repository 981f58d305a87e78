// Package models holds spikemesh's built-in trained networks, embedded in the
// binary as model descriptions (<name>.yaml) with their .npz weights, the
// format ann.LoadModel reads (see docs/import.md).
//
// Models (all take 28x28 greyscale images scaled to x/255, MNIST digits
// unless named fashion-; docs/training.md has
// the commands, seeds, training times and test accuracies, and this
// package's tests check the accuracies on the 10,000 test images):
//
//   - mnist-mlp: 784-512-512-10 ReLU MLP (fc1, fc2, fc3), >= 98 %.
//   - mnist-cnn: conv 5x5x16, ReLU, 2x2 average pool, conv 5x5x32, ReLU,
//     2x2 average pool, flatten, dense 128, ReLU, dense 10 (conv1, conv2,
//     fc1, fc2), >= 99 %.
//   - mnist-mlp-qcfs: mnist-mlp's shape with QCFS activations (L = 8,
//     learned λ) instead of ReLU, for exact conversion.
//   - mnist-cnn-qcfs: mnist-cnn's shape with QCFS activations (L = 8).
//   - fashion-cnn: mnist-cnn's shape and recipe trained on Fashion-MNIST
//     (package workloads/fashion), 90.62 % on its test set.
//
// Graph models are trained directly as spiking networks and stored as NIR
// graphs (<name>.nir), run through package graphrun, not converted:
//
//   - seq-mnist: row-wise sequential MNIST (28 steps of 28 pixel/255
//     currents), 128 recurrent LIF neurons and a 10-neuron LI readout,
//     trained with surrogate-gradient BPTT (package workloads/rsnn).
//
// GraphNames, IsGraph, GraphDescription, GraphSummary and LoadGraph are
// their counterparts of Names, Description and Load; GraphRecipe gives the
// rsnn.Config each was trained with, and GraphSHA256 the hash of the
// embedded file (explore keys points by it).
//
// Call order: Names lists the models, Description gives a one-line summary,
// Load decodes one into a fresh *ann.Net the caller owns (decode once and
// reuse). Resolve accepts a built-in name or a model description path, and
// refuses framework files (.pt, .onnx) and bare .npz weights with a hint.
// RecipeFor gives the architecture, ann.TrainNet settings and image set
// (ImageSet) each built-in was trained with; spikemesh train follows it,
// and ImageSetOf tells run which test set a built-in belongs to.
//
// Determinism and concurrency: the embedded files are read-only; every call
// returns a new value, so the package is safe for concurrent use and has no
// mutable state.
package models
