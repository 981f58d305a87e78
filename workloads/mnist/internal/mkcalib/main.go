package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spikemesh/spikemesh/workloads/fashion"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

func main() {
	set := flag.String("set", "mnist", "image set: mnist (GoMNIST module) or fashion-mnist (fashion.DefaultTrainDir)")
	out := flag.String("out", "", "output folder (default workloads/mnist/data or workloads/fashion/data)")
	n := flag.Int("n", 2000, "number of leading training images to keep")
	flag.Parse()
	var train func() (*mnist.Set, error)
	switch *set {
	case "mnist":
		train = mnist.Train
		if *out == "" {
			*out = filepath.Join("workloads", "mnist", "data")
		}
	case "fashion-mnist":
		train = func() (*mnist.Set, error) { return fashion.TrainFrom("") }
		if *out == "" {
			*out = filepath.Join("workloads", "fashion", "data")
		}
	default:
		fmt.Fprintf(os.Stderr, "mkcalib: -set %q: expected mnist or fashion-mnist\n", *set)
		os.Exit(1)
	}
	if err := run(train, *out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "mkcalib:", err)
		os.Exit(1)
	}
}

func run(load func() (*mnist.Set, error), out string, n int) error {
	train, err := load()
	if err != nil {
		return err
	}
	if n < 1 || n > train.N {
		return fmt.Errorf("-n %d must be in [1, %d]", n, train.N)
	}
	sub := train.Slice(0, n)
	var img, lab bytes.Buffer
	if err := mnist.WriteIDX(&img, &lab, sub); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		raw  []byte
	}{
		{"calib-images-idx3-ubyte.gz", img.Bytes()},
		{"calib-labels-idx1-ubyte.gz", lab.Bytes()},
	} {
		var z bytes.Buffer
		zw, err := gzip.NewWriterLevel(&z, gzip.BestCompression)
		if err != nil {
			return err
		}
		if _, err := zw.Write(f.raw); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		path := filepath.Join(out, f.name)
		if err := os.WriteFile(path, z.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%d bytes, %d images)\n", path, z.Len(), n)
	}
	return nil
}
