package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spikemesh/spikemesh/internal/atomicfile"
)

// The bad-input table runs the built binary as a user would, once per
// case, in a fresh working folder and under an address-space limit, and
// asserts what issue 16 asks of every refusal: exit status 1, exactly one
// "spikemesh:" line on stderr, nothing on stdout, no panic or runtime
// text, no temporary files left behind, and a peak resident size under
// badRSSBudget. A case that hangs is killed after badCaseTimeout and fails.
//
// The limit is set with prlimit(1) from util-linux, which is Essential in
// Debian and so present on every Debian machine; where it is missing the
// POSIX shell's "ulimit -v" does the same. Both exec the binary in place,
// so the rusage the test reads is the binary's own.
const (
	// badASLimit is the address space a case may reserve. A normal small
	// "run" peaks at 62 MiB resident and passes under a 1.5 GiB limit (under
	// 1 GiB it sometimes fails: the Go runtime reserves address space it
	// does not touch); 2 GiB leaves room for that and stops any case that
	// tries to allocate gigabytes, as the zip bomb, /dev/zero and huge-shape
	// inputs of issue 16 did.
	badASLimit = 2 << 30
	// badRSSBudget is the peak resident size a refusal may reach: a quarter
	// of badASLimit, eight times a normal small run's 62 MiB. A refusal
	// that reads or allocates what a hostile file declares exceeds it.
	badRSSBudget = 512 << 20
	// badCaseTimeout bounds one case; the slowest honest refusal here
	// (explore reading its space and presets) takes well under a second.
	badCaseTimeout = 60 * time.Second
)

// badCase is one row of the table. args builds the command line, making
// any files it needs in dir, the case's working folder. want must appear
// in the error line; secret must not (an error that echoes a file's
// content). skip, when set, names the branch that fixes the case.
type badCase struct {
	name   string
	args   func(t *testing.T, dir string) []string
	want   string
	secret string
	skip   string
}

// fixed returns args that need no files.
func fixed(args ...string) func(*testing.T, string) []string {
	return func(*testing.T, string) []string { return args }
}

// put writes content to dir/name and returns the path.
func put(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// npyBytes builds an NPY file by hand (not with npyfile.Write) so that
// the header can be wrong in every way issue 16 lists: version is the
// major format version, header the dictionary text as written (its
// newline, if any, included), data the bytes after it.
func npyBytes(version byte, header string, data []byte) []byte {
	b := []byte{0x93, 'N', 'U', 'M', 'P', 'Y', version, 0}
	if version == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	}
	return append(append(b, header...), data...)
}

// npyHeader is a well-formed version-1 header dictionary for descr and
// shape, padded with spaces and ended by a newline.
func npyHeader(descr, shape string, fortran bool) string {
	order := "False"
	if fortran {
		order = "True"
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, order, shape)
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	return h + "\n"
}

