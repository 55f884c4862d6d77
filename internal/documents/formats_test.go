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

// TestHiddenPDFAndZIP: a PDF header or a whole ZIP archive inside a file is found (their
// markers hold capitals, once compared against lowered bytes and so never found); a ZIP
// local header alone, as compressed data holds by chance, is not.
func TestHiddenPDFAndZIP(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte{0xA5}, 100_000)
	cases := []struct {
		name   string
		data   []byte
		format string
		want   bool
	}{
		{"a PDF in a photo", slicesConcat(body, []byte("%PDF-1.7\n1 0 obj"), body), formatJPEG, true},
		{"a PDF's own header", slicesConcat([]byte("%PDF-1.7\n"), body), formatPDF, false},
		{
			"a ZIP archive",
			slicesConcat(body, []byte("PK\x03\x04\x14\x00"), body, []byte("PK\x05\x06"), make([]byte, 18)),
			formatPDF,
			true,
		},
		{"a ZIP header by chance", slicesConcat(body, []byte("PK\x03\x04"), body), formatPNG, false},
	}
	for _, tc := range cases {
		if got := hiddenContent(tc.data, tc.format); got != tc.want {
			t.Errorf("%s: hidden = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func slicesConcat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
