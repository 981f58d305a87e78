// Command mkcalib writes the embedded calibration subset of MNIST: the first
// 2,000 images and labels of the original training set, in idx format,
// gzip-compressed, as data/calib-images-idx3-ubyte.gz and
// data/calib-labels-idx1-ubyte.gz of package workloads/mnist.
//
// Run it from the module root:
//
//	go run ./workloads/mnist/internal/mkcalib
//
// With -set fashion-mnist it writes the same subset of Fashion-MNIST's
// training set (read from fashion.DefaultTrainDir, Debian's
// dataset-fashion-mnist package) into workloads/fashion/data.
//
// The training set is read from the GoMNIST module in the Go module cache
// (mnist.Train). The output is byte-for-byte reproducible for a given Go
// release: the gzip header carries no name and no modification time, and
// the compression level is fixed.
package main
