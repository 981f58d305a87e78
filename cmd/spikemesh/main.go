package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
)

// exitInterrupted is the exit status after Ctrl-C: 128 + SIGINT, as a shell
// reports a process killed by it.
const exitInterrupted = 130

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := newRootCmd().ExecuteContext(ctx)
	interrupted := ctx.Err() != nil
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "spikemesh: %s\n", errorLine(err, interrupted))
		if interrupted && errors.Is(err, context.Canceled) {
			os.Exit(exitInterrupted)
		}
		os.Exit(1)
	}
}

// errorLine renders err as the one line main prints after "spikemesh: ".
// Multi-part errors (every violated limit) are joined by "; ". After
// Ctrl-C the line starts with "interrupted" and keeps what the command
// says it completed ("interrupted after 37 of 1000 samples").
func errorLine(err error, interrupted bool) string {
	msg := strings.ReplaceAll(err.Error(), ":\n", ": ")
	msg = strings.ReplaceAll(msg, "\n", "; ")
	msg = strings.TrimPrefix(msg, "spikemesh: ") // the root package's own prefix
	if interrupted && errors.Is(err, context.Canceled) && !strings.HasPrefix(msg, "interrupted") {
		msg = "interrupted (" + msg + ")"
	}
	return msg
}
