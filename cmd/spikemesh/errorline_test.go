package main

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestErrorLine(t *testing.T) {
	for _, tc := range []struct {
		err         error
		interrupted bool
		want        string
	}{
		{errors.New("spikemesh: invalid options:\nchip x: a\nb"), false, "invalid options: chip x: a; b"},
		{&interruptedError{"interrupted after 1 of 3 epochs; nothing written", context.Canceled}, true, "interrupted after 1 of 3 epochs; nothing written"},
		{fmt.Errorf("chip: run: %w", context.Canceled), true, "interrupted (chip: run: context canceled)"},
		{fmt.Errorf("chip: run: %w", context.Canceled), false, "chip: run: context canceled"},
	} {
		if got := errorLine(tc.err, tc.interrupted); got != tc.want {
			t.Errorf("errorLine(%q, %v) = %q, want %q", tc.err, tc.interrupted, got, tc.want)
		}
	}
}
