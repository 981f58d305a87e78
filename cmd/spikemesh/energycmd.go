package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/energy"
)

func newEnergyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "energy",
		Short: "List and print energy presets (per-event costs with their sources)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List energy presets",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "name\tsynaptic op pJ\tneuron update pJ\thop pJ (x/y)\tdescription")
			for _, n := range energy.PresetNames() {
				m, err := energy.Preset(n)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%g\t%g\t%g/%g\t%s\n", n, m.SynapticOpPJ, m.NeuronUpdatePJ, m.HopXPJ, m.HopYPJ, m.Description)
			}
			return tw.Flush()
		},
	}, &cobra.Command{
		Use:   "show NAME",
		Short: "Print an energy preset as YAML that --energy FILE.yaml accepts",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			b, err := energy.PresetYAML(args[0])
			if err != nil {
				return err
			}
			_, err = os.Stdout.Write(b)
			return err
		},
	})
	return cmd
}
