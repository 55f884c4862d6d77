package documents

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// preparePDF checks a report: a PDF from its first byte to its end marker, read by a real
// parser with no active content found, and nothing of another format inside. It is stored
// as it came.
func preparePDF(data []byte) (Prepared, error) {
	if f := sniff(data); f != formatPDF {
		return Prepared{}, reject(
			"An e-KYC report must be a PDF document; this file is %s. Its name and type are not what counts: its content is.",
			f,
		)
	}
	tail := data[max(0, len(data)-2048):]
	if !bytes.Contains(tail, []byte("%%EOF")) || !bytes.Contains(data, []byte("startxref")) {
		return Prepared{}, errDamagedPDF
	}
	found, err := activeContent(data)
	if err != nil {
		return Prepared{}, err
	}
	if len(found) > 0 {
		return Prepared{}, refusePDF(found...)
	}
	if hiddenContent(data, formatPDF) {
		return Prepared{}, reject(
			"The PDF also holds content of another kind (a web page, script or archive). Print it to a plain PDF " +
				"and upload that.",
		)
	}
	return Prepared{ContentType: "application/pdf", Data: data}, nil
}

var errDamagedPDF = reject("The PDF is damaged or incomplete. Download or scan the report again.")

// errNoPDFChecker answers a report upload on a machine without qpdf: nothing is stored.
var errNoPDFChecker = &Rejection{Kind: CannotCheck,
	Message: "The portal cannot check PDF reports at the moment (its PDF checker, qpdf, is not installed). Tell your " +
		"administrator; photos can still be uploaded."}

// refusePDF names what was found in a report.
func refusePDF(found ...string) error {
	return reject(
		"The PDF contains %s, which the portal does not accept. Print it to a plain PDF (no scripts, attachments, forms or "+
			"links) and upload that.",
		strings.Join(found, ", "),
	)
}

// What a report may not hold, as named to the agent, in the order named.
const (
	foundJavaScript = "JavaScript"
	foundLaunch     = "an action that starts a program (Launch)"
	foundEmbedded   = "an embedded file"
	foundURI        = "an action that opens a web address (URI)"
	foundOpenAction = "an action run when it opens (OpenAction)"
	foundAutomatic  = "actions run on events (AA)"
	foundSubmit     = "a form that sends or loads data"
	foundXFA        = "an XFA form"
	foundRemote     = "a link to another document (GoToR/GoToE)"
	foundMedia      = "multimedia"
	foundEncryption = "encryption"
)

var foundOrder = []string{foundJavaScript, foundLaunch, foundEmbedded, foundURI, foundOpenAction, foundAutomatic,
	foundSubmit, foundXFA, foundRemote, foundMedia, foundEncryption}

// actionTypes are the action types (/S of an action dictionary) a report may not hold.
var actionTypes = map[string]string{
	"/JavaScript": foundJavaScript, "/Launch": foundLaunch, "/URI": foundURI,
	"/SubmitForm": foundSubmit, "/ImportData": foundSubmit, "/GoToR": foundRemote, "/GoToE": foundRemote,
	"/Rendition": foundMedia, "/Sound": foundMedia, "/Movie": foundMedia, "/RichMediaExecute": foundMedia,
}

// keys are the dictionary keys whose mere presence is refused.
var keys = map[string]string{
	"/JS": foundJavaScript, "/JavaScript": foundJavaScript, "/EmbeddedFiles": foundEmbedded, "/EF": foundEmbedded,
	"/AA": foundAutomatic, "/XFA": foundXFA, "/RichMediaContent": foundMedia,
}

// subtypes are the /Type and /Subtype values refused.
var subtypes = map[string]string{
	"/EmbeddedFile": foundEmbedded, "/FileAttachment": foundEmbedded,
	"/RichMedia": foundMedia, "/Screen": foundMedia, "/Movie": foundMedia, "/Sound": foundMedia,
}

// qpdfTimeout bounds one parse; a 10 MiB report takes well under a second.
const qpdfTimeout = 30 * time.Second

