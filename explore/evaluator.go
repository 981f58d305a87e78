package explore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/spikemesh/spikemesh"
	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/workloads"
)

// groupKey is what points that share one simulation have in common: all
// of the configuration but the energy model.
func groupKey(pt *Point) string {
	if pt.Invalid != "" {
		return "invalid/" + pt.Key
	}
	return activityKey(&pt.Config)
}

// convertOptions are the conversion options of a point, by the same policy
// as spikemesh.Evaluate (Options.ConvertOptions): weights quantized to the
// chip's width, the encoder the method needs.
func convertOptions(pc *PointConfig) workloads.ConvertOptions {
	o := spikemesh.Options{Chip: pc.Chip, Method: pc.Method, Encoder: pc.Encoder, Percentile: pc.Percentile}
	c, _ := o.ConvertOptions()
	return c
}

func conversionKey(pc *PointConfig) string {
	opt := convertOptions(pc)
	return "conv=" + hashJSON(&opt)
}

func prepareKey(pc *PointConfig) string {
	return conversionKey(pc) + "/chip=" + hashJSON(&pc.Chip)
}

func activityKey(pc *PointConfig) string {
	if pc.isNIR() || pc.isMG() {
		// graphrun prices the chip's run itself: a NIR or Mackey-Glass
		// point shares its simulation with no other energy model.
		return configKey(pc)
	}
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
// evaluator computes results, sharing conversions, mappings and
// simulations between points. It is safe for concurrent use.
type evaluator struct {
	w        *spikemesh.Workload
	annAcc   float64
	conv     memo[*workloads.Converted]
	prep     memo[*spikemesh.Prepared]
	act      memo[*spikemesh.Activity]
	samples  int
	float    memo[*graphrun.FloatRef] // NIR models: the float reference per run length
	mg       memo[*mgModel]           // Mackey-Glass: the trained recipe per hidden size and steps per value
	mgSeries memo[[]float64]          // Mackey-Glass: the task's series (one key), read-only once made

	conversions, mappings, simulations atomic.Int64
}

func newEvaluator(w *spikemesh.Workload, samples int) *evaluator {
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
	if s.NIR != nil {
		return e.nirGroup(ctx, s, pts, out)
	}
	if s.MG != nil {
		return e.mgGroup(ctx, s, pts, out)
	}
	pc := &pts[0].Config
	p, err := e.prepare(pc)
	if err != nil {
		return infeasible(oneLine(err)), nil
	}
	act, err := e.act.get(activityKey(pc), func() (*spikemesh.Activity, error) {
		e.simulations.Add(1)
		return p.Simulate(ctx, spikemesh.SimOptions{Samples: pc.Samples, Timesteps: pc.Timesteps, Seed: pc.Seed, Workers: 1})
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
func (e *evaluator) prepare(pc *PointConfig) (*spikemesh.Prepared, error) {
	return e.prep.get(prepareKey(pc), func() (*spikemesh.Prepared, error) {
		opt := convertOptions(pc)
		cv, err := e.conv.get(conversionKey(pc), func() (*workloads.Converted, error) {
			e.conversions.Add(1)
			return workloads.ConvertNet(e.w.Net, e.w.Calib, opt)
		})
		if err != nil {
			return nil, err
		}
		e.mappings.Add(1)
		return spikemesh.PrepareConverted(e.w, pc.Chip, opt, cv)
	})
}

// golang.org/x/sync/singleflight shares a call only while it runs and then
// forgets its result; conversions, mappings and simulations must be kept
// for the points that come later, so memo keeps them.
//
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
