package main

import (
	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "spikemesh",
		Short: "Cycle-level neuromorphic chip simulator: accuracy, latency and energy of converted SNNs",
		Long: `spikemesh converts a trained ANN into a spiking neural network, maps it onto a
simulated many-core neuromorphic chip (cores with bounded neuron and synaptic
memory, spikes routed as packets over a 2-D mesh), simulates it cycle by cycle
and reports accuracy, per-layer activity, synaptic operations, latency and
energy per inference.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("spikemesh {{.Version}}\n")
	root.AddCommand(newRunCmd(), newChipsCmd(), newEnergyCmd(), newModelsCmd(), newTrainCmd(), newBenchCmd(), newExploreCmd(), newNocCmd(), newExportCmd(), newInspectCmd())
	return root
}
