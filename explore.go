package spikemesh

// Design-space exploration. A Space (explore_space.go) names a workload,
// a base chip and energy model, the parameters to vary, objectives and
// constraints. Explore evaluates the points the strategy picks, in
// parallel, appending each finished point to points.jsonl at once
// (explore_store.go), and skips points already stored there, so an
// interrupted sweep resumes where it stopped. Work several points share is
// done once: a conversion serves every chip variant, a mapping every run on
// that chip, and a simulation every energy model (pricing is free).
// WriteExploreOutputs turns the results into points.csv, pareto.csv, plots
// and a summary (explore_output.go, explore_plot.go).
//
// Determinism: a point's result depends only on its PointConfig, the
// points picked depend only on the space and its seed, and every output is
// ordered by point index, so outputs are identical for any worker count,
// any interruption and any shard split.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/spikemesh/spikemesh/workloads"
)

// Point is one point of a space.
type Point struct {
	Index   int64 // position in the grid; the first parameter varies slowest
	Choice  []int // index into each parameter's values
	Config  PointConfig
	Key     string // hash of Config (configKey)
	Invalid string // why Config is not a valid configuration; "" when it is
}

// PointAt returns the point at a grid index in [0, Size()).
func (s *Space) PointAt(index int64) Point {
	choice := make([]int, len(s.Params))
	r := index
	for i := len(s.Params) - 1; i >= 0; i-- {
		n := int64(len(s.Params[i].Values))
		choice[i] = int(r % n)
		r /= n
	}
	return s.pointFromChoice(choice)
}

// indexOf is the grid index of a choice of values.
func (s *Space) indexOf(choice []int) int64 {
	var idx int64
	for i, c := range choice {
		idx = idx*int64(len(s.Params[i].Values)) + int64(c)
	}
	return idx
}

func (s *Space) pointFromChoice(choice []int) Point {
	pt := Point{Index: s.indexOf(choice), Choice: choice, Config: s.Base}
	var errs []string
	for i, p := range s.Params {
		if err := p.def.set(&pt.Config, p.Values[choice[i]]); err != nil {
			errs = append(errs, fmt.Sprintf("%s %s: %s", p.Name, p.Format(choice[i]), oneLine(err)))
		}
	}
	if len(errs) == 0 {
		if err := pt.Config.Validate(); err != nil {
			errs = append(errs, oneLine(err))
		}
	}
	if len(errs) > 0 {
		pt.Invalid = "invalid configuration: " + strings.Join(errs, "; ")
	}
	pt.Key = configKey(&pt.Config)
	return pt
}

// params renders the point's parameter values by name.
func (s *Space) params(choice []int) map[string]string {
	m := make(map[string]string, len(s.Params))
	for i, p := range s.Params {
		m[p.Name] = p.Format(choice[i])
	}
	return m
}

// configKey is the hex SHA-256 (first 128 bits) of a configuration's JSON
// encoding. encoding/json writes struct fields in declaration order and
// floats in their shortest exact form, so equal configurations give equal
// keys on every machine.
func configKey(pc *PointConfig) string { return hashJSON(pc) }

func hashJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil { // plain, validated data cannot fail; keep keys distinct if it does
		b = fmt.Appendf(nil, "%#v", v)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

// Result is one evaluated point: a line of points.jsonl.
type Result struct {
	Key    string            `json:"key"`
	Index  int64             `json:"index"`
	Params map[string]string `json:"params"`
	// Feasible is false when the configuration is invalid or the network
	// does not fit the chip; Reason says why and Metrics are zero.
	Feasible bool        `json:"feasible"`
	Reason   string      `json:"reason,omitempty"`
	Metrics  Metrics     `json:"metrics"`
	Config   PointConfig `json:"config"`
}

// Shard selects a deterministic share of a sweep: shard Index of Count
// (0 <= Index < Count). The zero Shard is the whole sweep.
type Shard struct{ Index, Count int }

// ParseShard parses "i/n".
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("spikemesh: shard %q: write i/n, e.g. 0/4 for the first of four shards", s)
	}
	if n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("spikemesh: shard %q: need n >= 1 and 0 <= i < n", s)
	}
	return Shard{Index: i, Count: n}, nil
}

func (sh Shard) String() string { return fmt.Sprintf("%d/%d", sh.Index, sh.Count) }

