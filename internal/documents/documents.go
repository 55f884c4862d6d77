// Package documents checks and prepares what agents upload to a draft: ID sides and face
// photos (JPEG or PNG, decoded in full, turned upright, stripped of metadata by
// re-encoding, with a thumbnail and quality hints) and e-KYC reports (PDF, checked for
// structure and active content). Nothing here trusts a file's name or declared type.
package documents

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"kycportal/internal/cdp/contract"
	"kycportal/internal/packs"
)

// Limits of an upload.
const (
	MaxFileSize = 10 << 20   // bytes, per file
	MaxPixels   = 40_000_000 // decoded area of a photo
	MaxUploads  = 30         // files a draft may receive, replaced ones included
)

// Rejection is an upload refused for a reason the agent can act on. What kind of refusal
// it is says how the web answers it (handlers map each Kind to an HTTP status).
type Rejection struct {
	Kind    Refusal
	Message string
}

// Refusal is the kind of a Rejection.
type Refusal int

// The kinds of refusal.
const (
	Unacceptable Refusal = iota // the file: its type, its content, its size in pixels, the scanner's verdict
	TooLarge                    // over MaxFileSize
	LimitReached                // the draft has received MaxUploads files
	CannotCheck                 // the portal cannot check this kind of file at the moment
)

func (r *Rejection) Error() string { return r.Message }

func reject(format string, args ...any) error {
	return &Rejection{Kind: Unacceptable, Message: fmt.Sprintf(format, args...)}
}

// ErrTooLarge is the rejection of a file over MaxFileSize.
var ErrTooLarge = &Rejection{Kind: TooLarge,
	Message: fmt.Sprintf(
		"The file is larger than %d MB. Take the photo at a lower resolution or scan the report again.",
		MaxFileSize>>20,
	)}

// File is an upload as it arrived: its bytes, read where they lie (bytes.Reader, or a
// spooled temporary file).
type File interface {
	io.ReaderAt
	Size() int64
}

// Spooled is an upload written to a temporary file whose name is gone from the folder as
// soon as it is made: while it waits for its turn to be decoded it holds no memory, and
// nothing is left behind if the process dies. Close frees it.
type Spooled struct {
	f    *os.File
	size int64
}

// Spool writes r, up to MaxFileSize, to a temporary file in dir (the system's when empty),
// refusing as soon as more arrives.
func Spool(r io.Reader, dir string) (*Spooled, error) {
	f, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("documents: spool: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("documents: spool: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, MaxFileSize+1))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || n > MaxFileSize:
		err = ErrTooLarge
	case err != nil:
		err = fmt.Errorf("documents: spool: %w", err)
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return &Spooled{f: f, size: n}, nil
}

// ReadAt reads from the spooled file.
func (s *Spooled) ReadAt(p []byte, off int64) (int, error) { return s.f.ReadAt(p, off) }

// Size is the upload's length.
func (s *Spooled) Size() int64 { return s.size }

// Close frees the file.
func (s *Spooled) Close() error { return s.f.Close() }

// readAll reads the whole of f.
func readAll(f File) ([]byte, error) {
	data := make([]byte, f.Size())
	if _, err := f.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("documents: read the upload: %w", err)
	}
	return data, nil
}

// Prepared is an accepted upload, ready to store.
type Prepared struct {
	ContentType   string // image/jpeg (every photo is stored as JPEG) or application/pdf
	Data          []byte
	Thumb         []byte // JPEG; nil for a report
	Width, Height int
	SHA256        []byte // of Data
	Warnings      []string
}

// Prepare checks f as a document of kind and returns what to store.
func Prepare(kind string, f File) (Prepared, error) {
	if f.Size() == 0 {
		return Prepared{}, reject("The file is empty (0 bytes). Choose the file again.")
	}
	var p Prepared
	var err error
	if packs.IsReport(kind) {
		var data []byte
		if data, err = readAll(f); err == nil {
			p, err = preparePDF(data)
		}
	} else {
		p, err = preparePhoto(kind, f)
	}
	if err != nil {
		return Prepared{}, err
	}
	if len(p.Data) > contract.MaxDocument { // photos are re-encoded by now: this bites PDFs
		return Prepared{}, reject(
			"The file is %.1f MB; the CDP accepts at most %d MB per document. Scan the report again at a lower resolution, or "+
				"print it to a smaller PDF.",
			float64(len(p.Data))/(1<<20),
			contract.MaxDocument>>20,
		)
	}
	sum := sha256.Sum256(p.Data)
	p.SHA256 = sum[:]
	return p, nil
}

// Scanner looks for malware in a file before it is stored, reading it as a stream. An
// error refuses the upload: a scanner that cannot answer fails closed.
type Scanner interface {
	Scan(ctx context.Context, file io.Reader) error
}

// NoScanner is the scanner of a deployment without an antivirus engine: it accepts all.
type NoScanner struct{}

// Scan accepts data.
func (NoScanner) Scan(context.Context, io.Reader) error { return nil }
