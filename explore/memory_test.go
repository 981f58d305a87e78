package explore

import (
	"strings"
	"testing"
)

// TestCheckMemory: a space whose largest chip is a 4096x2048 mesh is
// refused under a 1 GiB budget before any point runs, names the workers,
// and passes without a budget; the example space fits easily.
func TestCheckMemory(t *testing.T) {
	s, err := ParseSpace([]byte("objectives: [maximize accuracy_pct]\nparameters: {mesh_width: [4, 4096], mesh_height: [4, 2048], cores_per_router: [1], buffer_depth: [1]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if b := s.MaxPointBytes(); b < 5<<30 {
		t.Errorf("MaxPointBytes = %d, want the 4096x2048 mesh's gigabytes", b)
	}
	err = s.CheckMemory(1<<30, 2)
	if err == nil || !strings.Contains(err.Error(), "explore: the space's largest chip on 2 workers needs about") {
		t.Errorf("CheckMemory = %v", err)
	}
	if err := s.CheckMemory(0, 2); err != nil {
		t.Errorf("no budget: %v", err)
	}
	ex, err := ParseSpace(ExampleSpace())
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.CheckMemory(1<<30, 8); err != nil {
		t.Errorf("the example space: %v", err)
	}
}
