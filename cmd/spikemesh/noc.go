package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/router"
)

// nocFlags are the options of `spikemesh noc`.
type nocFlags struct {
	mesh        string
	pattern     string
	rates       string
	relative    bool
	routing     string
	depth       int
	hop         int
	routerCyc   int
	flits       int
	linkWidth   int
	warmup      uint64
	measure     uint64
	seed        uint64
	hotShare    float64
	hotX, hotY  int
	linkDetails bool
	chip        string  // optional: take the mesh from this chip
	set         setFlag // --set on that chip
}

func newNocCmd() *cobra.Command {
	var f nocFlags
	cmd := &cobra.Command{
		Use:   "noc",
		Short: "Synthetic traffic on the mesh: the latency-versus-offered-load curve",
		Long: `noc drives the cycle-level mesh (package router) with synthetic traffic and prints,
for each offered load, the accepted throughput and the packet latency (mean, p50,
p99, max; source queueing included), together with the bisection bound of
uniform random traffic (4/k flits/node/cycle on a k x k mesh).

Each router is one node injecting packets by a Bernoulli process during a
warm-up and a measurement window; the measured packets are those generated in
the window, and the run drains until all of them are delivered.`,
		Example: `  spikemesh noc --mesh 8x8 --pattern uniform --rates 0.05,0.1,0.2,0.3,0.35,0.4,0.45,0.5
  spikemesh noc --mesh 8x8 --relative --rates 0.2,0.6,0.9,1.0,1.2   # fractions of 4/k
  spikemesh noc --mesh 4x4 --pattern hotspot --hotspot-share 0.2 --rates 0.1,0.2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runNoc(f, cmd.Flags().Changed)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.mesh, "mesh", "8x8", "mesh size WIDTHxHEIGHT in routers")
	fl.StringVar(&f.pattern, "pattern", "uniform", "traffic pattern: uniform, transpose, hotspot, neighbor")
	fl.StringVar(&f.rates, "rates", "0.05,0.1,0.15,0.2,0.25,0.3,0.35,0.4,0.45,0.5", "comma-separated offered loads, flits/node/cycle")
	fl.BoolVar(&f.relative, "relative", false, "read --rates as fractions of the bisection bound")
	fl.StringVar(&f.routing, "routing", "xy", "dimension-order routing: xy or yx")
	fl.IntVar(&f.depth, "depth", 8, "input buffer depth in flits")
	fl.IntVar(&f.hop, "hop", 1, "cycles per hop, east-west and north-south (switch plus link)")
	fl.IntVar(&f.routerCyc, "router-cycles", 0, "router pipeline cycles per router visited")
	fl.IntVar(&f.flits, "flits", 1, "flits per packet")
	fl.IntVar(&f.linkWidth, "link-width", 1, "flits per cycle per link")
	fl.Uint64Var(&f.warmup, "warmup", 2000, "warm-up cycles")
	fl.Uint64Var(&f.measure, "measure", 10000, "measurement window in cycles")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed")
	fl.Float64Var(&f.hotShare, "hotspot-share", 0.1, "hotspot: share of packets sent to the hot router")
	fl.IntVar(&f.hotX, "hotspot-x", -1, "hotspot: x of the hot router (default: the centre)")
	fl.IntVar(&f.hotY, "hotspot-y", -1, "hotspot: y of the hot router (default: the centre)")
	fl.BoolVar(&f.linkDetails, "busiest-link", false, "also print the busiest mesh link's utilization over the run")
	fl.StringVar(&f.chip, "chip", "", "take the mesh (size, routing, buffers, hop and router cycles, packet flits, link width) from this chip preset or YAML file; the flags above given explicitly still override it")
	f.set.register(cmd)
	return cmd
}

func parseMesh(s string) (w, h int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	if ok {
		w, err = strconv.Atoi(a)
		if err == nil {
			h, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil {
		return 0, 0, fmt.Errorf("--mesh %q: want WIDTHxHEIGHT, for example 8x8", s)
	}
	return w, h, nil
}

func parseRates(s string) ([]float64, error) {
	var rates []float64
	for part := range strings.SplitSeq(s, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || r < 0 {
			return nil, fmt.Errorf("--rates: %q is not a non-negative number", part)
		}
		rates = append(rates, r)
	}
	return rates, nil
}

func runNoc(f nocFlags, changed func(string) bool) error {
	cfg, from, err := nocConfig(f, changed)
	if err != nil {
		return err
	}
	w, h := cfg.Width, cfg.Height
	m, err := router.New(cfg)
	if err != nil {
		return err
	}
	var pat router.Pattern
	if err := pat.UnmarshalText([]byte(f.pattern)); err != nil {
		return err
	}
	rates, err := parseRates(f.rates)
	if err != nil {
		return err
	}
	hx, hy := f.hotX, f.hotY
	if hx < 0 {
		hx = w / 2
	}
	if hy < 0 {
		hy = h / 2
	}
	if hx >= w || hy >= h {
		return fmt.Errorf("--hotspot-x/--hotspot-y (%d,%d) outside the %dx%d mesh", hx, hy, w, h)
	}
	bound := router.BisectionBound(cfg)
	// Check every point before printing anything.
	traffic := make([]router.Traffic, len(rates))
	for i, r := range rates {
		if f.relative {
			r *= bound
		}
		traffic[i] = router.Traffic{
			Pattern: pat, Rate: r, Warmup: f.warmup, Measure: f.measure, Seed: f.seed,
			HotspotShare: f.hotShare, HotspotRouter: m.Router(hx, hy),
		}
		if err := traffic[i].Validate(cfg); err != nil {
			return err
		}
	}
	hop := strconv.Itoa(cfg.HopCyclesX)
	if cfg.HopCyclesY != cfg.HopCyclesX {
		hop = fmt.Sprintf("%d east-west, %d north-south", cfg.HopCyclesX, cfg.HopCyclesY)
	}
	fmt.Printf("%smesh %dx%d, %s routing, %s traffic; buffers %d flits, hop %s, router %d cycles, %d-flit packets, links %d flits/cycle\n",
		from, w, h, cfg.Routing, pat, cfg.BufferDepth, hop, cfg.RouterCycles, cfg.PacketFlits, max(cfg.LinkWidth, 1))
	fmt.Printf("bisection bound (uniform random): %.4f flits/node/cycle", bound)
	if w == h && w%2 == 0 && cfg.PacketFlits <= max(cfg.LinkWidth, 1) {
		fmt.Printf(" = 4/k for k = %d", w)
	}
	fmt.Printf("\nwarm-up %d cycles, measurement %d cycles, seed %d\n\n", f.warmup, f.measure, f.seed)

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "rate\toffered\taccepted\taccepted/bound\tmean lat\tp50\tp99\tmax\tzero-load\tpackets\t"
	if f.linkDetails {
		head += "busiest link\t"
	}
	fmt.Fprintln(tw, head)
	var sat float64
	for _, tr := range traffic {
		lp, err := router.RunTraffic(m, tr)
		if err != nil {
			return err
		}
		sat = max(sat, lp.Accepted)
		l := &lp.Latency
		fmt.Fprintf(tw, "%.4f\t%.4f\t%.4f\t%.3f\t%.1f\t%d\t%d\t%d\t%.2f\t%d\t", tr.Rate, lp.Offered, lp.Accepted, lp.Accepted/bound,
			l.Mean(), l.Quantile(0.5), l.Quantile(0.99), l.Max(), lp.ZeroLoad, lp.Measured)
		if f.linkDetails {
			fmt.Fprintf(tw, "%.3f\t", busiestLink(m, lp.Stats.LastArrival+1))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Printf("\nhighest accepted throughput: %.4f flits/node/cycle = %.3f of the bisection bound %.4f\n", sat, sat/bound, bound)
	return nil
}

// nocConfig builds the mesh from the flags, or from --chip (with --set)
// and then the flags given explicitly. from names the chip for the header.
func nocConfig(f nocFlags, changed func(string) bool) (cfg router.Config, from string, err error) {
	explicit := func(string) bool { return true }
	if f.chip != "" {
		c, err := chip.Resolve(f.chip)
		if err != nil {
			return cfg, "", err
		}
		if c, err = f.set.applyChip(c, false); err != nil {
			return cfg, "", err
		}
		cfg = c.RouterConfig()
		cfg.LocalPorts = 1 // one traffic node per router
		cfg.TableCapacity = 0
		from = "chip " + c.Name + ": "
		explicit = changed
	} else if len(f.set.items) > 0 {
		return cfg, "", fmt.Errorf("--set %s: noc changes chip fields only with --chip NAME|FILE", f.set.items[0])
	} else {
		cfg.LocalPorts = 1
	}
	if explicit("mesh") {
		if cfg.Width, cfg.Height, err = parseMesh(f.mesh); err != nil {
			return cfg, "", err
		}
		cfg.ChipWidth, cfg.ChipHeight, cfg.OffChipCycles = 0, 0, 0 // a plain mesh, not the chip's board
	}
	if explicit("routing") {
		if err := cfg.Routing.UnmarshalText([]byte(f.routing)); err != nil {
			return cfg, "", err
		}
	}
	if explicit("depth") {
		cfg.BufferDepth = f.depth
	}
	if explicit("hop") {
		cfg.HopCyclesX, cfg.HopCyclesY = f.hop, f.hop
	}
	if explicit("router-cycles") {
		cfg.RouterCycles = f.routerCyc
	}
	if explicit("flits") {
		if f.flits < 1 {
			return cfg, "", fmt.Errorf("--flits (%d) must be >= 1", f.flits)
		}
		cfg.PacketFlits = f.flits
	}
	if explicit("link-width") {
		if f.linkWidth < 1 {
			return cfg, "", fmt.Errorf("--link-width (%d) must be >= 1", f.linkWidth)
		}
		cfg.LinkWidth = f.linkWidth
	}
	return cfg, from, nil
}

// busiestLink returns the highest utilization of a mesh link over cycles.
func busiestLink(m *router.Mesh, cycles uint64) float64 {
	var best float64
	for ri := range int32(m.NumRouters()) {
		for p := router.North; p <= router.West; p++ {
			best = max(best, m.LinkUtilization(ri, p, cycles))
		}
	}
	return best
}