func f32s(vals ...float32) []byte {
	var b []byte
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

// goodWeight is the 2x784 float32 weight of the one-layer test model, a
// model run accepts (it reads MNIST's 784 pixels).
func goodWeight() []byte {
	w := make([]float32, 2*784)
	for i := range w {
		w[i] = 0.01 // every output sees every pixel, so calibration has activity
	}
	return npyBytes(1, npyHeader("<f4", "(2, 784)", false), f32s(w...))
}

func goodBias() []byte { return npyBytes(1, npyHeader("<f4", "(2,)", false), f32s(0, 0)) }

// zipOf writes an archive of the named entries (deflated) in the order
// given.
func zipOf(t *testing.T, entries ...any) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i < len(entries); i += 2 {
		w, err := zw.Create(entries[i].(string))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(entries[i+1].([]byte)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tinyDesc is a one-layer model description naming weights.
func tinyDesc(weights string) []byte {
	return []byte("name: tiny\ninput: [784]\nweights: " + weights + "\nlayers:\n  - {type: dense, name: fc, out_features: 2}\n")
}

// modelWith writes tinyDesc and an archive whose fc.weight entry is
// weight, and returns run's arguments for it.
func modelWith(weight []byte) func(*testing.T, string) []string {
	return func(t *testing.T, dir string) []string {
		put(t, dir, "w.npz", zipOf(t, "fc.weight.npy", weight, "fc.bias.npy", goodBias()))
		return []string{"run", "--samples", "2", "--model", put(t, dir, "m.yaml", tinyDesc("w.npz")),
			"--dataset", put(t, dir, "two.npz", twoClassData(t))}
	}
}

// twoClassData is a --dataset file the two-output tiny model can be scored
// on: two images (every pixel 1 and 2) with labels 0 and 1. MNIST's labels
// 0..9 are refused for a model with 2 outputs.
func twoClassData(t *testing.T) []byte {
	t.Helper()
	x := make([]byte, 2*784)
	for i := range x {
		x[i] = byte(1 + i/784)
	}
	var y []byte
	y = binary.LittleEndian.AppendUint64(y, 0)
	y = binary.LittleEndian.AppendUint64(y, 1)
	return zipOf(t, "x.npy", npyBytes(1, npyHeader("|u1", "(2, 784)", false), x),
		"y.npy", npyBytes(1, npyHeader("<i8", "(2,)", false), y))
}

var (
	bombOnce sync.Once
	bomb     []byte
	bombErr  error
)

// zipBomb is an archive whose fc.weight.npy declares a 2x784 float32 array
// and then carries 1 GiB of zeros, deflated to about 1 MiB. A reader that
// trusts neither the NPY header nor a size bound reads it all. It is built
// once per test binary (a few seconds of deflate).
func zipBomb() ([]byte, error) {
	bombOnce.Do(func() {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(w, flate.BestSpeed)
		})
		w, err := zw.Create("fc.weight.npy")
		if err == nil {
			_, err = w.Write(goodWeight())
		}
		zeros := make([]byte, 1<<20)
		for i := 0; err == nil && i < 1024; i++ {
			_, err = w.Write(zeros)
		}
		if err == nil {
			w, err = zw.Create("fc.bias.npy")
		}
		if err == nil {
			_, err = w.Write(goodBias())
		}
		if err == nil {
			err = zw.Close()
		}
		bomb, bombErr = b.Bytes(), err
	})
	return bomb, bombErr
}

// chipYAML is the loihi preset (which runs the default model) with the
// given values replacing its keys.
func chipYAML(t *testing.T, repl map[string]string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../chip/presets/loihi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		key, _, ok := strings.Cut(l, ":")
		if v, hit := repl[key]; ok && hit {
			lines[i] = key + ": " + v
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// spaceYAML is the example space with old replaced by new.
func spaceYAML(t *testing.T, old, new string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../explore/spaces/mnist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("example space has no %q", old)
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

// benchDir writes a bench export whose image.npy is image.
func benchDir(image []byte) func(*testing.T, string) []string {
	return func(t *testing.T, dir string) []string {
		put(t, dir, "peer/image.npy", image)
		put(t, dir, "peer/w0.npy", npyBytes(1, npyHeader("<f8", "(4, 2)", false), make([]byte, 64)))
		return []string{"bench", "--dir", filepath.Join(dir, "peer"), "--samples", "1", "--steps", "2"}
	}
}

// secretLine is what a file that is not the expected kind holds; no error
// may repeat it.
const secretLine = "password=hunter2-do-not-print"

func badCases() []badCase {
	cases := []badCase{
		// The cases of TestBadInput, kept here with the stricter checks.
		{name: "unknown command", args: fixed("frobnicate"), want: `unknown command "frobnicate"`},
		{name: "unknown chip", args: fixed("run", "--chip", "loihi3"), want: `unknown preset "loihi3"`},
		{name: "unknown energy", args: fixed("run", "--energy", "nope"), want: "nope"},
		{name: "zero timesteps", args: fixed("run", "--timesteps", "0"), want: "--timesteps: 0: must be in 1..1000000"},
		{name: "bad timesteps", args: fixed("run", "--timesteps", "8,x"), want: `"x" is not an integer`},
		{name: "zero samples", args: fixed("run", "--samples", "0"), want: "samples is 0"},
		{name: "negative samples", args: fixed("run", "--samples", "-5"), want: "samples is -5"},
		{name: "too many samples", args: fixed("run", "--samples", "20000"), want: "test set has 10000"},
		{name: "bad encoder", args: fixed("run", "--encoder", "latency"), want: "unknown encoder"},
		{name: "exact with another encoder", args: fixed("run", "--model", "mnist-mlp-qcfs", "--conversion", "exact", "--encoder", "direct"), want: "needs --encoder pulse"},
		{name: "unknown model", args: fixed("run", "--model", "resnet"), want: "resnet"},
		{name: "missing chip file", args: fixed("run", "--chip", "/no/such/chip.yaml"), want: "/no/such/chip.yaml"},
		{name: "corrupt chip file", args: func(t *testing.T, d string) []string {
			return []string{"run", "--chip", put(t, d, "c.yaml", []byte("{{{ not yaml"))}
		}, want: "c.yaml"},
		{name: "zero mesh", args: func(t *testing.T, d string) []string {
			return []string{"run", "--chip", put(t, d, "m.yaml", []byte("base: tiny\nname: m\nmesh_width: 0\n"))}
		}, want: "mesh_width is 0"},
		{name: "unknown chip key", args: func(t *testing.T, d string) []string {
			return []string{"run", "--chip", put(t, d, "k.yaml", []byte("name: k\nmesh_wdith: 4\n"))}
		}, want: "mesh_wdith"},
		{name: "does not fit", args: fixed("run", "--chip", "tiny"), want: "does not fit"},
		{name: "unknown show", args: fixed("chips", "show", "truenorth9"), want: "truenorth9"},
		{name: "train negative epochs", args: fixed("train", "--epochs", "-1"), want: "--epochs (-1)"},
		{name: "train unknown recipe", args: fixed("train", "--model", "resnet"), want: "no training recipe"},
		{name: "train removed sizes flag", args: fixed("train", "--sizes", "784,0,10"), want: "unknown flag: --sizes"},
		{name: "run a PyTorch file", args: fixed("run", "--model", "net.pt"), want: "tools/export_torch.py"},
		{name: "run bare weights", args: fixed("run", "--model", "t.npz"), want: "holds weights only"},

		// Malformed .npy entries inside a model's .npz (issue 16: 8 panics).
		{name: "npz entry not NPY", args: modelWith([]byte("this is not an NPY file at all")), want: "fc.weight"},
		{name: "npy fortran data short", args: modelWith(npyBytes(1, npyHeader("<f4", "(2, 784)", true), f32s(1, 2, 3))), want: "fc.weight"},
		{name: "npy header without newline", args: modelWith(npyBytes(1, strings.TrimSuffix(npyHeader("<f4", "(2, 784)", false), "\n")+" ", make([]byte, 2*784*4))), want: "fc.weight"},
		{name: "npy dtype A0", args: modelWith(npyBytes(1, npyHeader("A0", "(2, 784)", false), make([]byte, 2*784*4))), want: "fc.weight"},
		{name: "npy stray bytes after data", args: modelWith(append(goodWeight(), "stray"...)), want: "fc.weight"},
		{name: "npy unknown version", args: modelWith(npyBytes(9, npyHeader("<f4", "(2, 784)", false), make([]byte, 2*784*4))), want: "fc.weight"},
		{name: "npy negative shape", args: modelWith(npyBytes(1, npyHeader("<f4", "(-2, 4)", false), nil)), want: "fc.weight"},
		{name: "npy v2 header of 4 GiB", args: modelWith(binary.LittleEndian.AppendUint32([]byte("\x93NUMPY\x02\x00"), 1<<32-1)), want: "fc.weight"},
		{name: "npy data short", args: modelWith(npyBytes(1, npyHeader("<f4", "(2, 784)", false), f32s(1, 2))), want: "fc.weight"},
		{name: "npy huge shape", args: modelWith(npyBytes(1, npyHeader("<f4", "(1000000, 1000000)", false), f32s(1))), want: "fc.weight"},
		{name: "npy shape overflows int64", args: modelWith(npyBytes(1, npyHeader("<f4", "(4294967296, 4294967296, 4294967296)", false), nil)), want: "fc.weight"},
		{name: "npy truncated header", args: modelWith(goodWeight()[:20]), want: "fc.weight"},
		{name: "npy wrong dtype kind", args: modelWith(npyBytes(1, npyHeader("<c8", "(2, 784)", false), make([]byte, 2*784*8))), want: "fc.weight"},
		{name: "npz zip bomb", args: func(t *testing.T, d string) []string {
			b, err := zipBomb()
			if err != nil {
				t.Fatal(err)
			}
			put(t, d, "w.npz", b)
			return []string{"run", "--samples", "2", "--model", put(t, d, "m.yaml", tinyDesc("w.npz"))}
		}, want: "fc.weight"},
		{name: "npz not a zip", args: func(t *testing.T, d string) []string {
			put(t, d, "w.npz", []byte(secretLine+"\n"))
			return []string{"run", "--model", put(t, d, "m.yaml", tinyDesc("w.npz"))}
		}, want: "w.npz", secret: secretLine},
		{name: "npz truncated", args: func(t *testing.T, d string) []string {
			z := zipOf(t, "fc.weight.npy", goodWeight(), "fc.bias.npy", goodBias())
			put(t, d, "w.npz", z[:len(z)/2])
			return []string{"run", "--model", put(t, d, "m.yaml", tinyDesc("w.npz"))}
		}, want: "w.npz"},
		{name: "npz missing array", args: func(t *testing.T, d string) []string {
			put(t, d, "w.npz", zipOf(t, "fc.bias.npy", goodBias()))
			return []string{"run", "--model", put(t, d, "m.yaml", tinyDesc("w.npz"))}
		}, want: "fc.weight"},

		// Files that never end, or are not files.
		{name: "model is /dev/zero", args: fixed("run", "--model", "/dev/zero"), want: "/dev/zero"},
		{name: "weights is /dev/zero", args: func(t *testing.T, d string) []string {
			return []string{"run", "--model", put(t, d, "m.yaml", tinyDesc("/dev/zero"))}
		}, want: "weights"},
		{name: "chip is /dev/zero", args: fixed("run", "--chip", "/dev/zero"), want: "/dev/zero"},
		{name: "energy is /dev/zero", args: fixed("run", "--energy", "/dev/zero"), want: "/dev/zero"},
		{name: "space is /dev/zero", args: func(t *testing.T, d string) []string {
			return []string{"explore", "--space", "/dev/zero", "--out", filepath.Join(d, "out")}
		}, want: "/dev/zero"},
		{name: "chip is a directory", args: func(t *testing.T, d string) []string {
			return []string{"run", "--chip", d + "/"}
		}, want: "directory"},
		{name: "model is a directory", args: func(t *testing.T, d string) []string {
			return []string{"run", "--model", d}
		}, want: "model"},
		{name: "chip is a FIFO", args: func(t *testing.T, d string) []string {
			p := filepath.Join(d, "chip.yaml")
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skipf("no FIFO: %v", err)
			}
			return []string{"run", "--chip", p}
		}, want: "chip.yaml"},
		{name: "weights outside the model folder", args: func(t *testing.T, d string) []string {
			put(t, d, "w.npz", zipOf(t, "fc.weight.npy", goodWeight(), "fc.bias.npy", goodBias()))
			return []string{"run", "--samples", "2", "--model", put(t, d, "sub/m.yaml", tinyDesc("../w.npz"))}
		}, want: "weights"},
		{name: "weights absolute path", args: func(t *testing.T, d string) []string {
			w := put(t, d, "w.npz", zipOf(t, "fc.weight.npy", goodWeight(), "fc.bias.npy", goodBias()))
			return []string{"run", "--samples", "2", "--model", put(t, d, "sub/m.yaml", tinyDesc(w))}
		}, want: "weights"},

		// Sizes that would exhaust memory or time (issue 16: 11 blowups, 1 hang).
		{name: "chip 4096x2048", args: func(t *testing.T, d string) []string {
			return []string{"run", "--samples", "1", "--chip", put(t, d, "big.yaml", chipYAML(t, map[string]string{"mesh_width": "4096", "mesh_height": "2048"}))}
		}, want: "mesh"},
		{name: "trace of 1e8 timesteps", args: func(t *testing.T, d string) []string {
			return []string{"run", "--samples", "1", "--timesteps", "100000000", "--trace", filepath.Join(d, "trace")}
		}, want: "timesteps"},
		{name: "timesteps 1e12", args: fixed("run", "--samples", "1", "--timesteps", "1000000000000"), want: "timesteps"},
		{name: "timesteps overflow int", args: fixed("run", "--timesteps", "99999999999999999999999"), want: "timesteps"},
		{name: "explore random 1e9 points", args: func(t *testing.T, d string) []string {
			sp := put(t, d, "s.yaml", spaceYAML(t, "kind: grid", "kind: random\n  points: 1000000000\n  seed: 1"))
			return []string{"explore", "--space", sp, "--out", filepath.Join(d, "out")}
		}, want: "points"},
		{name: "explore nsga2 population 1e9", args: func(t *testing.T, d string) []string {
			sp := put(t, d, "s.yaml", spaceYAML(t, "kind: grid", "kind: nsga2\n  population: 1000000000\n  generations: 2\n  seed: 1"))
			return []string{"explore", "--space", sp, "--out", filepath.Join(d, "out")}
		}, want: "population"},
		{name: "train hidden 65536", args: fixed("train", "--sizes", "784,65536,10"), want: "unknown flag: --sizes"},
		{name: "bench header without newline", args: benchDir(npyBytes(1, strings.TrimSuffix(npyHeader("<f8", "(4,)", false), "\n")+" ", make([]byte, 32))), want: "image.npy"},
		{name: "bench shape 1e12", args: benchDir(npyBytes(1, npyHeader("<f8", "(1000000000000,)", false), make([]byte, 32))), want: "image.npy"},
		{name: "bench missing dir", args: fixed("bench", "--dir", "/no/such/peer"), want: "/no/such/peer"},
		{name: "noc huge mesh", args: fixed("noc", "--mesh", "100000x100000", "--rates", "0.1"), want: "Width (100000)"},
		{name: "noc bad mesh", args: fixed("noc", "--mesh", "8by8"), want: "--mesh"},
		{name: "noc negative rate", args: fixed("noc", "--rates", "-0.1"), want: "rate"},

		// Errors name the file, they do not echo it (issue 16).
		{name: "chip file echoes content", args: func(t *testing.T, d string) []string {
			return []string{"run", "--chip", put(t, d, "notes.yaml", []byte(secretLine+"\n"))}
		}, want: "notes.yaml", secret: secretLine},
		{name: "space chip echoes content", args: func(t *testing.T, d string) []string {
			put(t, d, "notes.yaml", []byte(secretLine+"\n"))
			sp := put(t, d, "s.yaml", spaceYAML(t, "chip: loihi ", "chip: notes.yaml "))
			return []string{"explore", "--space", sp, "--out", filepath.Join(d, "out")}
		}, want: "notes.yaml", secret: secretLine},
		{name: "model file echoes content", args: func(t *testing.T, d string) []string {
			return []string{"run", "--model", put(t, d, "notes.yaml", []byte(secretLine+"\n"))}
		}, want: "notes.yaml", secret: secretLine},
		{name: "energy file echoes content", args: func(t *testing.T, d string) []string {
			return []string{"run", "--energy", put(t, d, "notes.yaml", []byte(secretLine+"\n"))}
		}, want: "notes.yaml", secret: secretLine},

		// A second YAML document, unknown keys, wrong types.
		{name: "chip second document", args: func(t *testing.T, d string) []string {
			b := chipYAML(t, nil)
			return []string{"run", "--samples", "2", "--chip", put(t, d, "c.yaml", append(append(b, "\n---\n"...), b...))}
		}, want: "second"},
		{name: "model second document", args: func(t *testing.T, d string) []string {
			put(t, d, "w.npz", zipOf(t, "fc.weight.npy", goodWeight(), "fc.bias.npy", goodBias()))
			desc := tinyDesc("w.npz")
			return []string{"run", "--samples", "2", "--model", put(t, d, "m.yaml", append(append(desc, "---\n"...), desc...))}
		}, want: "second"},
		{name: "space second document", args: func(t *testing.T, d string) []string {
			b := spaceYAML(t, "kind: grid", "kind: grid")
			return []string{"explore", "--space", put(t, d, "s.yaml", append(append(b, "---\n"...), b...)), "--out", filepath.Join(d, "out")}
		}, want: "second"},
		{name: "energy second document", args: func(t *testing.T, d string) []string {
			b, err := os.ReadFile("../../energy/presets/loihi.yaml")
			if err != nil {
				t.Fatal(err)
			}
			return []string{"run", "--energy", put(t, d, "e.yaml", append(append(b, "---\n"...), b...))}
		}, want: "second YAML document"},
		{name: "model unknown key", args: func(t *testing.T, d string) []string {
			return []string{"run", "--model", put(t, d, "m.yaml", append(tinyDesc("w.npz"), "optimizer: adam\n"...))}
		}, want: "optimizer"},
		{name: "model layer unknown type", args: func(t *testing.T, d string) []string {
			put(t, d, "w.npz", zipOf(t, "fc.weight.npy", goodWeight(), "fc.bias.npy", goodBias()))
			return []string{"run", "--model", put(t, d, "m.yaml", bytes.Replace(tinyDesc("w.npz"), []byte("type: dense"), []byte("type: lstm"), 1))}
		}, want: "lstm"},
		{name: "model shape mismatch", args: func(t *testing.T, d string) []string {
			put(t, d, "w.npz", zipOf(t, "fc.weight.npy", goodWeight(), "fc.bias.npy", goodBias()))
			return []string{"run", "--model", put(t, d, "m.yaml", bytes.Replace(tinyDesc("w.npz"), []byte("input: [784]"), []byte("input: [785]"), 1))}
		}, want: "fc"},
		{name: "model weights missing", args: func(t *testing.T, d string) []string {
			return []string{"run", "--model", put(t, d, "m.yaml", tinyDesc("gone.npz"))}
		}, want: "gone.npz"},
		{name: "space unknown key", args: func(t *testing.T, d string) []string {
			return []string{"explore", "--space", put(t, d, "s.yaml", spaceYAML(t, "samples: 300", "sampels: 300")), "--out", filepath.Join(d, "out")}
		}, want: "sampels"},
		{name: "space unknown metric", args: func(t *testing.T, d string) []string {
			return []string{"explore", "--space", put(t, d, "s.yaml", spaceYAML(t, "minimize energy_uj", "minimize joules")), "--out", filepath.Join(d, "out")}
		}, want: "joules"},
		{name: "space empty", args: func(t *testing.T, d string) []string {
			return []string{"explore", "--space", put(t, d, "s.yaml", nil), "--out", filepath.Join(d, "out")}
		}, want: "empty"},
		{name: "energy unknown key", args: func(t *testing.T, d string) []string {
			b, err := os.ReadFile("../../energy/presets/loihi.yaml")
			if err != nil {
				t.Fatal(err)
			}
			return []string{"run", "--energy", put(t, d, "e.yaml", append(b, "\nwatts_per_dream: 3 pJ\n"...))}
		}, want: "watts_per_dream"},
		{name: "chip int overflow", args: func(t *testing.T, d string) []string {
			return []string{"run", "--chip", put(t, d, "c.yaml", chipYAML(t, map[string]string{"mesh_width": "99999999999999999999"}))}
		}, want: "c.yaml"},
		{name: "chip negative neurons", args: func(t *testing.T, d string) []string {
			return []string{"run", "--chip", put(t, d, "c.yaml", chipYAML(t, map[string]string{"neurons_per_core": "-1"}))}
		}, want: "neurons_per_core"},
		{name: "chip empty", args: func(t *testing.T, d string) []string {
			return []string{"run", "--chip", put(t, d, "c.yaml", nil)}
		}, want: "empty"},
		{name: "chip binary", args: func(t *testing.T, d string) []string {
			return []string{"run", "--chip", put(t, d, "c.yaml", []byte{0, 0xff, 0xfe, 1, 2, 3})}
		}, want: "c.yaml"},
		{name: "chip alias bomb", args: func(t *testing.T, d string) []string {
			var b strings.Builder
			b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
			for i := 1; i < 9; i++ {
				fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
			}
			return []string{"run", "--chip", put(t, d, "c.yaml", []byte(b.String()))}
		}, want: "c.yaml"},

		// Override strings and shard specs.
		{name: "energy override unknown key", args: fixed("run", "--energy-override", "synops=3pJ"), want: "synops"},
		{name: "energy override no unit", args: fixed("run", "--energy-override", "synop=3"), want: "synop"},
		{name: "energy override negative", args: fixed("run", "--energy-override", "synop=-3pJ"), want: "synop"},
		{name: "energy override empty item", args: fixed("run", "--energy-override", "synop=3pJ,,hop_x=1pJ"), want: "empty"},
		{name: "shard out of range", args: func(t *testing.T, d string) []string {
			return []string{"explore", "--example", "--shard", "2/2", "--out", filepath.Join(d, "out")}
		}, want: "2/2"},
		{name: "shard not i/n", args: func(t *testing.T, d string) []string {
			return []string{"explore", "--example", "--shard", "first", "--out", filepath.Join(d, "out")}
		}, want: "first"},
		{name: "merge no shards", args: func(t *testing.T, d string) []string {
			return []string{"explore", "merge", "--example", "--out", filepath.Join(d, "out"), filepath.Join(d, "none")}
		}, want: "none"},
		{name: "merge corrupt shard", args: func(t *testing.T, d string) []string {
			put(t, d, "s0/points.jsonl", []byte("{oops\n{\"key\":\"x\"}\n"))
			return []string{"explore", "merge", "--example", "--out", filepath.Join(d, "out"), filepath.Join(d, "s0")}
		}, want: "s0"},
		{name: "explore no space", args: func(t *testing.T, d string) []string {
			return []string{"explore", "--out", filepath.Join(d, "out")}
		}, want: "--space"},
	}
	// The NIR test files with one fault each. run does not read NIR yet
	// (it takes them for model descriptions); when it does, each must
	// still be refused with one line.
	nirs, _ := filepath.Glob("../../nir/testdata/bad_*.nir")
	for _, p := range nirs {
		abs, _ := filepath.Abs(p)
		cases = append(cases, badCase{name: "nir " + filepath.Base(p), args: fixed("inspect", abs), want: filepath.Base(p)})
	}
	return cases
}

// TestBadInputTable runs every case of badCases against the built binary.
// BADINPUT_NOSKIP=1 runs the skipped cases too, to see which still fail.
func TestBadInputTable(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the table runs the binary about 110 times (45 s); go test without -short runs it")
	}
	cases := badCases()
	if len(cases) < 60 {
		t.Fatalf("the table has %d cases; issue 16 asks for at least 60", len(cases))
	}
	limiter := addressLimiter(t)
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("case %q twice", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			if c.skip != "" && os.Getenv("BADINPUT_NOSKIP") == "" {
				t.Skip(c.skip)
			}
			dir := t.TempDir()
			args := c.args(t, dir)
			res := runLimited(t, limiter, dir, args)
			checkRefusal(t, c, res)
			if left := tempLeftovers(t, dir); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

// TestBadInputTableControl: the files the table breaks are good before it
// breaks them, so each refusal is caused by the fault the case names.
func TestBadInputTableControl(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a sweep point; go test without -short runs it")
	}
	limiter := addressLimiter(t)
	for name, args := range map[string]func(*testing.T, string) []string{
		"model": modelWith(goodWeight()),
		"chip": func(t *testing.T, d string) []string {
			return []string{"run", "--samples", "2", "--chip", put(t, d, "c.yaml", chipYAML(t, nil))}
		},
		"space": func(t *testing.T, d string) []string {
			return []string{"explore", "--space", put(t, d, "s.yaml", spaceYAML(t, "kind: grid", "kind: grid")), "--out", "out", "--shard", "0/36"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			r := runLimited(t, limiter, dir, args(t, dir))
			if r.code != 0 || r.timedOut {
				t.Fatalf("exit status %d (timed out %v); stderr %q", r.code, r.timedOut, clip(r.stderr))
			}
		})
	}
}

// limitedRun is what one case did.
type limitedRun struct {
	stdout, stderr string
	code           int
	maxRSS         int64 // bytes
	timedOut       bool
}

// addressLimiter returns the command prefix that runs a program under
// badASLimit: prlimit if installed, otherwise sh's ulimit -v.
func addressLimiter(t *testing.T) []string {
	if p, err := exec.LookPath("prlimit"); err == nil {
		return []string{p, "--as=" + strconv.Itoa(badASLimit), "--"}
	}
	if p, err := exec.LookPath("sh"); err == nil {
		return []string{p, "-c", `ulimit -v ` + strconv.Itoa(badASLimit/1024) + ` && exec "$0" "$@"`}
	}
	t.Fatal("neither prlimit nor sh is installed; cannot limit memory")
	return nil
}

func runLimited(t *testing.T, limiter []string, dir string, args []string) limitedRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), badCaseTimeout)
	defer cancel()
	argv := append(append(append([]string{}, limiter...), bin), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	r := limitedRun{stdout: o.String(), stderr: e.String(), timedOut: ctx.Err() != nil}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = int64(ru.Maxrss) << 10 // Linux reports KiB
	}
	return r
}

