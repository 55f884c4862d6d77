package documents

import (
	"bytes"
	"encoding/binary"
)

// Formats a file can be recognised as, by its first bytes.
const (
	formatJPEG    = "a JPEG image"
	formatPNG     = "a PNG image"
	formatPDF     = "a PDF document"
	formatHTML    = "an HTML page"
	formatSVG     = "an SVG drawing"
	formatGIF     = "a GIF image"
	formatWebP    = "a WebP image"
	formatZip     = "a ZIP archive or Office document"
	formatUnknown = "not a file type the portal recognises"
)

var signatures = []struct {
	prefix []byte
	format string
}{
	{[]byte{0xFF, 0xD8, 0xFF}, formatJPEG},
	{[]byte("\x89PNG\r\n\x1a\n"), formatPNG},
	{[]byte("%PDF-"), formatPDF},
	{[]byte("GIF8"), formatGIF},
	{[]byte("PK\x03\x04"), formatZip},
}

// sniff names what data is, from its content alone.
func sniff(data []byte) string {
	for _, s := range signatures {
		if bytes.HasPrefix(data, s.prefix) {
			return s.format
		}
	}
	if len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")) {
		return formatWebP
	}
	head := bytes.ToLower(bytes.TrimLeft(data[:min(len(data), 1024)], " \t\r\n\xef\xbb\xbf"))
	switch {
	case bytes.Contains(head, []byte("<svg")):
		return formatSVG
	case bytes.HasPrefix(head, []byte("<")):
		return formatHTML
	}
	return formatUnknown
}

// markupMarkers are signs of markup a browser would run, or a script, hidden inside a file:
// ASCII, matched whatever their case.
var markupMarkers = [][]byte{
	[]byte("<script"), []byte("<html"), []byte("<svg"), []byte("<?php"), []byte("<iframe"), []byte("javascript:"),
}

// hiddenContent reports whether data, of format, carries another format inside: markup or
// a script in any case, a PDF header, or a ZIP archive (a local file header and the end
// record a ZIP reader looks for; either alone turns up by chance in compressed data). The
// file is lowered a window at a time, ASCII letters only: lowering a 5 MB photo whole as
// Unicode text cost a copy of it and 15% of preparing it.
func hiddenContent(data []byte, format string) bool {
	if format != formatPDF && bytes.Contains(data, []byte("%PDF-")) {
		return true
	}
	if bytes.Contains(data, []byte("PK\x03\x04")) &&
		bytes.Contains(data[max(0, len(data)-zipEndSearch):], []byte("PK\x05\x06")) {
		return true
	}
	const window = 64 << 10
	overlap := 0
	for _, m := range markupMarkers {
		overlap = max(overlap, len(m)-1)
	}
	lower := make([]byte, 0, window+overlap)
	for start := 0; start < len(data); start += window {
		lower = asciiLower(lower[:0], data[start:min(len(data), start+window+overlap)])
		for _, m := range markupMarkers {
			if bytes.Contains(lower, m) {
				return true
			}
		}
	}
	return false
}

// zipEndSearch is how far from the end a ZIP reader looks for the end of central directory
// record: the record (22 bytes) and the longest comment it may carry.
const zipEndSearch = 22 + 0xFFFF

// asciiLower appends b to dst with its ASCII capitals in lower case.
func asciiLower(dst, b []byte) []byte {
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// jpegEnd is the offset just past a JPEG's end-of-image marker, walking its segments (so
// that an EXIF thumbnail's own end marker is skipped), or -1.
func jpegEnd(b []byte) int {
	i := 2
	for i+2 <= len(b) {
		if b[i] != 0xFF {
			return -1
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0xD9:
			return i + 2
		case marker >= 0xD0 && marker <= 0xD7 || marker == 0x01:
			i += 2
			continue
		}
		if i+4 > len(b) {
			return -1
		}
		length := int(binary.BigEndian.Uint16(b[i+2:]))
		i += 2 + length
		if marker == 0xDA { // entropy-coded data runs to the next marker that is not a restart
			for i+1 < len(b) && (b[i] != 0xFF || b[i+1] == 0x00 || (b[i+1] >= 0xD0 && b[i+1] <= 0xD7)) {
				i++
			}
		}
	}
	return -1
}

// pngEnd is the offset just past a PNG's IEND chunk, or -1.
func pngEnd(b []byte) int {
	i := 8
	for i+12 <= len(b) {
		length := int(binary.BigEndian.Uint32(b[i:]))
		if length < 0 || length > len(b) {
			return -1
		}
		next := i + 12 + length
		if string(b[i+4:i+8]) == "IEND" {
			return next
		}
		i = next
	}
	return -1
}

// trailing reports whether bytes follow the image's end, other than zero or 0xFF padding.
func trailing(b []byte, end int) bool {
	if end < 0 || end > len(b) {
		return false // a damaged file: the decoder says so
	}
	return len(bytes.Trim(b[end:], "\x00\xff")) > 0
}
