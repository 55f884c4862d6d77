// Package documents checks and prepares what agents upload to a draft: ID sides and face
// photos (JPEG or PNG, decoded in full, turned upright, stripped of metadata by
// re-encoding, with a thumbnail and quality hints) and e-KYC reports (PDF, checked for
// structure and active content). Nothing here trusts a file's name or declared type.
package documents

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"

	"kycportal/internal/cdp/contract"
	"kycportal/internal/packs"
)

// Limits of an upload.
const (
	MaxFileSize = 10 << 20   // bytes, per file
	MaxPixels   = 40_000_000 // decoded area of a photo
	MaxUploads  = 30         // files a draft may receive, replaced ones included
)

// Rejection is an upload refused for a reason the agent can act on.
type Rejection struct {
	Status  int
	Message string
}

func (r *Rejection) Error() string { return r.Message }

func reject(format string, args ...any) error {
	return &Rejection{Status: http.StatusUnprocessableEntity, Message: fmt.Sprintf(format, args...)}
}

// ErrTooLarge is the rejection of a file over MaxFileSize.
var ErrTooLarge = &Rejection{Status: http.StatusRequestEntityTooLarge,
	Message: fmt.Sprintf("The file is larger than %d MB. Take the photo at a lower resolution or scan the report again.", MaxFileSize>>20)}

// ReadFile reads r up to MaxFileSize, refusing as soon as more arrives: nothing larger
// is ever held in memory. sizeHint (the request's length; 0 or less when unknown) sizes
// the buffer once, so that a 5 MB photo holds 5 MB, not the doublings of a growing buffer.
func ReadFile(r io.Reader, sizeHint int64) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, min(max(sizeHint, 0), MaxFileSize+1)+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(r, MaxFileSize+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || buf.Len() > MaxFileSize {
		return nil, ErrTooLarge
	}
	return buf.Bytes(), err
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

// Prepare checks data as a document of kind and returns what to store.
func Prepare(kind string, data []byte) (Prepared, error) {
	if len(data) == 0 {
		return Prepared{}, reject("The file is empty (0 bytes). Choose the file again.")
	}
	var p Prepared
	var err error
	if packs.IsReport(kind) {
		p, err = preparePDF(data)
	} else {
		p, err = preparePhoto(kind, data)
	}
	if err != nil {
		return Prepared{}, err
	}
	if len(p.Data) > contract.MaxDocument { // photos are re-encoded by now: this bites PDFs
		return Prepared{}, reject("The file is %.1f MB; the CDP accepts at most %d MB per document. Scan the report again at a lower resolution, or print it to a smaller PDF.",
			float64(len(p.Data))/(1<<20), contract.MaxDocument>>20)
	}
	sum := sha256.Sum256(p.Data)
	p.SHA256 = sum[:]
	return p, nil
}

// Scanner looks for malware in a file before it is stored. An error refuses the upload:
// a scanner that cannot answer fails closed.
type Scanner interface {
	Scan(ctx context.Context, data []byte) error
}

// NoScanner is the scanner of a deployment without an antivirus engine: it accepts all.
type NoScanner struct{}

// Scan accepts data.
func (NoScanner) Scan(context.Context, []byte) error { return nil }
