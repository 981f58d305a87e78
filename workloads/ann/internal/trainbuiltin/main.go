package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

func main() {
	cfg := ann.DefaultTrainConfig()
	out := flag.String("out", filepath.Join("workloads", "models", "mnist-mlp.npz"), "output .npz path")
	flag.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "epochs")
	flag.IntVar(&cfg.Workers, "workers", cfg.Workers, "goroutines (0 = GOMAXPROCS; does not change the result)")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	limit := flag.Int("limit", 0, "train on only the first N images (0 = all 60000)")
	flag.Parse()
	if err := run(cfg, *out, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "trainbuiltin:", err)
		os.Exit(1)
	}
}

func run(cfg ann.TrainConfig, out string, limit int) error {
	start := time.Now()
	train, err := mnist.Train()
	if err != nil {
		return err
	}
	if limit > 0 && limit < train.N {
		train = train.Slice(0, limit)
	}
	test, err := mnist.Test()
	if err != nil {
		return err
	}
	fmt.Printf("config: %+v, training images: %d\n", cfg, train.N)
	m, err := ann.TrainMLP(train, cfg, func(epoch int, loss float64) {
		fmt.Printf("epoch %2d/%d  loss %.5f  elapsed %s\n", epoch, cfg.Epochs, loss, time.Since(start).Round(time.Second))
	})
	if err != nil {
		return err
	}
	acc := m.Accuracy(test, cfg.Workers)
	fmt.Printf("test accuracy %.4f (%d/%d), total time %s\n", acc, int(acc*float64(test.N)+0.5), test.N, time.Since(start).Round(time.Second))
	if err := ann.SaveNPZ(out, m); err != nil {
		return err
	}
	fmt.Println("wrote", out)
	return nil
}
