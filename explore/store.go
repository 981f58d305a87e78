package explore

import (
	"github.com/spikemesh/spikemesh/internal/atomicfile"

	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// PointsFile is the name of the file, in a results directory, that holds
// one JSON Result per line.
const PointsFile = "points.jsonl"

// The store is hand-written on purpose: what a sweep needs is a text file a
// user can read, grep and merge by hand, appended one point at a time and
// synced, repaired when a crash cut its last line short, and checked against
// the key of each configuration. Embedded databases (bolt, SQLite) would add
// a dependency and make results opaque without buying any of that. Whole
// files (merged points, CSVs, plots) are replaced through internal/atomicfile.
//
// store is points.jsonl opened for appending, with the results it held
// when opened, and the lock on its directory. append is safe for
// concurrent use.
type store struct {
	path     string
	lock     *DirLock
	ownsLock bool // release lock on close
	mu       sync.Mutex
	f        *os.File // nil until the first write
	done     map[string]Result
}

// record is one line of points.jsonl as read back.
type record struct {
	Result
	line int
}

// readPoints parses a points.jsonl image. A line is good when it decodes
// and its key is the hash of its configuration. It returns the good
// records, the byte offset just after the last good line, and the line
// numbers of bad lines. stale counts lines that decode but whose key does
// not match (written by another version of the simulator).
func readPoints(data []byte) (recs []record, goodEnd int, bad []int, stale int) {
	off := 0
	for line := 1; off < len(data); line++ {
		end := bytes.IndexByte(data[off:], '\n')
		next := off + end + 1
		if end < 0 {
			end, next = len(data)-off, len(data)
		}
		text := bytes.TrimSpace(data[off : off+end])
		switch r, err := decodeResult(text); {
		case len(text) == 0:
		case err != nil:
			bad = append(bad, line)
		case r.Key != configKey(&r.Config):
			stale++
			goodEnd = next
		default:
			recs = append(recs, record{Result: r, line: line})
			goodEnd = next
		}
		off = next
	}
	return recs, goodEnd, bad, stale
}

func decodeResult(b []byte) (Result, error) {
	var r Result
	if len(b) == 0 || b[0] != '{' {
		return r, errors.New("not a JSON object")
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, err
	}
	if r.Key == "" {
		return r, errors.New("no key")
	}
	return r, nil
}

// storeOptions say how to open a results directory.
type storeOptions struct {
	lock             *DirLock  // held by the caller on dir; nil: take it here
	manifest         manifest  // the sweep about to run
	waitLock         bool      // wait for another sweep's lock instead of refusing
	allowSpaceChange bool      // see checkManifest
	log              io.Writer // notes; nil discards them
}

// openStore locks dir (creating it), removes temporary files a killed
// writer left, checks or writes its manifest, and reads points.jsonl. A
// bad last line, the trace of a write cut short, is cut off and its point
// will be redone; a bad line followed by good ones is an error, because it
// was not produced by an interrupted append. points.jsonl itself is
// created only when the first point is stored, so a sweep that fails
// before finishing one leaves no empty results file.
func openStore(ctx context.Context, dir string, o storeOptions) (st *store, err error) {
	lock, owned := o.lock, false
	switch {
	case lock == nil:
		if lock, err = LockDir(ctx, dir, o.waitLock); err != nil {
			return nil, err
		}
		owned = true
		defer func() {
			if err != nil {
				lock.Unlock()
			}
		}()
	case filepath.Clean(lock.dir) != filepath.Clean(dir):
		return nil, fmt.Errorf("explore: the lock given is on %s, the results directory is %s", lock.dir, dir)
	}
	if err := removeTemps(dir, o.log); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, PointsFile)
	data, err := readRegular(path)
	if err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	if err := checkManifest(dir, o.manifest, len(data) > 0, o.allowSpaceChange, o.log); err != nil {
		return nil, err
	}
	recs, goodEnd, bad, stale := readPoints(data)
	if len(bad) > 0 {
		last := bytes.Count(data[:goodEnd], []byte{'\n'}) // good lines, terminated
		if bad[0] <= last {
			return nil, fmt.Errorf("explore: %s line %d is corrupt and is followed by good lines; delete that line and run again", path, bad[0])
		}
	}
	if goodEnd < len(data) {
		if err := os.Truncate(path, int64(goodEnd)); err != nil {
			return nil, fmt.Errorf("explore: repairing %s: %w", path, err)
		}
		note(o.log, "%s: removed a corrupt last line (a write cut short); its point will be redone", path)
	}
	st = &store{path: path, lock: lock, ownsLock: owned, done: make(map[string]Result, len(recs))}
	if goodEnd > 0 && data[goodEnd-1] != '\n' { // last good line lost only its newline
		if err := st.write([]byte{'\n'}); err != nil {
			return nil, err
		}
	}
	if stale > 0 {
		note(o.log, "%s: %d stored points were computed by another version of spikemesh and will be redone", path, stale)
	}
	for _, r := range recs {
		if _, dup := st.done[r.Key]; !dup {
			st.done[r.Key] = r.Result
		}
	}
	return st, nil
}

