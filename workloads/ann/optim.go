package ann

import (
	"fmt"
	"math"
	"strings"

	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// Schedule selects how the learning rate changes over training.
type Schedule uint8

const (
	// ScheduleConstant keeps the learning rate at NetTrainConfig.LR.
	ScheduleConstant Schedule = iota
	// ScheduleCosine decays it per step as LR * (1 + cos(pi*t/T)) / 2, from
	// LR at step t=0 towards 0 at the last step T.
	ScheduleCosine
)

var scheduleNames = [...]string{ScheduleConstant: "constant", ScheduleCosine: "cosine"}

// String returns "constant" or "cosine".
func (s Schedule) String() string {
	if int(s) < len(scheduleNames) {
		return scheduleNames[s]
	}
	return fmt.Sprintf("Schedule(%d)", uint8(s))
}

// MarshalText returns the name of s.
func (s Schedule) MarshalText() ([]byte, error) {
	if int(s) >= len(scheduleNames) {
		return nil, fmt.Errorf("ann: unknown schedule %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText accepts "constant" or "cosine".
func (s *Schedule) UnmarshalText(b []byte) error {
	for i, n := range scheduleNames {
		if string(b) == n {
			*s = Schedule(i)
			return nil
		}
	}
	return fmt.Errorf("ann: unknown schedule %q, expected one of %s", b, strings.Join(scheduleNames[:], ", "))
}

// Adam's fixed constants (Kingma & Ba 2015 defaults).
const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// lrAt returns the learning rate of step t of total: lr, or under
// ScheduleCosine lr * (1 + cos(pi*t/total)) / 2.
func lrAt(lr float64, sched Schedule, t, total int) float64 {
	if sched == ScheduleCosine {
		return lr * 0.5 * (1 + math.Cos(math.Pi*float64(t)/float64(total)))
	}
	return lr
}

// adam applies one Adam update to p in place: m and v are the moment
// estimates, stepSize = lr/(1-beta1^t), invC2 = 1/(1-beta2^t), and decay
// multiplies p first (1 disables weight decay).
func adam(p, g, m, v []float32, stepSize, invC2, decay float32, workers int) {
	ForEachChunk(len(p), workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := g[i]
			m[i] = adamBeta1*m[i] + (1-adamBeta1)*gi
			v[i] = adamBeta2*v[i] + (1-adamBeta2)*gi*gi
			den := float32(math.Sqrt(float64(v[i]*invC2))) + adamEps
			p[i] = p[i]*decay - stepSize*m[i]/den
		}
	})
}

// softmaxCrossEntropy returns the summed softmax cross-entropy of a batch
// of logits (row b is sample idx[b] of s) and writes into g the gradient of
// the batch-mean loss with respect to the logits.
func softmaxCrossEntropy(logits, g []float32, classes int, s *mnist.Set, idx []int) float64 {
	scale := 1 / float64(len(idx))
	var loss float64
	for b, i := range idx {
		z := logits[b*classes : (b+1)*classes]
		zmax := z[argmax(z)]
		var sum float64
		for _, v := range z {
			sum += math.Exp(float64(v - zmax))
		}
		y := int(s.Labels[i])
		loss += math.Log(sum) - float64(z[y]-zmax)
		for k, v := range z {
			p := math.Exp(float64(v-zmax)) / sum
			if k == y {
				p--
			}
			g[b*classes+k] = float32(p * scale)
		}
	}
	return loss
}

// optimizerProblems checks the optimizer settings of a NetTrainConfig.
func optimizerProblems(epochs, batch, maxBatch int, lr float64, sched Schedule, wd float64, workers int) []error {
	var errs []error
	if epochs < 1 {
		errs = append(errs, fmt.Errorf("epochs = %d, expected >= 1", epochs))
	}
	if batch < 1 || batch > maxBatch {
		errs = append(errs, fmt.Errorf("batch_size = %d, expected 1..%d", batch, maxBatch))
	}
	if !(lr > 0 && lr <= 1) {
		errs = append(errs, fmt.Errorf("lr = %v, expected in (0, 1]", lr))
	}
	if sched > ScheduleCosine {
		errs = append(errs, fmt.Errorf("schedule = %d, expected constant or cosine", uint8(sched)))
	}
	if !(wd >= 0 && wd < 1) {
		errs = append(errs, fmt.Errorf("weight_decay = %v, expected in [0, 1)", wd))
	}
	if workers < 0 {
		errs = append(errs, fmt.Errorf("workers = %d, expected >= 0 (0 = GOMAXPROCS)", workers))
	}
	return errs
}
