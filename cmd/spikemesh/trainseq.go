package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/models"
	"github.com/spikemesh/spikemesh/workloads/rsnn"
)

// trainGraphModel is spikemesh train for a built-in graph model
// (seq-mnist): it trains the recipe with rsnn.Train on the MNIST training
// set presented as rows and writes the network as one NIR file,
// PREFIX.nir.
func trainGraphModel(cmd *cobra.Command, model, out string, seed uint64, epochs, limit int) error {
	cfg, err := models.GraphRecipe(model)
	if err != nil {
		return err
	}
	if epochs < 0 || limit < 0 {
		return fmt.Errorf("--epochs (%d) and --limit (%d) must be >= 0", epochs, limit)
	}
	cfg.Seed = seed
	if epochs > 0 {
		cfg.Epochs = epochs
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if out == "" {
		out = model
	}
	path := strings.TrimSuffix(out, filepath.Ext(out)) + ".nir"
	if strings.ToLower(filepath.Ext(out)) != ".nir" {
		path = out + ".nir"
	}
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
	q, err := rsnn.Rows(train.Images, train.Labels, train.N, train.Rows, train.Cols)
	if err != nil {
		return err
	}
	qt, err := rsnn.Rows(test.Images, test.Labels, test.N, test.Rows, test.Cols)
	if err != nil {
		return err
	}
	start := time.Now()
	epochsDone := 0
	n, err := rsnn.Train(cmd.Context(), q, cfg, func(epoch int, loss float64) {
		epochsDone = epoch
		fmt.Fprintf(os.Stderr, "epoch %d/%d  loss %.5f  (%s)\n", epoch, cfg.Epochs, loss, time.Since(start).Round(time.Second))
	})
	if err != nil {
		if cmd.Context().Err() != nil && errors.Is(err, cmd.Context().Err()) {
			return &interruptedError{fmt.Sprintf("interrupted after %d of %d epochs; nothing written", epochsDone, cfg.Epochs), err}
		}
		return err
	}
	res, err := rsnn.Evaluate(n, qt)
	if err != nil {
		return err
	}
	g, err := rsnn.ToNIR(n)
	if err != nil {
		return err
	}
	if err := nir.Write(path, g); err != nil {
		return err
	}
	fmt.Printf("trained %s on %d sequences in %s: float test accuracy %.2f %% on %d sequences, %.4f hidden spikes per neuron per step, written to %s\n",
		model, q.N, time.Since(start).Round(time.Second), 100*res.Accuracy(), res.N, res.SpikesPerNeuronStep, path)
	return nil
}
