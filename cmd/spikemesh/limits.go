package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/pflag"

	"github.com/spikemesh/spikemesh/internal/membudget"
)

// maxMemoryFlag adds --max-memory to a command's flags. The value is read
// with budget; an empty value (the default) is half of the machine's RAM
// (membudget.Default), "0" no limit.
func maxMemoryFlag(f *pflag.FlagSet, p *string) {
	f.StringVar(p, "max-memory", "", "memory budget checked before large allocations, e.g. 8GiB (default: half of MemTotal in /proc/meminfo, 4GiB if unknown; 0 = no limit; docs/reliability.md)")
}

// budget resolves a --max-memory value.
func budget(s string) (membudget.Budget, error) {
	if s == "" {
		b, _ := membudget.Default()
		return b, nil
	}
	b, err := membudget.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("--max-memory: %w", err)
	}
	return b, nil
}

// resolvedWorkers is the number of goroutines a --workers value means.
func resolvedWorkers(w int) int {
	if w <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return w
}

// interruptedError is a command's error after Ctrl-C: msg says what was
// completed, and it wraps the context's error so that main exits 130.
type interruptedError struct {
	msg string
	err error
}

func (e *interruptedError) Error() string { return e.msg }
func (e *interruptedError) Unwrap() error { return e.err }