func checkRefusal(t *testing.T, c badCase, r limitedRun) {
	t.Helper()
	if r.timedOut {
		t.Fatalf("still running after %v (a hang); stderr %q", badCaseTimeout, clip(r.stderr))
	}
	if r.code != 1 {
		t.Errorf("exit status %d, want 1; stderr %q", r.code, clip(r.stderr))
	}
	if r.stdout != "" {
		t.Errorf("stdout not empty: %q", clip(r.stdout))
	}
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "spikemesh: ") {
		t.Errorf("stderr is not one spikemesh: line: %q", clip(r.stderr))
	}
	if c.want != "" && !strings.Contains(r.stderr, c.want) {
		t.Errorf("stderr %q does not mention %q", clip(r.stderr), c.want)
	}
	// The YAML library quotes the first 7 bytes of a bad scalar ("passwor..."),
	// so a prefix of the secret is enough to show an echo.
	if c.secret != "" && strings.Contains(r.stderr, c.secret[:5]) {
		t.Errorf("stderr echoes the file's content: %q", clip(r.stderr))
	}
	for _, bad := range []string{"panic:", "goroutine ", "fatal error:", "runtime error"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr has %q: %q", bad, clip(r.stderr))
		}
	}
	if r.maxRSS > badRSSBudget {
		t.Errorf("peak resident size %d MiB exceeds the %d MiB budget", r.maxRSS>>20, badRSSBudget>>20)
	}
}

// tempLeftovers lists the temporary files of interrupted writes under dir.
func tempLeftovers(t *testing.T, dir string) []string {
	t.Helper()
	var left []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if atomicfile.IsTemp(d.Name()) {
			left = append(left, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// clip shortens output for a failure message.
func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + "..."
	}
	return s
}
