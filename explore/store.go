package explore

import (
	"github.com/spikemesh/spikemesh/internal/atomicfile"

	"bytes"
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
// when opened. append is safe for concurrent use.
type store struct {
	path string
	mu   sync.Mutex
	f    *os.File
	done map[string]Result
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

// openStore opens dir/points.jsonl (creating dir and the file). A bad last
// line, the trace of a write cut short, is cut off and its point will be
// redone; a bad line followed by good ones is an error, because it was not
// produced by an interrupted append.
func openStore(dir string, log io.Writer) (*store, error) {
	if dir == "" {
		return nil, errors.New("explore: no results directory given")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	path := filepath.Join(dir, PointsFile)
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("explore: %w", err)
	}
	recs, goodEnd, bad, stale := readPoints(data)
	if len(bad) > 0 {
		last := bytes.Count(data[:goodEnd], []byte{'\n'}) // good lines, terminated
		if bad[0] <= last {
			return nil, fmt.Errorf("explore: %s line %d is corrupt and is followed by good lines; delete that line and run again", path, bad[0])
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	if goodEnd < len(data) {
		if err := f.Truncate(int64(goodEnd)); err != nil {
			f.Close()
			return nil, fmt.Errorf("explore: repairing %s: %w", path, err)
		}
		note(log, "%s: removed a corrupt last line (a write cut short); its point will be redone", path)
	}
	if _, err := f.Seek(0, io.SeekEnd); err != nil {
		f.Close()
		return nil, fmt.Errorf("explore: %w", err)
	}
	if goodEnd > 0 && data[goodEnd-1] != '\n' { // last good line lost only its newline
		if _, err := f.Write([]byte{'\n'}); err != nil {
			f.Close()
			return nil, fmt.Errorf("explore: %w", err)
		}
	}
	if stale > 0 {
		note(log, "%s: %d stored points were computed by another version of spikemesh and will be redone", path, stale)
	}
	st := &store{path: path, f: f, done: make(map[string]Result, len(recs))}
	for _, r := range recs {
		if _, dup := st.done[r.Key]; !dup {
			st.done[r.Key] = r.Result
		}
	}
	return st, nil
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
	b = append(b, '\n')
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.f.Write(b); err != nil {
		return fmt.Errorf("explore: %s: %w", s.path, err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("explore: %s: %w", s.path, err)
	}
	s.done[r.Key] = *r
	return nil
}

func (s *store) close() error { return s.f.Close() }

// MergeShards reads points.jsonl from every shard directory and checks
// that together they hold each point of the space's sweep exactly once:
// a missing point, a point stored twice (in one shard or two), a point not
// in the space, and a corrupt line are all errors, reported together. It
// writes the merged results, in index order, to outDir/points.jsonl and
// returns them.
func MergeShards(s *Space, dirs []string, outDir string) ([]Result, error) {
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
	var errs []error
	for _, d := range dirs {
		path := filepath.Join(d, PointsFile)
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, err)
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