// ExploreOptions control where and how a sweep runs.
type ExploreOptions struct {
	Dir     string // results directory, created if missing; points.jsonl lives here
	Workers int    // points evaluated at once; <= 0 means GOMAXPROCS; never changes results
	Shard   Shard  // zero value: every point
	// Progress, if set, is called after every point evaluated, with the
	// number done and the total to do (points already stored are not
	// counted; for nsga2 every point of the search is, stored or not).
	// Calls are serialized.
	Progress func(done, total int)
	// Log receives one-line notes (e.g. a repaired points.jsonl); nil
	// discards them.
	Log io.Writer
	// Workload, if set, is the space's workload already loaded (read-only,
	// so it can be shared by sweeps running at the same time); nil loads it.
	Workload *Workload
}

// Outcome is what Explore did.
type Outcome struct {
	Results     []Result // every point of the sweep (of the shard), sorted by index
	Evaluated   int      // points computed by this call
	Reused      int      // points found in points.jsonl
	Conversions int      // ANN-to-SNN conversions run
	Mappings    int      // mappings onto a chip
	Simulations int      // simulations run (each priced by every energy model that needs it)
	Elapsed     time.Duration
}

// PointsPerMinute is the rate of points computed by the call.
func (o *Outcome) PointsPerMinute() float64 {
	if o.Elapsed <= 0 {
		return 0
	}
	return float64(o.Evaluated) / o.Elapsed.Minutes()
}

// Explore evaluates the points of the space the strategy picks (of the
// shard, if one is set) and returns them. Points already in
// o.Dir/points.jsonl are not evaluated again; every new point is appended
// and flushed there as soon as it finishes. When ctx is cancelled, Explore
// stops starting points, waits for none of the unfinished ones and returns
// an error wrapping ctx.Err(); everything finished is on disk.
func Explore(ctx context.Context, s *Space, o ExploreOptions) (*Outcome, error) {
	start := time.Now()
	if o.Shard.Count > 0 && s.Strategy.Kind == StrategyNSGA2 {
		return nil, errors.New("spikemesh: --shard needs strategy grid or random: each NSGA-II generation depends on the results of the previous one")
	}
	if o.Shard.Count > 0 && (o.Shard.Index < 0 || o.Shard.Index >= o.Shard.Count) {
		return nil, fmt.Errorf("spikemesh: shard %s: need 0 <= i < n", o.Shard)
	}
	w := o.Workload
	if w == nil {
		var err error
		if w, err = LoadWorkload(s.Base.Workload); err != nil {
			return nil, err
		}
	} else if w.Name != s.Base.Workload {
		return nil, fmt.Errorf("spikemesh: the space's workload is %s, ExploreOptions.Workload is %s", s.Base.Workload, w.Name)
	}
	if s.Base.Samples > w.Test.N {
		return nil, fmt.Errorf("spikemesh: samples is %d, the MNIST test set has %d", s.Base.Samples, w.Test.N)
	}
	st, err := openStore(o.Dir, o.Log)
	if err != nil {
		return nil, err
	}
	defer st.close()
	x := &explorer{space: s, opt: o, store: st, eval: newEvaluator(w, s.Base.Samples)}
	if x.opt.Workers <= 0 {
		x.opt.Workers = runtime.GOMAXPROCS(0)
	}
	var results []Result
	switch s.Strategy.Kind {
	case StrategyNSGA2:
		results, err = x.nsga2(ctx)
	default:
		pts := x.shardOf(s.plan())
		for _, pt := range pts {
			if _, ok := st.get(pt.Key); !ok {
				x.total++
			}
		}
		results, err = x.evaluate(ctx, pts)
	}
	out := &Outcome{Evaluated: x.evaluated, Reused: x.reused,
		Conversions: int(x.eval.conversions.Load()), Mappings: int(x.eval.mappings.Load()),
		Simulations: int(x.eval.simulations.Load()), Elapsed: time.Since(start)}
	if err != nil {
		if ctx.Err() != nil {
			return out, fmt.Errorf("spikemesh: explore interrupted with %d new points saved in %s: %w", x.evaluated, st.path, ctx.Err())
		}
		return out, err
	}
	slices.SortFunc(results, func(a, b Result) int { return cmpInt64(a.Index, b.Index) })
	out.Results = results
	return out, nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// plan lists the points of a grid or random sweep in index order.
func (s *Space) plan() []Point {
	size := s.Size()
	var idx []int64
	switch s.Strategy.Kind {
	case StrategyRandom:
		idx = sampleIndices(size, s.Strategy.Points, newRand(s.Strategy.Seed, 0))
	default:
		idx = make([]int64, size)
		for i := range idx {
			idx[i] = int64(i)
		}
	}
	pts := make([]Point, len(idx))
	for i, k := range idx {
		pts[i] = s.PointAt(k)
	}
	return pts
}

// newRand is a PCG generator for one purpose (stream) of a seed.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x5eed_0000_0000_0000^stream))
}

