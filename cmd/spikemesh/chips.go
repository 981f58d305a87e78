package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/chip"
)

func newChipsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "chips",
		Short: "List chip presets",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "name\tmesh\tcores\tneurons/core\tsynaptic memory/core\tweight bits\tdescription")
			for _, n := range chip.PresetNames() {
				c, err := chip.Preset(n)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%dx%d x%d\t%d\t%d\t%d B\t%d\t%s\n", n, c.MeshWidth, c.MeshHeight, c.CoresPerRouter,
					c.Cores(), c.NeuronsPerCore, c.SynapseMemoryBytes, c.WeightBits, c.Description)
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "show NAME",
		Short: "Print a chip preset as YAML that --chip FILE.yaml accepts",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			b, err := chip.PresetYAML(args[0])
			if err != nil {
				return err
			}
			_, err = os.Stdout.Write(b)
			return err
		},
	})
	return cmd
}
