package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/cdp/sandbox"
	"kycportal/internal/documents/corpus"
	"kycportal/internal/session"
)

// What the process-level fault tests share: a CDP sandbox in the test process, which
// outlives the portals it serves and counts what it was sent, and the forms an agent and a
// supervisor post to take a customer from a new draft to the CDP queue.

// cdpStub is the sandbox over loopback, counting onboards by ID number.
type cdpStub struct {
	srv *httptest.Server

	mu       sync.Mutex
	onboards map[string]int // onboard requests received
	created  map[string]int // onboards that created a customer
}

func startCDP(t *testing.T, latency time.Duration) *cdpStub {
	t.Helper()
	cfg := sandbox.DefaultConfig()
	cfg.Seed, cfg.Latency = 1, latency
	return startCDPWith(t, cfg, func() bool { return false })
}

// startCDPWith is startCDP with the sandbox's knobs as cfg says; an onboard for which lose
// answers true is carried out and counted, and its answer never sent (the connection closes).
func startCDPWith(t *testing.T, cfg sandbox.Config, lose func() bool) *cdpStub {
	t.Helper()
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &cdpStub{onboards: map[string]int{}, created: map[string]int{}}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != cdp.OnboardPath {
			sb.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, r)
		c.count(body, rec.Code, rec.Body.Bytes())
		if lose() {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// count records an onboard; it created a customer when the answer was a 200 with its ECRN.
// A request whose client went away meanwhile is answered nothing, and created nothing.
func (c *cdpStub) count(body []byte, status int, answer []byte) {
	var p struct {
		IDs []struct {
			Number string `json:"id_number"`
		} `json:"id_details"`
	}
	_ = json.Unmarshal(body, &p)
	if len(p.IDs) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onboards[p.IDs[0].Number]++
	if status == http.StatusOK && bytes.Contains(answer, []byte(`"ecrn"`)) {
		c.created[p.IDs[0].Number]++
	}
}

// counts are the onboards and creations so far for numbers: their sums, and how many
// numbers were created other than exactly once.
func (c *cdpStub) counts(numbers []string) (onboards, created, notOnce int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range numbers {
		onboards += c.onboards[n]
		created += c.created[n]
		if c.created[n] != 1 {
			notOnce++
		}
	}
	return onboards, created, notOnce
}

// portalEnv runs a portal on dsn against the stub, with the sandbox's published credentials.
func (c *cdpStub) portalEnv(dsn string) []string {
	return []string{"DATABASE_URL=" + dsn, "CDP_BASE_URL=" + c.srv.URL, "CDP_TIMEOUT=2s",
		"CDP_CLIENT_ID=" + cdp.SandboxClientID, "CDP_CLIENT_SECRET=" + cdp.SandboxClientSecret,
		"CDP_USERNAME=" + cdp.SandboxUsername, "CDP_PASSWORD=" + cdp.SandboxPassword,
		"PORTAL_AUDIT_HMAC_KEY=" + strings.Repeat("k", 32), signingKeyEnv, documentsKeyEnv}
}

// staff adds an agent and a supervisor of branch DXB-01 with password and signs both in
// on base.
func staff(t *testing.T, env []string, base, password string) (agent, supervisor *browser) {
	t.Helper()
	addBranch(t, env, "DXB-01")
	for _, role := range []string{"agent", "supervisor"} {
		if out, code := portal(t, env, password+"\n", "user", "add", "--username", role+"-1", "--role", role,
			"--branch", "DXB-01", "--countries", "AE"); code != 0 {
			t.Fatal(out)
		}
	}
	agent, supervisor = &browser{t: t}, &browser{t: t}
	agent.login(base, "agent-1", password)
	supervisor.login(base, "supervisor-1", password)
	return agent, supervisor
}

func (b *browser) login(base, username, password string) {
	b.t.Helper()
	_, page := b.do(http.MethodGet, base+"/login", nil)
	if resp, _ := b.do(http.MethodPost, base+"/login", url.Values{"_csrf": {b.token(page)}, "username": {username},
		"password": {password}}); resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login as %s: %d", username, resp.StatusCode)
	}
	_, page = b.do(http.MethodGet, base+"/", nil)
	b.csrf = b.token(page)
}

// post sends a form with the session's token and returns the status and where it leads;
// status 0 when the portal gave no answer.
func (b *browser) post(target string, form url.Values) (int, string) {
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", b.csrf)
	resp, _, err := b.send(http.MethodPost, target, form)
	if err != nil {
		return 0, ""
	}
	return resp.StatusCode, resp.Header.Get("Location")
}

var draftLocation = regexp.MustCompile(`^/drafts/(\d+)$`)

// newDraft starts an AE draft of number and fills every field the pack requires.
func (b *browser) newDraft(base, number string) int64 {
	b.t.Helper()
	status, loc := b.post(base+"/drafts", url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {number}})
	m := draftLocation.FindStringSubmatch(loc)
	if status != http.StatusSeeOther || m == nil {
		b.t.Fatalf("new draft %s: %d %q", number, status, loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	form := url.Values{"version": {"1"}}
	for k, v := range cdptest.AEDraftValues() {
		form.Set(k, v)
	}
	if status, _ := b.post(fmt.Sprintf("%s/drafts/%d", base, id), form); status != http.StatusSeeOther &&
		status != http.StatusOK {
		b.t.Fatalf("fill draft %d: %d", id, status)
	}
	return id
}

// fleetDocuments are the uploads a complete AE draft needs, from the upload corpus.
var fleetDocuments = map[string]string{"id_front": "id-front.jpg", "id_back": "id-back.jpg", "face": "face.jpg"}

// upload posts one document as the browser does and returns the status, or 0 when the
// portal gave no answer.
func (b *browser) upload(base string, id int64, kind string, data []byte) int {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", b.csrf)
	part, _ := w.CreateFormFile("file", fleetDocuments[kind])
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/drafts/%d/documents/%s", base, id, kind), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: session.CookieName, Value: b.cookie})
	resp, err := client.Transport.RoundTrip(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// completeDraft is newDraft with its documents, submitted to the branch's approval queue.
func (b *browser) completeDraft(base, number string) int64 {
	b.t.Helper()
	id := b.newDraft(base, number)
	for kind, file := range fleetDocuments {
		if status := b.upload(base, id, kind, corpus.File(b.t, file)); status != http.StatusSeeOther {
			b.t.Fatalf("upload %s of draft %d: %d", kind, id, status)
		}
	}
	if status, _ := b.post(fmt.Sprintf("%s/drafts/%d/submit", base, id), nil); status != http.StatusSeeOther {
		b.t.Fatalf("submit draft %d: %d", id, status)
	}
	return id
}

// approve claims and approves a case, giving the supervisor's password again.
func (b *browser) approve(base string, id int64, password string) {
	b.t.Helper()
	if status, _ := b.post(fmt.Sprintf("%s/approvals/%d/claim", base, id), nil); status != http.StatusSeeOther {
		b.t.Fatalf("claim case %d: %d", id, status)
	}
	if status, _ := b.post(fmt.Sprintf("%s/approvals/%d/approve", base, id), url.Values{"password": {password}}); status != http.StatusSeeOther {
		b.t.Fatalf("approve case %d: %d", id, status)
	}
}

// onboarded counts the submissions of ids that the CDP onboarded, with their ECRN.
func onboarded(t *testing.T, conn *pgx.Conn, ids []int64) int {
	t.Helper()
	return count(t, conn, `SELECT count(*) FROM submissions
		WHERE state = 'onboarded' AND coalesce(ecrn, '') <> '' AND draft_id = ANY($1)`, ids)
}

// count is the number a query of one int answers.
func count(t *testing.T, conn *pgx.Conn, query string, args ...any) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
