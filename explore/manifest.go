package explore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ManifestFile is the name of the file, in a results directory, that
// records which sweep the directory belongs to: the space, the shard and
// the version of spikemesh that started it. It is written atomically when
// the directory is first used.
const ManifestFile = "manifest.json"

// manifestFormat numbers the manifest's layout; a reader refuses a newer one.
const manifestFormat = 1

// maxManifestBytes bounds what is read of a manifest: a real one is a few
// hundred bytes, so anything larger is not one.
const maxManifestBytes = 64 << 10

// manifest is the content of ManifestFile.
type manifest struct {
	Format  int    `json:"format"`
	Space   string `json:"space"`   // SpaceHash of the space the directory sweeps
	Shard   string `json:"shard"`   // "i/n", or "all" for a whole sweep
	Version string `json:"version"` // spikemesh version that started the directory
}

// SpaceHash identifies the points of a space and what they compute: the
// base configuration, the parameters with their values in order, and the
// strategy. Objectives and constraints are left out, because they only
// choose the front among stored points. It is the first 128 bits of a
// SHA-256, in hex.
func (s *Space) SpaceHash() string {
	type param struct {
		Name   string
		Values []string
	}
	ps := make([]param, len(s.Params))
	for i := range s.Params {
		p := &s.Params[i]
		ps[i].Name = p.Name
		for j := range p.Values {
			ps[i].Values = append(ps[i].Values, p.Format(j))
		}
	}
	return hashJSON(struct {
		Base     PointConfig
		Params   []param
		Strategy Strategy
	}{s.Base, ps, s.Strategy})
}

func shardText(sh Shard) string {
	if sh.Count == 0 {
		return "all"
	}
	return sh.String()
}

func shardDesc(shard string) string {
	if shard == "all" {
		return "the whole sweep"
	}
	return "shard " + shard
}

// readManifest reads dir's manifest; ok is false when there is none.
func readManifest(dir string) (m manifest, ok bool, err error) {
	path := filepath.Join(dir, ManifestFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return m, false, nil
	}
	if err != nil {
		return m, false, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return m, false, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxManifestBytes+1))
	if err != nil {
		return m, false, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if len(b) > maxManifestBytes || dec.Decode(&m) != nil || dec.InputOffset() != int64(len(bytes.TrimRight(b, " \t\r\n"))) ||
		m.Format < 1 || m.Space == "" || m.Shard == "" {
		return m, false, fmt.Errorf("%s is not a spikemesh results manifest; move it away if this directory is yours", path)
	}
	if m.Format > manifestFormat {
		return m, false, fmt.Errorf("%s has format %d, this spikemesh reads up to %d; use a newer spikemesh", path, m.Format, manifestFormat)
	}
	return m, true, nil
}

func writeManifest(dir string, m manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("explore: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, ManifestFile), append(b, '\n'))
}

// checkManifest compares dir's manifest with the sweep about to run, and
// writes one if there is none. A different shard is always refused: the
// directory's points would be another shard's. A different space is
// refused unless allowSpaceChange is set on a whole (unsharded) sweep; then
// the manifest is rewritten, and stored points still in the space are
// reused. A directory made before manifests existed is adopted with a note.
func checkManifest(dir string, want manifest, hasPoints, allowSpaceChange bool, log io.Writer) error {
	have, ok, err := readManifest(dir)
	if err != nil {
		return fmt.Errorf("explore: %w", err)
	}
	if !ok {
		if hasPoints {
			note(log, "%s: no %s (made by an older spikemesh); adopting it as shard %s of this space", dir, ManifestFile, want.Shard)
		}
		return writeManifest(dir, want)
	}
	if have.Shard != want.Shard {
		hint := "run with --shard " + have.Shard
		if have.Shard == "all" {
			hint = "run without --shard"
		}
		return fmt.Errorf("explore: %s holds %s, this run is %s; %s, or use another --out", dir, shardDesc(have.Shard), shardDesc(want.Shard), hint)
	}
	if have.Space != want.Space {
		if want.Shard != "all" {
			return fmt.Errorf("explore: %s was started with another space (hash %s, this space is %s); a shard must run the space its directory started with: use that space file, or another --out", dir, have.Space, want.Space)
		}
		if !allowSpaceChange {
			return fmt.Errorf("explore: %s was started with another space (hash %s, this space is %s); use that space file, another --out, or --space-changed to keep this directory and reuse its points", dir, have.Space, want.Space)
		}
		note(log, "%s: the space changed (hash %s, now %s); points still in it are reused", dir, have.Space, want.Space)
		return writeManifest(dir, want)
	}
	if have.Version != want.Version && want.Version != "" {
		note(log, "%s: started by spikemesh %s, continued by %s", dir, have.Version, want.Version)
	}
	return nil
}

// checkShards checks the manifests of the shard directories a merge is
// given: each must have been run with space s, no shard may be given
// twice, and all must split the sweep the same way. Directories without a
// manifest (older spikemesh) are left to the point-by-point checks. It
// returns the problems and the version that ran the first manifest found.
func checkShards(s *Space, dirs []string) (errs []error, version string) {
	want := s.SpaceHash()
	seen := map[string]string{} // shard -> directory
	var split, splitDir string  // the "/n" part and where it was first seen
	for _, d := range dirs {
		m, ok, err := readManifest(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		if version == "" {
			version = m.Version
		}
		if m.Space != want {
			errs = append(errs, fmt.Errorf("%s was run with another space (hash %s, this space is %s); merge it with that space file", d, m.Space, want))
		}
		if prev, dup := seen[m.Shard]; dup {
			errs = append(errs, fmt.Errorf("duplicated shard %s: %s and %s", m.Shard, prev, d))
			continue
		}
		seen[m.Shard] = d
		n := m.Shard
		if sh, err := ParseShard(m.Shard); err == nil {
			n = fmt.Sprint(sh.Count)
		}
		switch {
		case split == "":
			split, splitDir = n, d
		case n != split:
			errs = append(errs, fmt.Errorf("%s is shard %s but %s is of a split into %s; merge the shards of one split", d, m.Shard, splitDir, split))
		}
	}
	return errs, version
}
