package explore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/spikemesh/spikemesh"
	"github.com/spikemesh/spikemesh/workloads/models"
)

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
		return Shard{}, fmt.Errorf("explore: shard %q: write i/n, e.g. 0/4 for the first of four shards", s)
	}
	if n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("explore: shard %q: need n >= 1 and 0 <= i < n", s)
	}
	return Shard{Index: i, Count: n}, nil
}

func (sh Shard) String() string { return fmt.Sprintf("%d/%d", sh.Index, sh.Count) }

// Options control where and how a sweep runs.
type Options struct {
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
	Workload *spikemesh.Workload
	// Lock, if set, is the caller's lock on Dir (see LockDir); Sweep then
	// neither takes nor releases one. Nil: Sweep locks Dir while it runs.
	Lock *DirLock
	// WaitLock makes a sweep whose directory another sweep holds wait for
	// it (until ctx is done) instead of failing at once.
	WaitLock bool
	// SpaceChanged lets a whole (unsharded) sweep continue in a directory
	// started with another space, reusing the stored points still in it.
	// Shards never may: their share depends on the whole space.
	SpaceChanged bool
	// Version is the version of the program, recorded in the directory's
	// manifest.json when the directory is first used.
	Version string
}

// Outcome is what Explore did.
type Outcome struct {
	Results     []Result // every point of the sweep (of the shard), sorted by index
	Evaluated   int      // points computed by this call
	Reused      int      // points found in points.jsonl
	Total       int      // points the sweep (the shard) has; for nsga2, evaluations planned
	Conversions int      // ANN-to-SNN conversions run
	Mappings    int      // mappings onto a chip (one that finds the network does not fit counts too)
	Simulations int      // simulations run (each priced by every energy model that needs it); a point that does not map has none
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
func Sweep(ctx context.Context, s *Space, o Options) (*Outcome, error) {
	start := time.Now()
	if o.Shard.Count > 0 && s.Strategy.Kind == StrategyNSGA2 {
		return nil, errors.New("explore: --shard needs strategy grid or random: each NSGA-II generation depends on the results of the previous one")
	}
	if o.Shard.Count > 0 && (o.Shard.Index < 0 || o.Shard.Index >= o.Shard.Count) {
		return nil, fmt.Errorf("explore: shard %s: need 0 <= i < n", o.Shard)
	}
	var eval *evaluator
	if s.NIR != nil {
		if o.Workload != nil {
			return nil, fmt.Errorf("explore: the space sweeps the NIR model %s, Options.Workload is %s", s.NIR.ModelPath, o.Workload.Name)
		}
		eval = &evaluator{}
	} else if s.MG != nil {
		if o.Workload != nil {
			return nil, fmt.Errorf("explore: the space sweeps %s, Options.Workload is %s", s.Base.Workload, o.Workload.Name)
		}
		eval = &evaluator{}
	} else {
		w := o.Workload
		if w == nil {
			var err error
			if w, err = spikemesh.LoadWorkloadData(s.Base.Workload, cmp.Or(s.Base.Dataset, models.ImageSetOf(s.Base.Workload).String())); err != nil {
				return nil, err
			}
		} else if w.Name != s.Base.Workload {
			return nil, fmt.Errorf("explore: the space's workload is %s, Options.Workload is %s", s.Base.Workload, w.Name)
		}
		if s.Base.Samples > w.Test.N {
			return nil, fmt.Errorf("explore: samples is %d, %s has %d", s.Base.Samples, w.Dataset, w.Test.N)
		}
		eval = newEvaluator(w, s.Base.Samples)
	}
	st, err := openStore(ctx, o.Dir, storeOptions{
		manifest: manifest{Format: manifestFormat, Space: s.SpaceHash(), Shard: shardText(o.Shard), Version: o.Version},
		lock:     o.Lock, waitLock: o.WaitLock, allowSpaceChange: o.SpaceChanged, log: o.Log})
	if err != nil {
		return nil, err
	}
	defer st.close()
	x := &explorer{space: s, opt: o, store: st, eval: eval}
	if x.opt.Workers <= 0 {
		x.opt.Workers = runtime.GOMAXPROCS(0)
	}
	var results []Result
	total := 0
	switch s.Strategy.Kind {
	case StrategyNSGA2:
		total = s.Strategy.Population * (s.Strategy.Generations + 1)
		results, err = x.nsga2(ctx)
	default:
		pts := x.shardOf(s.plan())
		total = len(pts)
		for _, pt := range pts {
			if _, ok := st.get(pt.Key); !ok {
				x.total++
			}
		}
		results, err = x.evaluate(ctx, pts)
	}
	out := &Outcome{Evaluated: x.evaluated, Reused: x.reused, Total: total,
		Conversions: int(x.eval.conversions.Load()), Mappings: int(x.eval.mappings.Load()),
		Simulations: int(x.eval.simulations.Load()), Elapsed: time.Since(start)}
	if err != nil {
		if ctx.Err() != nil {
			return out, fmt.Errorf("explore: sweep interrupted with %d new points saved in %s: %w", x.evaluated, st.path, ctx.Err())
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
	opt   Options
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
