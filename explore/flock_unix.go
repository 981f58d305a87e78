//go:build unix

package explore

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// errLocked is flock's error when another process holds the lock.
var errLocked = unix.EWOULDBLOCK

// flock takes an exclusive (or shared) advisory lock on f without
// blocking. The kernel drops it when the holder dies, even on kill -9.
func flock(f *os.File, exclusive bool) error {
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return errLocked
	}
	return err
}