// readRegular reads path, which may be missing (nil data) but must be a
// regular file if present: a FIFO or a device would block or never end.
func readRegular(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return data, nil
}

// removeTemps removes the temporary files of atomic writes (merged points,
// CSVs, plots, the manifest) that a killed process left in dir. It runs
// under the directory's lock, so no live writer owns them.
func removeTemps(dir string, log io.Writer) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("explore: %w", err)
	}
	n := 0
	for _, e := range ents {
		if e.Type().IsRegular() && atomicfile.IsTemp(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("explore: removing a stale temporary file: %w", err)
			}
			n++
		}
	}
	if n > 0 {
		note(log, "%s: removed %d temporary files left by an interrupted write", dir, n)
	}
	return nil
}

func note(w io.Writer, format string, a ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", a...)
	}
}

func (s *store) get(key string) (Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.done[key]
	return r, ok
}

// append writes r as one line with one write call and syncs the file, so
// a finished point survives a crash or power cut that follows.
func (s *store) append(r *Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("explore: encoding point %d: %w", r.Index, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.write(append(b, '\n')); err != nil {
		return err
	}
	s.done[r.Key] = *r
	return nil
}

// write appends b to points.jsonl, opening (and creating) it on first use,
// and syncs. The file is opened with O_APPEND, so every write lands at the
// end whatever else has the file open. Callers hold s.mu or own s alone.
func (s *store) write(b []byte) error {
	if s.f == nil {
		f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("explore: %w", err)
		}
		s.f = f
	}
	if _, err := s.f.Write(b); err != nil {
		return fmt.Errorf("explore: %s: %w", s.path, err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("explore: %s: %w", s.path, err)
	}
	return nil
}

// close closes points.jsonl and releases the directory's lock if the
// store took it.
func (s *store) close() error {
	var err, uerr error
	if s.f != nil {
		err = s.f.Close()
	}
	if s.ownsLock {
		uerr = s.lock.Unlock()
	}
	return errors.Join(err, uerr)
}

// MergeShards reads points.jsonl from every shard directory and checks
// that together they hold each point of the space's sweep exactly once:
// a missing point, a point stored twice (in one shard or two), a point not
// in the space, and a corrupt line are all errors, reported together. It
// writes the merged results, in index order, to outDir/points.jsonl, and a
// manifest for the whole sweep, and returns them. lock, if not nil, is the
// caller's lock on outDir (to write more there afterwards); nil: outDir is
// locked while MergeShards writes.
func MergeShards(s *Space, dirs []string, outDir string, lock *DirLock) ([]Result, error) {
	if s.Strategy.Kind == StrategyNSGA2 {
		return nil, errors.New("explore: merge needs strategy grid or random: NSGA-II sweeps cannot be sharded")
	}
	if len(dirs) == 0 {
		return nil, errors.New("explore: merge: no shard directories given")
	}
	plan := s.plan()
	byKey := make(map[string]int, len(plan))
	for i := range plan {
		byKey[plan[i].Key] = i
	}
	found := make([]string, len(plan)) // where each point was found: "file:line"
	reading, errs := lockForReading(dirs)
	defer reading.unlock()
	if len(errs) > 0 {
		return nil, fmt.Errorf("explore: merge failed:\n%w", errors.Join(errs...))
	}
	errs, version := checkShards(s, dirs)
	for _, d := range dirs {
		path := filepath.Join(d, PointsFile)
		data, err := readRegular(path)
		switch {
		case err != nil:
			errs = append(errs, err)
			continue
		case data == nil:
			errs = append(errs, fmt.Errorf("%s: no such file", path))
			continue
		}
		recs, _, bad, stale := readPoints(data)
		for _, l := range bad {
			errs = append(errs, fmt.Errorf("%s line %d is corrupt", path, l))
		}
		if stale > 0 {
			errs = append(errs, fmt.Errorf("%s: %d points were computed by another version of spikemesh", path, stale))
		}
		for _, r := range recs {
			where := fmt.Sprintf("%s line %d", path, r.line)
			i, ok := byKey[r.Key]
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("%s: point %s is not in this space (was the shard run with another space file?)", where, r.Key))
			case found[i] != "":
				errs = append(errs, fmt.Errorf("point %d (%s) is duplicated: %s and %s", plan[i].Index, r.Key, found[i], where))
			default:
				found[i] = where
			}
		}
	}
	var missing []string
	for i, w := range found {
		if w == "" {
			missing = append(missing, fmt.Sprint(plan[i].Index))
		}
	}
	if len(missing) > 0 {
		shown := missing[:min(len(missing), 20)]
		more := ""
		if len(missing) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(missing)-len(shown))
		}
		errs = append(errs, fmt.Errorf("%d of %d points are missing (indices %s%s); rerun the shards that hold them", len(missing), len(plan), strings.Join(shown, ", "), more))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("explore: merge failed:\n%w", errors.Join(errs...))
	}
	if lock == nil {
		l, err := LockDir(context.Background(), outDir, false)
		if err != nil {
			return nil, err
		}
		defer l.Unlock()
	} else if filepath.Clean(lock.dir) != filepath.Clean(outDir) {
		return nil, fmt.Errorf("explore: the lock given is on %s, the merge writes to %s", lock.dir, outDir)
	}
	if err := removeTemps(outDir, nil); err != nil {
		return nil, err
	}
	// Read the results again keyed by point; every check passed, so each
	// key occurs exactly once.
	out := make([]Result, len(plan))
	for _, d := range dirs {
		data, _ := os.ReadFile(filepath.Join(d, PointsFile))
		recs, _, _, _ := readPoints(data)
		for _, r := range recs {
			i := byKey[r.Key]
			r.Result.Index, r.Result.Params = plan[i].Index, s.params(plan[i].Choice)
			out[i] = r.Result
		}
	}
	slices.SortFunc(out, func(a, b Result) int { return cmpInt64(a.Index, b.Index) })
	if err := WritePoints(filepath.Join(outDir, PointsFile), out); err != nil {
		return nil, err
	}
	// The merged directory holds the whole sweep: a later unsharded run
	// with the same space finds every point there.
	m := manifest{Format: manifestFormat, Space: s.SpaceHash(), Shard: shardText(Shard{}), Version: version}
	if err := writeManifest(outDir, m); err != nil {
		return nil, err
	}
	return out, nil
}

// WritePoints writes results as points.jsonl, replacing the file
// atomically (write to a temporary file, then rename).
func WritePoints(path string, results []Result) error {
	var buf bytes.Buffer
	for i := range results {
		b, err := json.Marshal(&results[i])
		if err != nil {
			return fmt.Errorf("explore: encoding point %d: %w", results[i].Index, err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return writeFileAtomic(path, buf.Bytes())
}

func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("explore: %w", err)
	}
	return nil
}
