package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"kycportal/internal/app"
	"kycportal/internal/documents"
	"kycportal/internal/documents/corpus"
)

func readUpload(t *testing.T, name string) []byte { return corpus.File(t, name) }

// TestUploadCorpus sends every file of the corpus through the real stack, as a browser
// form does, and expects the answer written next to it.
func TestUploadCorpus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	t.Run("each file", func(t *testing.T) { // returns when every case has run, before the audit check
		for _, cs := range corpus.Load(t) {
			id := c.createDraft("AE", "4", emiratesID) // here: it reads a page into c, the uploads only send
			t.Run(cs.File+" as "+cs.Kind, func(t *testing.T) {
				t.Parallel()
				resp := c.upload(id, cs.Kind, cs.File, cs.Data, false)
				body := readBody(t, resp)
				if cs.Answer == "ok" {
					if resp.StatusCode != http.StatusSeeOther {
						t.Fatalf("status %d, want 303; %s", resp.StatusCode, errorText(body))
					}
					return
				}
				if fmt.Sprint(resp.StatusCode) != cs.Answer || !strings.Contains(body, cs.Message) {
					t.Errorf("status %d (%s), want %s with %q", resp.StatusCode, errorText(body), cs.Answer, cs.Message)
				}
			})
		}
	})
	if got := e.auditActions(); !slices.Contains(got, "document.rejected") || !slices.Contains(got, "document.uploaded") {
		t.Errorf("audit = %v, want uploads and rejections", got)
	}
}

func errorText(body string) string {
	if i := strings.Index(body, `data-testid="upload-error-`); i >= 0 {
		return body[i:min(len(body), i+300)]
	}
	return body[:min(len(body), 300)]
}

// TestOversizeUploadWithoutLength: a chunked upload announces no length, so the limit
// must stop it while it streams.
func TestOversizeUploadWithoutLength(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	var body bytes.Buffer
	boundary := "corpusboundary"
	fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n", boundary, c.csrf)
	fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\n\r\n", boundary)
	body.Write(readUpload(t, "face.jpg"))
	body.Write(make([]byte, 11<<20))
	fmt.Fprintf(&body, "\r\n--%s--\r\n", boundary)
	req, _ := http.NewRequest(
		http.MethodPost,
		fmt.Sprintf("%s/drafts/%d/documents/face", e.srv.URL, id),
		io.MultiReader(&body),
	)
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.ContentLength = -1 // sent chunked
	resp := c.send(req)
	text := readBody(t, resp)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(text, "larger than 10 MB") {
		t.Errorf("status %d, want 413 with the limit", resp.StatusCode)
	}
}

func TestUploadNeedsItsToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	good := c.csrf
	c.csrf = "forged"
	if resp := c.upload(id, "face", "face.jpg", readUpload(t, "face.jpg"), false); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged form token: %d, want 403", resp.StatusCode)
	}
	c.csrf = good
	if resp := c.upload(id, "face", "face.jpg", readUpload(t, "face.jpg"), true); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("token in the header, as htmx sends it: %d, want 303", resp.StatusCode)
	}
}

