package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
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
	cmd.AddCommand(newChipsShowCmd())
	return cmd
}

func newChipsShowCmd() *cobra.Command {
	var sf setFlag
	cmd := &cobra.Command{
		Use:   "show NAME|FILE",
		Short: "Print a chip as YAML that --chip FILE.yaml accepts: a preset as shipped, or a file or --set result resolved",
		Long: `show prints a chip preset as shipped, comments and sources included. For a
YAML file (which may start from a preset with "base: NAME" and list only what
changes) or with --set, it prints the resolved chip: every field, after the
base and the changes are applied and the result validated.`,
		Example: `  spikemesh chips show loihi > mine.yaml
  spikemesh chips show loihi --set axons_per_core=256 --set synapse_memory_bytes=64KiB
  spikemesh chips show mine.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			name := args[0]
			if len(sf.items) == 0 && slices.Contains(chip.PresetNames(), name) {
				b, err := chip.PresetYAML(name)
				if err != nil {
					return err
				}
				_, err = os.Stdout.Write(b)
				return err
			}
			c, err := chip.Resolve(name)
			if err != nil {
				return err
			}
			if c, err = sf.applyChip(c, false); err != nil {
				return err
			}
			b, err := c.YAML()
			if err != nil {
				return err
			}
			head := "# " + name + " resolved"
			if len(sf.items) > 0 {
				head += " with --set " + strings.Join(sf.items, " --set ")
			}
			_, err = fmt.Fprintf(os.Stdout, "%s\n%s", head, b)
			return err
		},
	}
	sf.register(cmd)
	return cmd
}
