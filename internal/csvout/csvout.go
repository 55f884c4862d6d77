// Package csvout writes CSV meant to be opened in a spreadsheet: every cell quoted, and any
// text a spreadsheet could run as a formula defused, after OWASP's CSV injection guidance.
package csvout

import (
	"bufio"
	"io"
	"strings"
)

// Writer writes rows of quoted cells, lines ending in CRLF (RFC 4180).
type Writer struct {
	w *bufio.Writer
}

// NewWriter writes to w through a buffer; call Flush to send what is held.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriterSize(w, 64<<10)} }

// Write writes one row, each cell defused and quoted.
func (w *Writer) Write(row []string) error {
	for i, cell := range row {
		if i > 0 {
			if err := w.w.WriteByte(','); err != nil {
				return err
			}
		}
		if err := w.quoted(Defuse(cell)); err != nil {
			return err
		}
	}
	_, err := w.w.WriteString("\r\n")
	return err
}

func (w *Writer) quoted(cell string) error {
	if err := w.w.WriteByte('"'); err != nil {
		return err
	}
	if _, err := w.w.WriteString(strings.ReplaceAll(cell, `"`, `""`)); err != nil {
		return err
	}
	return w.w.WriteByte('"')
}

// Flush sends what the buffer holds.
func (w *Writer) Flush() error { return w.w.Flush() }

// Defuse puts a ' before every part of cell that a spreadsheet could read as a formula: the
// text's start, and each start after a character a spreadsheet may split a cell on (; , tab
// and line breaks), spaces skipped, that begins with = + - @ or a control character. A
// quoted cell is still split when a user imports it with another separator, so the first
// character alone is not enough.
func Defuse(cell string) string {
	if !strings.ContainsAny(cell, "=+-@") && !hasControl(cell) {
		return cell // nothing to defuse: most cells, at no cost
	}
	var b strings.Builder
	partStart := true
	for _, r := range cell {
		switch {
		case partStart && r == ' ':
		case partStart && (strings.ContainsRune("=+-@", r) || isControl(r) && !isSeparator(r)):
			b.WriteByte('\'')
			partStart = false
		default:
			partStart = false
		}
		if isSeparator(r) {
			partStart = true
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isSeparator(r rune) bool { return r == ';' || r == ',' || r == '\t' || r == '\n' || r == '\r' }

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func hasControl(s string) bool { return strings.IndexFunc(s, isControl) >= 0 }
