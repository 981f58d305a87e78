//go:build !unix

package explore

import (
	"errors"
	"os"
)

// errLocked is never returned here: see flock.
var errLocked = errors.New("locked")

// flock does nothing on systems without flock(2): the results folder is
// not locked there, so two sweeps must not share an --out
// (docs/explore.md, "Locking").
func flock(*os.File, bool) error { return nil }
