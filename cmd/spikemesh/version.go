package main

import (
	"fmt"
	"runtime/debug"
)

// version describes the build: the module version (a tagged release, or
// "(devel)" when built from a checkout), the VCS revision with "+dirty"
// when the work tree had changes, and the Go version, all as the Go
// toolchain recorded them in the binary.
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
	if rev != "" {
		v += fmt.Sprintf(" %s%s", rev, dirty)
	}
	return v + " " + bi.GoVersion
}
