package ann

import (
	"runtime"
	"testing"
)

// TestTrainBytesMatchesAllocation measures InitNet and the trainer's
// buffers for a CNN with every trainable kind and compares them with
// TrainBytes: within a factor of 1.5 either way (slice headers and the
// allocator's size classes are not counted).
func TestTrainBytesMatchesAllocation(t *testing.T) {
	n := &Net{Name: "wide", Input: Shape{2, 16, 16}, Layers: []Layer{
		{Kind: KindConv2D, Name: "c1", Out: 16, Kernel: 3, Stride: 1, Pad: 1, Groups: 2},
		{Kind: KindReLU},
		{Kind: KindMaxPool2D, Kernel: 2, Stride: 2},
		{Kind: KindFlatten},
		{Kind: KindDense, Name: "fc1", Out: 256},
		{Kind: KindDense, Name: "fc2", Out: 10},
	}}
	const batch, workers = 32, 2
	est, err := TrainBytes(n, batch, workers)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := InitNet(n, 1); err != nil {
		t.Fatal(err)
	}
	p, err := newPlan(n)
	if err != nil {
		t.Fatal(err)
	}
	tr := newNetTrainer(p, batch, workers, 0)
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(tr)
	got := int64(after.TotalAlloc - before.TotalAlloc)
	if est < got*2/3 || est > got*3/2 {
		t.Errorf("TrainBytes = %d, InitNet and the trainer allocated %d", est, got)
	}
}

// TestTrainBytesHuge: two dense layers of 65,536 units need a 65,536² weight
// matrix (17 GB in float32, four times that with gradient and Adam moments);
// TrainBytes says so without allocating it.
func TestTrainBytesHuge(t *testing.T) {
	n := &Net{Name: "huge", Input: Shape{784, 1, 1}, Layers: []Layer{
		{Kind: KindDense, Name: "h1", Out: 65536},
		{Kind: KindDense, Name: "h2", Out: 65536},
	}}
	got, err := TrainBytes(n, 64, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(4 * 4 * 65536 * 65536); got < want {
		t.Errorf("TrainBytes = %d, want at least %d", got, want)
	}
	bad := &Net{Name: "bad", Input: Shape{1, 4, 4}, Layers: []Layer{{Kind: KindConv2D, Name: "c", Out: 2, Kernel: 9, Stride: 1, Groups: 1}}}
	if _, err := TrainBytes(bad, 1, 1); err == nil {
		t.Error("a kernel larger than its input was accepted")
	}
}
