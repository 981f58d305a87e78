package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
	"github.com/spikemesh/spikemesh/workloads/models"
)

func newModelsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "models",
		Short: "List the built-in models",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "name\tlayers\tdescription")
			for _, n := range models.Names() {
				m, err := models.Load(n)
				if err != nil {
					return err
				}
				desc, err := models.Description(n)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", n, m.Summary(), desc)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", mackeyglass.Name, mgSummary, mgDescription)
			for _, n := range models.GraphNames() {
				sum, err := models.GraphSummary(n)
				if err != nil {
					return err
				}
				desc, err := models.GraphDescription(n)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", n, sum, desc)
			}
			return tw.Flush()
		},
	}
}