// qpdfView is the part of qpdf's JSON (version 2) the check reads: every object of the file,
// object streams expanded and names decoded (/J#61vaScript is /JavaScript), and whether the
// file is encrypted.
type qpdfView struct {
	Encrypt struct {
		Encrypted bool `json:"encrypted"`
	} `json:"encrypt"`
	QPDF []json.RawMessage `json:"qpdf"` // a header, then the objects
}

// pdfObjects are a file's objects by qpdf's name for them ("obj:5 0 R", "trailer").
type pdfObjects map[string]struct {
	Value  any `json:"value"`
	Stream struct {
		Dict any `json:"dict"`
	} `json:"stream"`
}

// activeContent parses data with Debian's qpdf and names what it holds that a report may not.
// A raw search of the bytes is no check at all: compressed object streams and escaped names
// hide everything from it.
func activeContent(data []byte) ([]string, error) {
	out, err := runQPDF(data)
	if err != nil {
		return nil, err
	}
	var v qpdfView
	var objects pdfObjects
	if err := json.Unmarshal(out, &v); err != nil || len(v.QPDF) < 2 || json.Unmarshal(v.QPDF[1], &objects) != nil {
		return nil, errDamagedPDF
	}
	seen := map[string]bool{}
	if v.Encrypt.Encrypted {
		seen[foundEncryption] = true
	}
	for _, o := range objects {
		walkPDF(o.Value, objects, seen)
		walkPDF(o.Stream.Dict, objects, seen)
	}
	var found []string
	for _, f := range foundOrder {
		if seen[f] {
			found = append(found, f)
		}
	}
	return found, nil
}

// walkPDF marks in seen what the PDF value v holds.
func walkPDF(v any, objects pdfObjects, seen map[string]bool) {
	switch t := v.(type) {
	case []any:
		for _, inner := range t {
			walkPDF(inner, objects, seen)
		}
	case map[string]any:
		for k, inner := range t {
			if f, ok := keys[k]; ok {
				seen[f] = true
			}
			name, _ := inner.(string)
			switch k {
			case "/S":
				if f, ok := actionTypes[name]; ok {
					seen[f] = true
				}
			case "/Type", "/Subtype":
				if f, ok := subtypes[name]; ok {
					seen[f] = true
				}
			case "/OpenAction":
				// Opening at a page (a destination array) is harmless; an action is not.
				if _, isArray := inner.([]any); !isArray && !isArrayRef(name, objects) {
					seen[foundOpenAction] = true
				}
			}
			walkPDF(inner, objects, seen)
		}
	}
}

// isArrayRef reports whether ref ("5 0 R") names an array object.
func isArrayRef(ref string, objects pdfObjects) bool {
	_, ok := objects["obj:"+ref].Value.([]any)
	return ok
}

// runQPDF writes data to a private temporary file (qpdf must seek) and returns qpdf's JSON
// of it. A file qpdf cannot open is damaged, or encrypted with a password.
func runQPDF(data []byte) ([]byte, error) {
	f, err := os.CreateTemp("", "report-*.pdf")
	if err != nil {
		return nil, fmt.Errorf("documents: a temporary file for qpdf: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("documents: a temporary file for qpdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), qpdfTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	// #nosec G204 -- fixed arguments; the only variable is the name of our own temporary file
	cmd := exec.CommandContext(ctx, "qpdf", "--json=2", "--json-key=qpdf", "--json-key=encrypt", "--password=", f.Name())
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.Is(err, exec.ErrNotFound):
		return nil, errNoPDFChecker
	case errors.As(err, &exit) && exit.ExitCode() == 3: // warnings: qpdf repaired what it read
	case errors.As(err, &exit) && exit.ExitCode() == 2 && strings.Contains(stderr.String(), "invalid password"):
		return nil, refusePDF(foundEncryption)
	case errors.As(err, &exit) && exit.ExitCode() == 2 && ctx.Err() == nil:
		return nil, errDamagedPDF
	default:
		return nil, fmt.Errorf("documents: qpdf: %w: %s", err, firstLine(stderr.String()))
	}
	return stdout.Bytes(), nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
