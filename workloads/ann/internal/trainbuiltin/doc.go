// Command trainbuiltin trains one of the built-in models and writes it into
// workloads/models. Run it from the module root:
//
//	nice go run ./workloads/ann/internal/trainbuiltin                         # mnist-mlp (.npz)
//	nice go run ./workloads/ann/internal/trainbuiltin -model mnist-cnn        # .yaml + .npz
//	nice go run ./workloads/ann/internal/trainbuiltin -model mnist-mlp-qcfs
//	nice go run ./workloads/ann/internal/trainbuiltin -model mnist-cnn-qcfs
//
// mnist-mlp uses ann.DefaultTrainConfig and ann.TrainMLP; the others are
// defined in this file and trained with ann.InitNet and ann.TrainNet
// (ann.DefaultNetTrainConfig, 15 epochs at batch 128 for mnist-mlp-qcfs).
// Flags override the epochs, seed, workers and the number of training
// images for quick checks. It prints the per-epoch training loss (and, for
// Nets, the test accuracy after each epoch), the final test accuracy on the
// 10,000 MNIST test images and the wall time. The test accuracy is only
// reported; it selects nothing.
package main
