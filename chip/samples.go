package chip

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Samples is a batch of independent samples for RunSamples.
type Samples struct {
	N         int // samples 0, ..., N-1
	Timesteps int // timesteps per sample; with UntilQuiet, the most
	// UntilQuiet, if true, ends a sample once the network is quiet after
	// its first InputSteps timesteps, as RunUntilQuiet does.
	UntilQuiet bool
	InputSteps int
	// Stimulus returns the input of sample i. RunSamples may call it from
	// several goroutines at once, each time for a different i.
	Stimulus func(i int) Stimulus
	// Each receives the result of sample i, for i = 0, 1, ..., N-1 in
	// order, on the goroutine that called RunSamples. An error stops the
	// run and is returned.
	Each func(i int, r Result) error
}

// RunSamples simulates a batch of samples, each from the reset state, and
// hands their results to b.Each in sample order. With several workers and
// several samples, each worker simulates whole samples on its own replica
// of the chip (built on first use; replicas share s's synaptic memory and
// tables), which scales with workers without synchronising inside a
// sample; a single sample, or a simulator with a trace or traffic counts
// enabled, runs samples one at a time with the workers inside each
// sample. Either way every result equals the one Run (or RunUntilQuiet)
// gives for that sample.
func (s *Simulator) RunSamples(ctx context.Context, b Samples) error {
	if b.Timesteps < 1 || b.N < 0 || b.InputSteps < 0 {
		return fmt.Errorf("chip: run samples: %d samples of %d timesteps (input steps %d): want samples >= 0, timesteps >= 1, input steps >= 0", b.N, b.Timesteps, b.InputSteps)
	}
	quietAfter := -1
	if b.UntilQuiet {
		quietAfter = b.InputSteps
	}
	w := min(s.workers, b.N)
	if w <= 1 || s.trace != nil || s.traffic != nil {
		for i := range b.N {
			r, err := s.run(ctx, b.Stimulus(i), b.Timesteps, quietAfter)
			if err != nil {
				return err
			}
			if err := b.Each(i, r); err != nil {
				return err
			}
		}
		return nil
	}
	for len(s.replicas) < w {
		r, err := s.replica()
		if err != nil {
			return err
		}
		s.replicas = append(s.replicas, r)
	}
	// Workers take samples in order of i; at most `window` samples are
	// being simulated or waiting for Each, so sample i's result slot,
	// slots[i%window], is free when i starts.
	window := 2 * w
	type out struct {
		r   Result
		err error
	}
	slots := make([]chan out, window)
	for i := range slots {
		slots[i] = make(chan out, 1)
	}
	tokens := make(chan struct{}, window)
	ctx, cancel := context.WithCancel(ctx)
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, rep := range s.replicas[:w] {
		wg.Go(func() {
			for {
				select {
				case tokens <- struct{}{}:
				case <-ctx.Done():
					return
				}
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				r, err := rep.run(ctx, b.Stimulus(i), b.Timesteps, quietAfter)
				slots[i%window] <- out{r, err}
			}
		})
	}
	defer func() {
		cancel() // on an early return, workers waiting for a token stop
		wg.Wait()
	}()
	for i := range b.N {
		var o out
		select {
		case o = <-slots[i%window]:
		case <-ctx.Done(): // workers stop taking samples once cancelled
			return ctx.Err()
		}
		if o.err != nil {
			return o.err
		}
		if err := b.Each(i, o.r); err != nil {
			return err
		}
		<-tokens
	}
	return nil
}
