// Package corpus reads the upload corpus (internal/documents/testdata/uploads) for the
// tests of the documents package and of the HTTP handlers: each file, the kind it is sent
// as, and the answer it must get.
package corpus

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
)

// Case is one row of expected.csv with the file's bytes.
type Case struct {
	File, Kind string
	Answer     string // "ok", or the HTTP status of the refusal
	Message    string // a part of the refusal's message
	Data       []byte
}

// The corpus entries made at run time rather than committed.
const (
	Oversize = "11MiB.jpg" // over the upload limit
	LargePDF = "6MiB.pdf"  // under the upload limit, over the CDP's per-document limit
)

// Dir is the folder of the corpus files, found from the module's root above the working
// directory (a test's is its package's folder), so that any test package can read it.
// Not from this source file's path: make test builds with -trimpath, which hides it.
func Dir() string {
	dir, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	for root := dir; ; root = filepath.Dir(root) {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return filepath.Join(root, "internal", "documents", "testdata", "uploads")
		}
		if root == filepath.Dir(root) {
			panic("corpus: no go.mod above " + dir)
		}
	}
}

// File reads one file of the corpus; Oversize is a valid JPEG padded past 11 MiB.
func File(t testing.TB, name string) []byte {
	t.Helper()
	switch name {
	case Oversize:
		return append(File(t, "id-front.jpg"), make([]byte, 11<<20)...)
	case LargePDF:
		return PaddedPDF(File(t, "report.pdf"), 6<<20)
	}
	b, err := os.ReadFile(filepath.Join(Dir(), name)) // #nosec G304 -- a test fixture named by the test
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Load reads every case of the corpus.
func Load(t testing.TB) []Case {
	t.Helper()
	f, err := os.Open(filepath.Join(Dir(), "expected.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []Case
	for _, row := range rows[1:] {
		out = append(out, Case{File: row[0], Kind: row[1], Answer: row[2], Message: row[3], Data: File(t, row[0])})
	}
	return out
}

// PaddedPDF is pdf grown to about size bytes by a comment after its header line: still a
// valid, plain PDF.
func PaddedPDF(pdf []byte, size int) []byte {
	header := bytes.IndexByte(pdf, '\n') + 1
	pad := append([]byte("%"), bytes.Repeat([]byte("x"), max(size-len(pdf)-2, 0))...)
	out := append(append(append([]byte{}, pdf[:header]...), pad...), '\n')
	return append(out, pdf[header:]...)
}
