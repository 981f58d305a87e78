// Command trainbuiltin trains the built-in mnist-mlp model and writes it to
// workloads/models/mnist-mlp.npz. Run it from the module root:
//
//	nice go run ./workloads/ann/internal/trainbuiltin
//
// The hyperparameters are ann.DefaultTrainConfig (784-512-512-10, Adam,
// lr 1e-3 cosine, batch 128, 15 epochs, seed 1); flags override a few for
// quick checks. It prints the per-epoch training loss, the final test
// accuracy on the 10,000 MNIST test images and the wall time.
package main
