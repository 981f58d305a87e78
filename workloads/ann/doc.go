// Package ann describes feed-forward artificial neural networks (the input to
// ANN-to-SNN conversion), runs them in float32, reads and writes them, and
// trains them on MNIST.
//
// Models. A Net is an input Shape (C, H, W) and an ordered list of Layers:
// dense, conv2d (square kernel, stride, zero padding, groups), avgpool2d,
// maxpool2d, flatten, relu, qcfs (the quantization-clip-floor-shift
// activation of Bu et al., ICLR 2022, with L levels and a scale λ) and add
// (a residual connection). Activations are channel-major like PyTorch's, and
// weights use PyTorch's layouts (nn.Linear: Out x In; nn.Conv2d: Out x
// In/Groups x K x K), so exported weights load unchanged. An MLP is a Net
// with a flat input and dense layers with relu between them.
//
// Fidelity: float32 weights and activations. Dense layers are one gonum
// Sgemm per batch; conv2d layers are im2col plus one Sgemm per sample and
// group. Results match PyTorch to float32 rounding (checked against PyTorch
// outputs in the tests) and are identical from run to run on one platform.
//
// Files. A model is a description (ModelFile, YAML or JSON: layers in order,
// each naming its arrays) plus a .npz archive of float16/32/64 arrays;
// LoadModel reads and checks both, folding batch norm into the preceding
// layer, and reports every shape mismatch at once with the layer, the array,
// the shape found and the shape expected. SaveModel writes the same pair.
// See docs/import.md. The files split the work: model.go is the description
// schema and its checks, build.go builds a Net from a description and its
// archive, arrays.go reads the archive's arrays, save.go writes both.
//
// Call order:
//
//	n, err := ann.LoadModel("model.yaml")   // or models.Load("mnist-cnn"), or InitNet + TrainNet
//	ws, err := n.NewWorkspace(batch)        // once per goroutine
//	class := n.Forward(x, ws)               // x: one sample, pixels in [0, 1]; ws.Acts[l] = layer l's output
//	acc := n.Accuracy(testSet, 0)           // whole set, parallel
//
// Training. TrainNet trains any Net without add layers (MLPs and CNNs
// alike): softmax cross-entropy, Adam (optionally AdamW weight decay),
// constant or cosine learning rate. InitNet draws He-normal weights from a
// PCG generator seeded by the caller; TrainNet shuffles with another seeded
// PCG. QCFS layers learn λ with the straight-through estimator (the floor
// passes gradients unchanged), and TrainNet can start each λ at a
// percentile of its inputs on the first batch. Inputs are x/255 with no
// normalisation, because conversion feeds pixel intensities as input.
//
// Index names: l is a layer index, o an output unit or channel, i an input
// element, b a sample within a batch, g a convolution group, k the kernel
// size.
//
// Determinism and concurrency: the package has no mutable package state.
// Goroutines exist only inside Accuracy, Predict and TrainNet (and
// inside gonum's Sgemm, whose blocking depends only on matrix sizes) and
// end before they return. Each goroutine owns whole output elements, and
// per-sample gradient contributions are summed in sample order, so
// training returns bit-identical weights for a given seed and data on a
// given platform, for any Workers. A Net is safe for concurrent forward
// passes with separate Workspaces.
package ann
