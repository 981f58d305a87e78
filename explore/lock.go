package explore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the name of the file, in a results directory, that a sweep
// holds an exclusive flock(2) on while it runs. It holds a JSON
// description of the holder (pid, host, start time) for the error a second
// sweep prints. The file is never removed: removing a lock file while
// another process waits on it lets two processes "hold" it at once.
const LockFile = ".lock"

// lockPoll is how often a sweep waiting for the lock (Options.WaitLock)
// tries again. flock has no timeout and cannot be cancelled by a context,
// so waiting polls with LOCK_NB; a quarter second is short next to any
// sweep and costs nothing.
const lockPoll = 250 * time.Millisecond

// flock is chosen over an O_EXCL lock file because the kernel releases it
// when its holder dies, however it dies (kill -9, out of memory, a node
// reboot), so a requeued job never finds a stale lock it must guess about.
// Linux NFS clients implement flock with byte-range locks on the server,
// so it also works on the shared file systems a cluster uses.

// DirLock is a held lock on a results directory. Sweep takes one itself;
// a caller that writes more into the directory after the sweep (outputs,
// plots) takes it first with LockDir and passes it in Options.Lock, so
// that no other sweep can start in between.
type DirLock struct {
	f   *os.File
	dir string
}

// holder is what the lock file says about the sweep that holds it.
type holder struct {
	PID     int    `json:"pid"`
	Host    string `json:"host"`
	Started string `json:"started"` // RFC 3339, UTC
}

func (h holder) String() string {
	return fmt.Sprintf("pid %d on host %s, started %s", h.PID, h.Host, h.Started)
}

// LockDir takes the lock on dir, creating dir if needed. If another sweep
// holds it, LockDir returns an error naming that sweep (pid, host, start
// time), or, when wait is true, tries again until it gets the lock or ctx
// is done.
func LockDir(ctx context.Context, dir string, wait bool) (*DirLock, error) {
	if dir == "" {
		return nil, errors.New("explore: no results directory given")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("explore: locking %s: %w", dir, err)
	}
	for {
		err = flock(f, true)
		if err == nil {
			break
		}
		if !errors.Is(err, errLocked) {
			f.Close()
			return nil, fmt.Errorf("explore: locking %s: %w", path, err)
		}
		if !wait {
			f.Close()
			return nil, fmt.Errorf("explore: %s is in use by another sweep (%s); wait for it to finish, pass --wait-lock to wait, or use another --out", dir, readHolder(path))
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("explore: waiting for the lock on %s: %w", dir, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(holder{PID: os.Getpid(), Host: host, Started: time.Now().UTC().Format(time.RFC3339)})
	if err := writeHolder(f, append(b, '\n')); err != nil {
		f.Close() // closing releases the lock
		return nil, fmt.Errorf("explore: %s: %w", path, err)
	}
	return &DirLock{f: f, dir: dir}, nil
}

func writeHolder(f *os.File, b []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt(b, 0)
	return err
}

// maxHolderBytes bounds what is read of a lock file: a holder record is
// under a hundred bytes plus the host name (at most 255 bytes on Linux).
const maxHolderBytes = 4096

// readHolder describes the holder from the lock file. The holder writes
// it just after locking, so it can be momentarily empty; anything that is
// not a holder record is described, never echoed.
func readHolder(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "holder unknown: " + err.Error()
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxHolderBytes+1))
	var h holder
	if err != nil || len(b) > maxHolderBytes || json.Unmarshal(b, &h) != nil || h.PID == 0 {
		return "holder unknown: the lock file has no holder record yet"
	}
	return h.String()
}

// Unlock releases the lock. The file stays (see LockFile).
func (l *DirLock) Unlock() error { return l.f.Close() }

// readLocks holds shared locks on shard directories while a merge reads
// them, so that no sweep writes a shard in the meantime.
type readLocks []*os.File

// lockForReading takes a shared lock on each directory that has a lock
// file (older directories have none and are read as they are). A
// directory a running sweep holds is an error naming the sweep.
func lockForReading(dirs []string) (readLocks, []error) {
	var ls readLocks
	var errs []error
	for _, d := range dirs {
		path := filepath.Join(d, LockFile)
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch err := flock(f, false); {
		case err == nil:
			ls = append(ls, f)
		case errors.Is(err, errLocked):
			f.Close()
			errs = append(errs, fmt.Errorf("%s is being written by a running sweep (%s); merge when it has finished", d, readHolder(path)))
		default:
			f.Close()
			errs = append(errs, fmt.Errorf("locking %s: %w", path, err))
		}
	}
	return ls, errs
}

func (ls readLocks) unlock() {
	for _, f := range ls {
		f.Close()
	}
}
