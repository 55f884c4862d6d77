package documents

import (
	"bytes"
	"testing"
)

// TestHiddenContentAcrossWindows: a marker is found wherever it lies, across the boundary
// of the windows the file is read in too, and in any case.
func TestHiddenContentAcrossWindows(t *testing.T) {
	t.Parallel()
	for _, at := range []int{0, 64<<10 - 3, 64 << 10, 3*64<<10 - 1, 200_000 - len("<SCRIPT")} {
		data := bytes.Repeat([]byte{0xA5}, 200_000)
		copy(data[at:], "<SCRIPT")
		if !hiddenContent(data, formatJPEG) {
			t.Errorf("marker at %d not found", at)
		}
	}
	if hiddenContent(bytes.Repeat([]byte("<scrip"), 50_000), formatJPEG) {
		t.Error("found a marker in a file without one")
	}
}