// TestDocumentServing: stored copies are re-encoded (no EXIF, no GPS), served only with
// the protective headers, and every view, replacement and removal is audited.
func TestDocumentServing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	gps := readUpload(t, "gps-rotated.jpg")
	if !bytes.Contains(gps, []byte("Exif")) {
		t.Fatal("the corpus GPS file has no EXIF")
	}
	c.upload(id, "id_front", "gps.jpg", gps, false).Body.Close()
	resp := c.do(http.MethodGet, fmt.Sprintf("/drafts/%d/documents/id_front", id), nil)
	stored := []byte(readBody(t, resp))
	if resp.StatusCode != http.StatusOK || bytes.Contains(stored, []byte("Exif")) || bytes.Equal(stored, gps) {
		t.Errorf("served %d, %d bytes: want 200 and a re-encoded copy without EXIF", resp.StatusCode, len(stored))
	}
	h := resp.Header
	for header, want := range map[string]string{
		"Content-Type": "image/jpeg", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
		"Content-Disposition": fmt.Sprintf(`inline; filename="draft-%d-id_front.jpg"`, id),
	} {
		if h.Get(header) != want {
			t.Errorf("%s = %q, want %q", header, h.Get(header), want)
		}
	}
	if !strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("CSP = %q, want sandbox", h.Get("Content-Security-Policy"))
	}
	thumb := c.do(http.MethodGet, fmt.Sprintf("/drafts/%d/documents/id_front?size=thumb", id), nil)
	if b := readBody(t, thumb); len(b) >= len(stored) || thumb.StatusCode != http.StatusOK {
		t.Errorf("thumbnail: %d, %d bytes (full %d)", thumb.StatusCode, len(b), len(stored))
	}
	_, viewer := c.page(fmt.Sprintf("/drafts/%d/documents/id_front/view", id))
	if viewer.Find(`[data-testid="viewer-image"]`).Length() != 1 || viewer.Find(`#rot-90`).Length() != 1 ||
		viewer.Find(`a[download]`).Length() != 0 {
		t.Error("the viewer lacks the image or the rotate control, or offers a download")
	}
	c.page(fmt.Sprintf("/drafts/%d?step=documents", id))
	c.upload(id, "id_front", "front.jpg", readUpload(t, "id-front.jpg"), false).Body.Close()
	c.post(fmt.Sprintf("/drafts/%d/documents/id_front/remove", id), nil).Body.Close()
	if resp := c.do(http.MethodGet, fmt.Sprintf("/drafts/%d/documents/id_front", id), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a removed document is still served: %d", resp.StatusCode)
	}
	got := e.auditActions()
	for _, want := range []string{"document.uploaded", "document.viewed", "document.replaced", "document.removed"} {
		if !slices.Contains(got, want) {
			t.Errorf("audit = %v, want %s", got, want)
		}
	}
}

func TestQualityWarningNeedsAReason(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	c.upload(id, "id_front", "flat.jpg", readUpload(t, "blurred.jpg"), false).Body.Close()
	_, doc := c.page(fmt.Sprintf("/drafts/%d?step=review", id))
	if !strings.Contains(doc.Find(`[data-testid="review-issues"]`).Text(), "quality warnings") {
		t.Error("the review does not list the unexplained quality warning")
	}
	c.post(
		fmt.Sprintf("/drafts/%d/documents/id_front/accept", id),
		map[string][]string{"reason": {"card is worn; best possible"}},
	).Body.Close()
	_, doc = c.page(fmt.Sprintf("/drafts/%d?step=documents", id))
	if got := doc.Find(`[data-testid="warning-reason-id_front"]`).Text(); !strings.Contains(got, "card is worn") {
		t.Errorf("accepted reason shown as %q", got)
	}
	var reason string
	_ = e.db.Pool.QueryRow(context.Background(), `SELECT reason FROM audit_events WHERE action = 'document.warnings_accepted'`).
		Scan(&reason)
	if reason != "card is worn; best possible" {
		t.Errorf("audited reason = %q", reason)
	}
}

type refusingScanner struct{}

func (refusingScanner) Scan(context.Context, io.Reader) error {
	return errors.New("EICAR test signature")
}

func TestScannerFailsClosed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *app.Options, _ *Deps) { o.Scanner = refusingScanner{} })
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	resp := c.upload(id, "face", "face.jpg", readUpload(t, "face.jpg"), false)
	if body := readBody(t, resp); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "virus scanner") {
		t.Errorf("status %d, want 422 naming the scanner", resp.StatusCode)
	}
	var n int
	_ = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM draft_documents`).Scan(&n)
	if n != 0 || !slices.Contains(e.auditActions(), "document.rejected") {
		t.Errorf("%d documents stored; audit %v", n, e.auditActions())
	}
}

// TestUploadCountIsBounded: a draft takes MaxUploads files in all, replacements included.
func TestUploadCountIsBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	_, err := e.db.Pool.Exec(context.Background(), `INSERT INTO draft_documents (draft_id, kind, content_type,
		blob_key, size_bytes, sha256, uploaded_by, uploaded_at, removed_at)
		SELECT $1, 'face', 'image/jpeg', 'old-' || n, 1, '\x00', created_by, now(), now()
		FROM drafts, generate_series(1, $2) n WHERE drafts.id = $1`, id, documents.MaxUploads)
	if err != nil {
		t.Fatal(err)
	}
	resp := c.upload(id, "face", "face.jpg", readUpload(t, "face.jpg"), false)
	if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "most uploads allowed") {
		t.Errorf("upload number %d: %d, want 400", documents.MaxUploads+1, resp.StatusCode)
	}
}
