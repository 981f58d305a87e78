package explore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConcurrentSweepRefused: a second sweep on a directory a running
// sweep holds is refused with a line naming the holder, and the first
// sweep's results are complete and intact.
func TestConcurrentSweepRefused(t *testing.T) {
	s := mustSpace(t, testSpace)
	w, err := testWorkload()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var second error
	started := false
	first, err := Sweep(context.Background(), s, Options{Dir: dir, Workers: 1, Workload: w, Progress: func(done, total int) {
		if started {
			return
		}
		started = true // the first sweep holds the lock and has stored a point
		_, second = Sweep(context.Background(), s, Options{Dir: dir, Workers: 1, Workload: w})
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("is in use by another sweep (pid %d on host ", os.Getpid())
	if second == nil || !strings.Contains(second.Error(), want) || strings.Contains(second.Error(), "\n") {
		t.Errorf("second sweep: error %v, want one line containing %q", second, want)
	}
	data, err := os.ReadFile(filepath.Join(dir, PointsFile))
	if err != nil {
		t.Fatal(err)
	}
	recs, _, bad, stale := readPoints(data)
	if len(recs) != 16 || len(bad) != 0 || stale != 0 || first.Evaluated != 16 {
		t.Errorf("after the refused sweep: %d good, %d bad, %d stale lines, %d evaluated; want 16, 0, 0, 16", len(recs), len(bad), stale, first.Evaluated)
	}
	// The lock is released when the sweep ends: a third run reuses all.
	if again := sweep(t, s, Options{Dir: dir}); again.Reused != 16 || again.Evaluated != 0 {
		t.Errorf("third run: reused %d, evaluated %d; want 16, 0", again.Reused, again.Evaluated)
	}
}

// TestWaitLock: with WaitLock a sweep waits for the holder, and gives up
// when its context ends.
func TestWaitLock(t *testing.T) {
	dir := t.TempDir()
	held, err := LockDir(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*lockPoll)
	defer cancel()
	if _, err := LockDir(ctx, dir, true); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting on a held lock until the deadline: error %v", err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := LockDir(context.Background(), dir, true)
		if err == nil {
			err = l.Unlock()
		}
		got <- err
	}()
	time.Sleep(2 * lockPoll)
	select {
	case err := <-got:
		t.Fatalf("the waiter got the lock while it was held (error %v)", err)
	default:
	}
	if err := held.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("waiter after release: %v", err)
	}
}

// TestStoreCleanStart: an interrupted sweep that stored nothing leaves no
// points.jsonl, and temporary files of killed writers are removed.
func TestStoreCleanStart(t *testing.T) {
	s := mustSpace(t, testSpace)
	w, err := testWorkload()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stale := filepath.Join(dir, ".tmp-points.csv-123456")
	if err := os.WriteFile(stale, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var log bytes.Buffer
	if _, err := Sweep(ctx, s, Options{Dir: dir, Workload: w, Log: &log}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled sweep: error %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, PointsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a sweep that stored no point left %s (stat error %v)", PointsFile, err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file not removed (stat error %v)", err)
	}
	if !strings.Contains(log.String(), "removed 1 temporary files") {
		t.Errorf("log %q does not mention the removed file", log.String())
	}
	if m, ok, err := readManifest(dir); !ok || err != nil || m.Space != s.SpaceHash() || m.Shard != "all" {
		t.Errorf("manifest %+v, %v, %v; want space %s, shard all", m, ok, err, s.SpaceHash())
	}
}

// TestManifestRefusals: a directory refuses another shard and another
// space, says what to do, and adopts a directory without a manifest.
func TestManifestRefusals(t *testing.T) {
	s := mustSpace(t, testSpace)
	other := mustSpace(t, strings.Replace(testSpace, "timesteps: [4, 6]", "timesteps: [4, 8]", 1))
	if s.SpaceHash() == other.SpaceHash() {
		t.Fatal("two spaces with different points have the same hash")
	}
	// Objectives and constraints do not change the points.
	if h := mustSpace(t, strings.Replace(testSpace, "accuracy_pct >= 20 %", "accuracy_pct >= 30 %", 1)).SpaceHash(); h != s.SpaceHash() {
		t.Errorf("a changed constraint changed the space hash")
	}
	m := func(sp *Space, sh Shard) manifest {
		return manifest{Format: manifestFormat, Space: sp.SpaceHash(), Shard: shardText(sh), Version: "v1"}
	}
	dir := t.TempDir()
	if err := checkManifest(dir, m(s, Shard{0, 2}), false, false, nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		want   manifest
		change bool
		errHas string // "" = accepted
	}{
		{"same", m(s, Shard{0, 2}), false, ""},
		{"rerun as 0/1", m(s, Shard{0, 1}), false, "holds shard 0/2, this run is shard 0/1; run with --shard 0/2"},
		{"unsharded", m(s, Shard{}), false, "holds shard 0/2, this run is the whole sweep"},
		{"other space", m(other, Shard{0, 2}), false, "was started with another space"},
		{"other space, change allowed, sharded", m(other, Shard{0, 2}), true, "a shard must run the space its directory started with"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkManifest(dir, c.want, true, c.change, nil)
			if c.errHas == "" && err != nil || c.errHas != "" && (err == nil || !strings.Contains(err.Error(), c.errHas)) {
				t.Errorf("error %v, want %q", err, c.errHas)
			}
		})
	}

	whole := t.TempDir()
	if err := checkManifest(whole, m(s, Shard{}), false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := checkManifest(whole, m(other, Shard{}), true, false, nil); err == nil || !strings.Contains(err.Error(), "--space-changed") {
		t.Errorf("whole sweep, other space: error %v, want a hint at --space-changed", err)
	}
	var log bytes.Buffer
	if err := checkManifest(whole, m(other, Shard{}), true, true, &log); err != nil || !strings.Contains(log.String(), "the space changed") {
		t.Errorf("whole sweep, space change allowed: error %v, log %q", err, log.String())
	}
	if got, _, _ := readManifest(whole); got.Space != other.SpaceHash() {
		t.Errorf("manifest not rewritten to the new space")
	}

	old := t.TempDir() // made by an older spikemesh: points, no manifest
	log.Reset()
	if err := checkManifest(old, m(s, Shard{1, 2}), true, false, &log); err != nil || !strings.Contains(log.String(), "adopting it as shard 1/2") {
		t.Errorf("adopting: error %v, log %q", err, log.String())
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, ManifestFile), []byte("secret first line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := checkManifest(bad, m(s, Shard{}), false, false, nil)
	if err == nil || !strings.Contains(err.Error(), "is not a spikemesh results manifest") || strings.Contains(err.Error(), "secret") {
		t.Errorf("foreign manifest: error %v; want it named, not echoed", err)
	}
}

// TestMergeChecksManifests: merge refuses shards of another space, a shard
// given twice and shards of different splits, before reading any point.
func TestMergeChecksManifests(t *testing.T) {
	s := mustSpace(t, testSpace)
	other := mustSpace(t, strings.Replace(testSpace, "timesteps: [4, 6]", "timesteps: [4, 8]", 1))
	root := t.TempDir()
	mk := func(name string, sp *Space, sh Shard) string {
		d := filepath.Join(root, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := writeManifest(d, manifest{Format: manifestFormat, Space: sp.SpaceHash(), Shard: shardText(sh), Version: "v1"}); err != nil {
			t.Fatal(err)
		}
		return d
	}
	a, b := mk("a", s, Shard{0, 2}), mk("b", s, Shard{1, 2})
	if errs, v := checkShards(s, []string{a, b}); len(errs) != 0 || v != "v1" {
		t.Errorf("good shards: %v, version %q", errs, v)
	}
	cases := []struct {
		name string
		dirs []string
		want string
	}{
		{"other space", []string{a, mk("c", other, Shard{1, 2})}, "was run with another space"},
		{"same shard twice", []string{a, mk("d", s, Shard{0, 2})}, "duplicated shard 0/2"},
		{"different splits", []string{a, mk("e", s, Shard{1, 3})}, "merge the shards of one split"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := MergeShards(s, c.dirs, filepath.Join(root, "out-"+c.name), nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

// TestMergeWaitsForRunningShard: a merge refuses a shard directory that a
// sweep holds, naming the sweep, and reads it once the sweep is done.
func TestMergeWaitsForRunningShard(t *testing.T) {
	s := mustSpace(t, testSpace)
	d := t.TempDir()
	sweep(t, s, Options{Dir: d})
	held, err := LockDir(context.Background(), d, false)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "merged")
	if _, err := MergeShards(s, []string{d}, out, nil); err == nil || !strings.Contains(err.Error(), "is being written by a running sweep (pid ") {
		t.Errorf("merge of a held shard: error %v", err)
	}
	held.Unlock()
	if res, err := MergeShards(s, []string{d}, out, nil); err != nil || len(res) != 16 {
		t.Errorf("merge after the sweep: %d points, error %v", len(res), err)
	}
}
