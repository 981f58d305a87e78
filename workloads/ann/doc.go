// Package ann describes feed-forward artificial neural networks (the input to
// ANN-to-SNN conversion), runs them in float32, reads and writes them as
// NumPy .npz archives, and trains small ReLU MLPs on MNIST.
//
// Model. An MLP is an ordered list of Dense layers y = W x + B, with ReLU
// after every layer except the last, which yields raw logits; the predicted
// class is the index of the largest logit. W is stored Out x In row-major,
// the PyTorch nn.Linear layout, so weights exported from PyTorch load
// unchanged. Fidelity: float32 weights and activations; every output unit is
// one float32 dot product (gonum's Sdot, SIMD on amd64), so results match
// PyTorch to float32 rounding and are bit-identical between runs on one
// platform.
//
// Call order:
//
//	m, err := ann.LoadNPZFile("model.npz") // or models.Builtin("mnist-mlp"), or TrainMLP
//	acts := m.NewActs()                    // once per goroutine
//	class := m.Forward(x, acts)            // x: pixels in [0, 1], len m.Inputs()
//	acc := m.Accuracy(testSet, 0)          // whole set, parallel
//
// File format (SaveNPZ / LoadNPZ): "<layer>.weight" float32 (Out, In),
// "<layer>.bias" float32 (Out,), "layers" (unicode string array of layer
// names in forward order) and "name" (0-d string). Keys inside the zip carry
// numpy's ".npy" suffix. LoadNPZ also accepts float64 arrays, Fortran order,
// missing biases and archives without "layers" (archive order of the weight
// arrays is then the layer order), and rejects NaN/Inf, unknown arrays and
// shapes that do not chain, naming the array.
//
// Training (TrainMLP): softmax cross-entropy, Adam (optionally AdamW weight
// decay), constant or cosine learning rate, He-normal initialisation and
// per-epoch shuffling from a math/rand/v2 PCG seeded by TrainConfig.Seed.
// Inputs are x/255 with no normalisation, because the SNN conversion feeds
// pixel intensities in [0, 1] as input rates.
//
// Index names: l is a layer index, o an output unit of a layer, i an input
// feature, b a sample within a mini-batch.
//
// Determinism and concurrency: the package has no mutable package state.
// Goroutines exist only inside Accuracy and TrainMLP and end before they
// return. Work is split into fixed contiguous chunks and each goroutine owns
// whole output elements (a unit's dot products, a weight row's gradient, a
// sample's backpropagated error), so every floating-point sum runs in the
// same order whatever the worker count: TrainMLP returns bit-identical
// weights for a given seed and data on a given platform, for any Workers.
// An MLP is safe for concurrent Forward calls with separate acts buffers.
package ann
