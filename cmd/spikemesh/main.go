// Command spikemesh converts trained ANNs into spiking networks, maps them
// onto a simulated many-core neuromorphic chip, simulates them cycle by
// cycle and reports accuracy, activity, latency and energy.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "spikemesh: %v\n", err)
		os.Exit(1)
	}
}
