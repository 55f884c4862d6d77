package testdb

import (
	"strconv"
	"testing"
)

// TestClonesAreMadeAheadAsTheTestsNeedThem: one database taken asks one clone ahead, not
// spareClones; tests that take them faster than they are made ask more ahead, to the limit.
func TestClonesAreMadeAheadAsTheTestsNeedThem(t *testing.T) {
	first := ahead.Load() == 0 // not under -count 2 and more, which keep the clones made ahead
	New(t)
	if n := ahead.Load(); first && n != 1 {
		t.Errorf("after one database: %d clones asked ahead, want 1", n)
	}
	t.Run("many", func(t *testing.T) {
		for i := range 8 {
			t.Run(strconv.Itoa(i), func(t *testing.T) {
				t.Parallel()
				New(t)
			})
		}
	})
	if n := ahead.Load(); n < 2 || n > spareClones {
		t.Errorf("after eight databases taken in parallel: %d clones asked ahead, want 2 to %d", n, spareClones)
	}
}