// sampleIndices draws k distinct indices from [0, n) uniformly and
// returns them sorted; all of them when k >= n.
func sampleIndices(n int64, k int, rng *rand.Rand) []int64 {
	if int64(k) >= n {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(i)
		}
		return out
	}
	seen := make(map[int64]bool, k)
	out := make([]int64, 0, k)
	if n <= 4*int64(k) { // dense: a partial Fisher-Yates shuffle
		perm := make([]int64, n)
		for i := range perm {
			perm[i] = int64(i)
		}
		for i := 0; i < k; i++ {
			j := int64(i) + rng.Int64N(n-int64(i))
			perm[i], perm[j] = perm[j], perm[i]
		}
		out = append(out, perm[:k]...)
	} else { // sparse: rejection, expected < 4/3 draws per index
		for len(out) < k {
			v := rng.Int64N(n)
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	slices.Sort(out)
	return out
}

// groupKey is what points that share one simulation have in common: all
// of the configuration but the energy model.
func groupKey(pt *Point) string {
	if pt.Invalid != "" {
		return "invalid/" + pt.Key
	}
	return activityKey(&pt.Config)
}

// convertOptions are the conversion options of a point, as Prepare
// completes them (weights quantized to the chip's width).
func convertOptions(pc *PointConfig) workloads.ConvertOptions {
	return workloads.ConvertOptions{Method: pc.Method, Percentile: pc.Percentile, Encoder: pc.Encoder, WeightBits: pc.Chip.WeightBits}
}

func conversionKey(pc *PointConfig) string {
	opt := convertOptions(pc)
	return "conv=" + hashJSON(&opt)
}

func prepareKey(pc *PointConfig) string {
	return conversionKey(pc) + "/chip=" + hashJSON(&pc.Chip)
}

func activityKey(pc *PointConfig) string {
	return fmt.Sprintf("%s/T=%d/seed=%d/n=%d", prepareKey(pc), pc.Timesteps, pc.Seed, pc.Samples)
}

// groups splits points into groups that share a simulation, ordered by
// their first point's index; points keep their order within a group.
func groups(pts []Point) [][]Point {
	byKey := map[string]int{}
	var gs [][]Point
	for _, pt := range pts {
		k := groupKey(&pt)
		g, ok := byKey[k]
		if !ok {
			g = len(gs)
			byKey[k] = g
			gs = append(gs, nil)
		}
		gs[g] = append(gs[g], pt)
	}
	return gs
}

// shardOf keeps the points of the explorer's shard: groups (sorted by
// their first point's index) are dealt round-robin, so a shard never
// simulates what another prices.
func (x *explorer) shardOf(pts []Point) []Point {
	sh := x.opt.Shard
	if sh.Count <= 1 {
		return pts
	}
	var out []Point
	for g, grp := range groups(pts) {
		if g%sh.Count == sh.Index {
			out = append(out, grp...)
		}
	}
	slices.SortFunc(out, func(a, b Point) int { return cmpInt64(a.Index, b.Index) })
	return out
}

// explorer is the state of one Explore call.
type explorer struct {
	space *Space
	opt   ExploreOptions
	store *store
	eval  *evaluator

	mu        sync.Mutex // guards the counters below and serializes Progress
	total     int
	done      int
	evaluated int
	reused    int
}

// tick counts one point, stored (reused) or new, and reports progress:
// grid and random sweeps report new points only (total excludes stored
// ones); NSGA-II, whose later points are not known in advance, reports
// every point of the search.
func (x *explorer) tick(reused bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if reused {
		x.reused++
	} else {
		x.evaluated++
	}
	if reused && x.space.Strategy.Kind != StrategyNSGA2 {
		return
	}
	x.done++
	if x.opt.Progress != nil {
		x.opt.Progress(x.done, x.total)
	}
}

// evaluate returns the results of pts (in the same order), from the store
// when there, else by evaluating them on up to Workers goroutines. Each
// new result is stored as soon as its group finishes.
func (x *explorer) evaluate(ctx context.Context, pts []Point) ([]Result, error) {
	out := make([]Result, len(pts))
	pos := make(map[string][]int, len(pts)) // key -> positions in pts
	var todo []Point
	for i, pt := range pts {
		if r, ok := x.store.get(pt.Key); ok {
			r.Index, r.Params = pt.Index, x.space.params(pt.Choice)
			out[i] = r
			x.tick(true)
			continue
		}
		if _, queued := pos[pt.Key]; !queued {
			todo = append(todo, pt)
		}
		pos[pt.Key] = append(pos[pt.Key], i)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(x.opt.Workers)
	var omu sync.Mutex
	for _, grp := range groups(todo) {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			rs, err := x.eval.group(gctx, x.space, grp)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if err := x.store.append(&r); err != nil {
					return err
				}
				omu.Lock()
				for _, i := range pos[r.Key] {
					out[i] = r
				}
				omu.Unlock()
				x.tick(false)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// evaluator computes results, sharing conversions, mappings and
// simulations between points. It is safe for concurrent use.
type evaluator struct {
	w       *Workload
	annAcc  float64
	conv    memo[*workloads.Converted]
	prep    memo[*Prepared]
	act     memo[*Activity]
	samples int

	conversions, mappings, simulations atomic.Int64
}

func newEvaluator(w *Workload, samples int) *evaluator {
	return &evaluator{w: w, samples: samples, annAcc: w.Net.Accuracy(w.Test.Slice(0, samples), 0)}
}

// group evaluates points that share a simulation (same groupKey): one
// conversion, mapping and simulation, priced with each point's energy
// model. Only cancellation is an error; a configuration that does not map
// or simulate gives infeasible results with the reason.
func (e *evaluator) group(ctx context.Context, s *Space, pts []Point) ([]Result, error) {
	out := make([]Result, len(pts))
	for i, pt := range pts {
		out[i] = Result{Key: pt.Key, Index: pt.Index, Params: s.params(pt.Choice), Config: pt.Config}
	}
	infeasible := func(reason string) []Result {
		for i := range out {
			out[i].Reason = reason
		}
		return out
	}
	if pts[0].Invalid != "" {
		return infeasible(pts[0].Invalid), nil
	}
	pc := &pts[0].Config
	p, err := e.prepare(pc)
	if err != nil {
		return infeasible(oneLine(err)), nil
	}
	act, err := e.act.get(activityKey(pc), func() (*Activity, error) {
		e.simulations.Add(1)
		return p.Simulate(ctx, SimOptions{Samples: pc.Samples, Timesteps: pc.Timesteps, Seed: pc.Seed, Workers: 1})
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return infeasible("simulation: " + oneLine(err)), nil
	}
	for i := range pts {
		run := act.Run(pts[i].Config.Energy)
		out[i].Feasible = true
		out[i].Metrics = metricsFromRun(&run, p, &pts[i].Config, e.annAcc)
	}
	return out, nil
}

// prepare converts (shared by every chip with the same weight width) and
// maps (shared by every run on the same chip).
func (e *evaluator) prepare(pc *PointConfig) (*Prepared, error) {
	return e.prep.get(prepareKey(pc), func() (*Prepared, error) {
		opt := convertOptions(pc)
		cv, err := e.conv.get(conversionKey(pc), func() (*workloads.Converted, error) {
			e.conversions.Add(1)
			return workloads.ConvertNet(e.w.Net, e.w.Calib, opt)
		})
		if err != nil {
			return nil, err
		}
		e.mappings.Add(1)
		return PrepareConverted(e.w, pc.Chip, opt, cv)
	})
}

// memo computes each key's value once, however many goroutines ask for
// it at the same time; later calls get the stored value (or error). A
// computation that failed because its context was cancelled is forgotten,
// so that it runs again when asked.
type memo[V any] struct {
	mu sync.Mutex
	m  map[string]*memoEntry[V]
}

type memoEntry[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func (m *memo[V]) get(key string, f func() (V, error)) (V, error) {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[string]*memoEntry[V]{}
	}
	if e, ok := m.m[key]; ok {
		m.mu.Unlock()
		<-e.done
		return e.v, e.err
	}
	e := &memoEntry[V]{done: make(chan struct{})}
	m.m[key] = e
	m.mu.Unlock()
	e.v, e.err = f()
	if errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded) {
		m.mu.Lock()
		delete(m.m, key)
		m.mu.Unlock()
	}
	close(e.done)
	return e.v, e.err
}
