package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		// One line: multi-part errors (every violated limit) are joined by "; ".
		msg := strings.ReplaceAll(err.Error(), ":\n", ": ")
		msg = strings.ReplaceAll(msg, "\n", "; ")
		msg = strings.TrimPrefix(msg, "spikemesh: ") // the root package's own prefix
		fmt.Fprintf(os.Stderr, "spikemesh: %s\n", msg)
		os.Exit(1)
	}
}
