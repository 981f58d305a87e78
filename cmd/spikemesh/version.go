package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version describes the build: the module version (a tagged release, a
// pseudo-version naming the commit, or "(devel)" when built without VCS
// stamping), the VCS revision with "+dirty" when the work tree had
// changes, and the Go version, all as the Go toolchain recorded them in
// the binary.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	// Go 1.24 and later stamp a pseudo-version that already holds the
	// revision's first 12 hex digits (and +dirty); other builds get both.
	if short := rev[:min(len(rev), 12)]; short != "" && !strings.Contains(v, short) {
		v += fmt.Sprintf(" %s%s", short, dirty)
	}
	return v + " " + bi.GoVersion
}
