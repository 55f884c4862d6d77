package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kycportal/internal/app"
	"kycportal/internal/auth"
	"kycportal/internal/branches/branchtest"
	"kycportal/internal/search"
	"kycportal/internal/session"
	"kycportal/internal/store"
)

const emiratesID = "784-1990-1234567-6"

// agent signs in a new agent of branch, onboarding for countries.
func (e *env) agent(name, branch string, countries ...string) *client {
	e.t.Helper()
	password := "correct horse agent staple"
	branchtest.Ensure(e.t, e.db.Pool, branch)
	_, err := e.app.Accounts.CreateUser(context.Background(),
		auth.NewUser{Username: name, Role: store.RoleAgent, Branch: branch, Countries: countries}, password, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.client()
	c.signIn(name)
	return c
}

// createDraft starts a draft through the new-draft form and returns its id.
func (c *client) createDraft(country, idType, number string) int64 {
	c.e.t.Helper()
	c.page("/drafts/new")
	resp := c.post("/drafts", url.Values{"country": {country}, "id_type": {idType}, "id_number": {number}})
	body := readBody(c.e.t, resp)
	// No CDP in most test environments: the draft starts with the lookup to repeat.
	m := regexp.MustCompile(`^/drafts/(\d+)(?:\?lookup=unavailable)?$`).FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		c.e.t.Fatalf("create draft: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// autosave posts one field as htmx does, with the version the page was loaded at.
func (c *client) autosave(id int64, version int, field, value string) (int, string) {
	c.e.t.Helper()
	resp := c.post(fmt.Sprintf("/drafts/%d", id), url.Values{field: {value}, "version": {strconv.Itoa(version)}},
		"HX-Request", "true", "X-CSRF-Token", c.csrf)
	return resp.StatusCode, readBody(c.e.t, resp)
}

var versionInput = regexp.MustCompile(`id="draft-version" value="(\d+)"`)

func versionIn(t *testing.T, html string) int {
	t.Helper()
	m := versionInput.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no draft-version input in:\n%s", html)
	}
	v, _ := strconv.Atoi(m[1])
	return v
}

func TestCreateDraftNormalisesAndPins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", " 784 1990 1234567 6 ")
	d, err := store.DraftByID(context.Background(), e.db.Pool, id, false)
	if err != nil {
		t.Fatal(err)
	}
	if d.IDNumber != "784199012345676" || d.IssuedCountry != "AE" || d.PackVersion != 1 || d.Branch != "DXB-01" {
		t.Errorf("draft = %+v", d)
	}
	if got := e.auditActions(); !slices.Contains(got, "draft.created") {
		t.Errorf("audit = %v, want draft.created", got)
	}
	if strings.Contains(e.logs.String(), "784199012345676") || strings.Contains(e.logs.String(), "1234567") {
		t.Error("the ID number reached the logs")
	}
}

func TestCreateDraftRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	tests := []struct{ country, idType, number, field, message string }{
		{"AE", "4", "784-1990-1234567-7", "id_number", "check digit"},
		{"MY", "28", "900101-14-5678", "country", "country you onboard for"},
		{"AE", "28", "900101-14-5678", "id_type", "ID type of United Arab Emirates"},
		{"AE", "1", "K1234567", "issued_country", "country that issued the Passport"},
	}
	for _, tt := range tests {
		c.page("/drafts/new")
		resp := c.post("/drafts", url.Values{"country": {tt.country}, "id_type": {tt.idType}, "id_number": {tt.number}})
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-`+tt.field+`"`) ||
			!strings.Contains(body, tt.message) {
			t.Errorf(
				"%s %s %s: status %d, want 422 with %q next to %s",
				tt.country,
				tt.idType,
				tt.number,
				resp.StatusCode,
				tt.message,
				tt.field,
			)
		}
	}
}

// TestIDReuseWarning: a colleague of the same branch sees who holds a used number, with the
// draft, branch and status; an agent of another branch learns only that it is in use there.
func TestIDReuseWarning(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := e.agent("amal", "DXB-01", "AE")
	first.createDraft("AE", "4", emiratesID)
	colleague := e.agent("carim", "DXB-01", "AE")
	colleague.page("/drafts/new")
	resp := colleague.post(
		"/drafts/id-check",
		url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {"7841990-1234567-6"}},
		"HX-Request",
		"true",
	)
	body := readBody(t, resp)
	if !strings.Contains(body, `data-testid="id-valid"`) || !strings.Contains(body, `data-testid="id-reuse"`) ||
		!strings.Contains(body, "amal") || !strings.Contains(body, "DXB-01") || !strings.Contains(body, "open") {
		t.Errorf("id check for a number used in the branch did not warn with who, branch and status:\n%s", body)
	}
	other := e.agent("badr", "AUH-02", "AE")
	other.page("/drafts/new")
	resp = other.post(
		"/drafts/id-check",
		url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {"7841990-1234567-6"}},
		"HX-Request",
		"true",
	)
	body = readBody(t, resp)
	if !strings.Contains(body, `data-testid="reuse-elsewhere"`) || !strings.Contains(body, "In use at another branch") ||
		strings.Contains(body, "amal") || strings.Contains(body, "DXB-01") || strings.Contains(body, "Draft #") {
		t.Errorf("id check for another branch's number named more than \"in use at another branch\":\n%s", body)
	}
	resp = other.post(
		"/drafts/id-check",
		url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {"784-1995-5458609-1"}},
		"HX-Request",
		"true",
	)
	if body := readBody(t, resp); strings.Contains(body, "id-reuse") || !strings.Contains(body, "id-valid") {
		t.Errorf("a fresh number was reported as reused:\n%s", body)
	}
}

// TestIDCheckIsLimitedAndAudited: the check of a valid number counts against the user's CDP
// lookup limit and is audited as draft.id_checked with the number as a keyed reference only;
// past the limit, a 429 and customer.lookup_limited.
func TestIDCheckIsLimitedAndAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *app.Options, _ *Deps) { o.LookupLimit = search.Limit{Lookups: 3, Window: time.Minute} })
	c := e.agent("badr", "AUH-02", "AE")
	c.page("/drafts/new")
	for i := 1; i <= 4; i++ {
		resp := c.post(
			"/drafts/id-check",
			url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {emiratesID}},
			"HX-Request",
			"true",
		)
		resp.Body.Close()
		want := http.StatusOK
		if i == 4 {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Errorf("check %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
	actions := e.auditActions()
	checked := 0
	for _, a := range actions {
		if a == "draft.id_checked" {
			checked++
		}
	}
	if checked != 3 || !slices.Contains(actions, "customer.lookup_limited") {
		t.Errorf("%d draft.id_checked (want 3) and customer.lookup_limited in %v", checked, actions)
	}
	if _, _, after := e.lastEvent("draft.id_checked"); strings.Contains(after, "1234567") ||
		!strings.Contains(after, `"id_last4"`) {
		t.Errorf("draft.id_checked holds %s", after)
	}
}

func TestAutosaveRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	_, doc := c.page(fmt.Sprintf("/drafts/%d", id))
	if doc.Find(`#f-first_name[hx-post]`).Length() != 1 {
		t.Fatal("the first-name input does not autosave")
	}
	status, body := c.autosave(id, 1, "first_name", "  Zoë  ")
	if status != http.StatusOK || versionIn(t, body) != 2 || !strings.Contains(body, "Saved 13:00:00 +04") {
		t.Fatalf("autosave: %d\n%s", status, body)
	}
	status, body = c.autosave(id, 2, "date_of_birth", "2030-01-01")
	if status != http.StatusOK || !strings.Contains(body, "cannot be in the future") {
		t.Errorf("an invalid date was not explained next to the field: %d\n%s", status, body)
	}
	_, doc = c.page(fmt.Sprintf("/drafts/%d", id)) // as after closing the tab
	if v, _ := doc.Find("#f-first_name").Attr("value"); v != "Zoë" {
		t.Errorf("first name after reload = %q, want Zoë (trimmed)", v)
	}
	if got := doc.Find(`[data-testid="error-date_of_birth"]`).Text(); !strings.Contains(got, "future") {
		t.Errorf("the invalid date's message is not shown after reload: %q", got)
	}
	var before, after string
	err := e.db.Pool.QueryRow(context.Background(), `SELECT before::text, after::text FROM audit_events
		WHERE action = 'draft.updated' ORDER BY id LIMIT 1`).Scan(&before, &after)
	if err != nil || before != `{"first_name": ""}` || after != `{"first_name": "Zoë"}` {
		t.Errorf("field-level audit = %s → %s (%v)", before, after, err)
	}
}

func TestAutosaveRefusesTooLong(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	status, body := c.autosave(id, 1, "first_name", strings.Repeat("a", 101))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "at most 100 characters") ||
		versionIn(t, body) != 1 {
		t.Errorf("status %d, want 422 with the limit and no new version:\n%s", status, body)
	}
}

// twoOnOneDraft starts a draft by one agent (a) and opens it as a colleague of the same
// branch (b), at the same version.
func (e *env) twoOnOneDraft() (a, b *client, id int64) {
	e.t.Helper()
	a = e.agent("amal", "DXB-01", "AE")
	id = a.createDraft("AE", "4", emiratesID)
	b = e.agent("badr", "DXB-01", "AE")
	b.page(fmt.Sprintf("/drafts/%d", id))
	return a, b, id
}

func TestTwoTabsNeverOverwriteSilently(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b, id := e.twoOnOneDraft()

	if status, _ := a.autosave(id, 1, "first_name", "Alice"); status != http.StatusOK {
		t.Fatalf("first save: %d", status)
	}
	status, body := b.autosave(id, 1, "first_name", "Bob")
	if status != http.StatusConflict || !strings.Contains(body, "Alice") || !strings.Contains(body, "Bob") ||
		!strings.Contains(body, `data-testid="conflict-first_name"`) {
		t.Fatalf("stale save of the same field: %d, want 409 with both values\n%s", status, body)
	}
	// Another field from the stale page saves, and the page learns the colleague's value.
	status, body = b.autosave(id, 1, "last_name", "Baker")
	if status != http.StatusOK || !strings.Contains(body, `id="field-first_name"`) ||
		!strings.Contains(body, `value="Alice"`) {
		t.Fatalf("stale save of another field: %d, want 200 refreshing first_name\n%s", status, body)
	}
	d, _ := store.DraftByID(context.Background(), e.db.Pool, id, false)
	if d.Values["first_name"] != "Alice" || d.Values["last_name"] != "Baker" {
		t.Errorf("values = %v", d.Values)
	}
	// Having seen Alice (version 3), B may now deliberately replace it.
	if status, _ := b.autosave(id, versionIn(t, body), "first_name", "Bob"); status != http.StatusOK {
		t.Errorf("a save after seeing the other value: %d, want 200", status)
	}
}

// TestConflictWithoutJavaScript: a whole step posted from a stale page shows the saved
// value in the field, so that saving again cannot bring the stale copy back.
func TestConflictWithoutJavaScript(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b, id := e.twoOnOneDraft()
	a.autosave(id, 1, "first_name", "Alice")
	resp := b.post(fmt.Sprintf("/drafts/%d", id), url.Values{"version": {"1"}, "step": {"personal"},
		"first_name": {"Bob"}, "last_name": {"Baker"}})
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("status %d, want 409", resp.StatusCode)
	}
	if v, _ := doc.Find("#f-first_name").Attr("value"); v != "Alice" {
		t.Errorf("first name input shows %q, want the saved Alice", v)
	}
	if got := doc.Find(`[data-testid="conflict-yours"]`).Text(); got != "Bob" {
		t.Errorf("conflict shows yours as %q, want Bob", got)
	}
	if v, _ := doc.Find("#f-last_name").Attr("value"); v != "Baker" {
		t.Errorf("last name %q: the field without conflict was not saved", v)
	}
}

func TestSavingReadOnlyFieldsIsAuditedAndIgnored(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	c.page(fmt.Sprintf("/drafts/%d", id))
	resp := c.post(fmt.Sprintf("/drafts/%d", id), url.Values{"version": {"1"}, "step": {"personal"},
		"id_number": {"784199554586091"}, "first_name": {"Zoë"}})
	resp.Body.Close()
	d, _ := store.DraftByID(context.Background(), e.db.Pool, id, false)
	if d.IDNumber != "784199012345676" || d.Values["first_name"] != "Zoë" {
		t.Errorf(
			"id number %s, first name %q: the read-only field changed or the rest was lost",
			d.IDNumber,
			d.Values["first_name"],
		)
	}
	if got := e.auditActions(); !slices.Contains(got, "draft.tamper_attempt") {
		t.Errorf("audit = %v, want draft.tamper_attempt", got)
	}
}

func TestStepFormWithoutJavaScript(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	c.page(fmt.Sprintf("/drafts/%d?step=personal", id))
	resp := c.post(
		fmt.Sprintf("/drafts/%d", id),
		url.Values{"version": {"1"}, "step": {"personal"}, "first_name": {"Zoë"}},
	)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther ||
		loc != fmt.Sprintf("/drafts/%d?step=personal&check=1", id) {
		t.Fatalf("incomplete step: %d %q, want to stay with the messages", resp.StatusCode, loc)
	}
	_, doc := c.page(resp.Header.Get("Location"))
	if got := doc.Find(`[data-testid="error-last_name"]`).Text(); !strings.Contains(got, "Required") {
		t.Errorf("last name message = %q, want Required", got)
	}
}

func TestDiscardIsASoftDeleteWithAReason(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	c.page(fmt.Sprintf("/drafts/%d", id))
	resp := c.post(fmt.Sprintf("/drafts/%d/discard", id), url.Values{"reason": {""}})
	if body := readBody(t, resp); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "why this draft is discarded") {
		t.Fatalf("discard without a reason: %d", resp.StatusCode)
	}
	resp = c.post(fmt.Sprintf("/drafts/%d/discard", id), url.Values{"reason": {"customer left"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("discard: %d", resp.StatusCode)
	}
	_, doc := c.page("/drafts")
	if n := doc.Find(`[data-testid="draft-row"]`).Length(); n != 0 {
		t.Errorf("My drafts lists %d drafts after the discard", n)
	}
	if status, _ := c.autosave(id, 2, "first_name", "Late"); status != http.StatusConflict {
		t.Errorf("save to a discarded draft: %d, want 409", status)
	}
	d, err := store.DraftByID(context.Background(), e.db.Pool, id, false)
	if err != nil || d.Status != store.DraftDiscarded || d.DiscardReason != "customer left" {
		t.Errorf("draft after discard: %+v, %v", d, err)
	}
	var reason string
	_ = e.db.Pool.QueryRow(context.Background(), `SELECT reason FROM audit_events WHERE action = 'draft.discarded'`).
		Scan(&reason)
	if reason != "customer left" {
		t.Errorf("audited reason = %q", reason)
	}
}

func TestMyDraftsListsOwnOpenDrafts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	c.autosave(id, 1, "first_name", "Zoë")
	e.agent("badr", "DXB-01", "AE").createDraft("AE", "4", "784-1995-5458609-1")
	_, doc := c.page("/drafts")
	rows := doc.Find(`[data-testid="draft-row"]`)
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "Zoë") {
		t.Errorf("My drafts = %q, want amal's one draft", rows.Text())
	}
}

// TestOtherBranchesSeeNothing: every draft route answers 404 to an agent of another branch,
// or of the branch but not the country, as for an id that does not exist.
func TestOtherBranchesSeeNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.agent("amal", "DXB-01", "AE")
	id := owner.createDraft("AE", "4", emiratesID)
	if resp := owner.upload(id, "face", "face.jpg", readUpload(t, "face.jpg"), false); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner's upload: %d", resp.StatusCode)
	}
	strangers := map[string]*client{
		"other branch":  e.agent("badr", "AUH-01", "AE"),
		"other country": e.agent("chen", "DXB-01", "MY"),
	}
	base := fmt.Sprintf("/drafts/%d", id)
	for who, c := range strangers {
		for _, r := range []struct{ method, path string }{
			{"GET", base}, {"POST", base}, {"POST", base + "/discard"}, {"GET", base + "/history"},
			{"GET", base + "/documents/face"}, {"GET", base + "/documents/face/view"},
			{"POST", base + "/documents/face/remove"}, {"POST", base + "/documents/face/accept"},
		} {
			resp := c.do(r.method, r.path, formFor(r.method, c.csrf))
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %s %s = %d, want 404", who, r.method, r.path, resp.StatusCode)
			}
		}
		if resp := c.upload(id, "face", "face.jpg", readUpload(t, "face.jpg"), false); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: upload = %d, want 404", who, resp.StatusCode)
		}
	}
	if n := len(e.auditActions()); n == 0 {
		t.Fatal("no audit at all")
	}
	if got, _ := e.db.Pool.Exec(context.Background(), `SELECT 1 FROM draft_documents WHERE removed_at IS NOT NULL`); got.RowsAffected() != 0 {
		t.Error("a stranger removed the owner's document")
	}
}

// upload sends a file as the browser's form does: the _csrf field first, then "file" with
// a name and type the server must not trust; or, like htmx, with the token in a header.
func (c *client) upload(id int64, kind, filename string, data []byte, tokenInHeader bool) *http.Response {
	c.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if !tokenInHeader {
		_ = w.WriteField("_csrf", c.csrf)
	}
	part, _ := w.CreateFormFile("file", filename)
	_, _ = part.Write(data)
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/drafts/%d/documents/%s", c.e.srv.URL, id, kind), &body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	if tokenInHeader {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) *http.Response {
	c.e.t.Helper()
	req.AddCookie(&http.Cookie{Name: session.CookieName, Value: c.cookie})
	resp, err := c.roundTrip(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return resp
}

// TestPackRulesReachTheInputs: the step's inputs carry the pack's pattern with its example,
// a date's bounds from today, a numeric keypad for digits, and "required" for a field whose
// condition holds; the form leaves checking to the page and the server (no browser bubbles).
func TestPackRulesReachTheInputs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	id := agent.createDraft("AE", "4", validEmiratesID(4800))
	attr := func(doc *goquery.Document, sel, name string) string {
		v, _ := doc.Find(sel).Attr(name)
		return v
	}
	_, doc := agent.page(fmt.Sprintf("/drafts/%d?step=personal", id))
	if _, ok := doc.Find(`[data-testid="step-form"]`).Attr("novalidate"); !ok {
		t.Error("the step form lets the browser stop it one bubble at a time")
	}
	if got := attr(doc, "#f-date_of_birth", "max"); got != "2026-03-02" {
		t.Errorf("date of birth max %q, want today", got)
	}
	_, doc = agent.page(fmt.Sprintf("/drafts/%d?step=addresses", id))
	if attr(doc, "#f-current_po_box", "pattern") != "[0-9]{1,10}" ||
		attr(doc, "#f-current_po_box", "inputmode") != "numeric" ||
		!strings.Contains(doc.Find(`[data-testid="hint-current_po_box"]`).Text(), "digits only") {
		t.Errorf("PO box: pattern %q, inputmode %q, hint %q", attr(doc, "#f-current_po_box", "pattern"),
			attr(doc, "#f-current_po_box", "inputmode"), doc.Find(`[data-testid="hint-current_po_box"]`).Text())
	}
	if _, required := doc.Find("#f-permanent_city").Attr("required"); required ||
		attr(doc, "#f-permanent_city", "data-required-when") != "resident_type_id" {
		t.Errorf(
			"permanent city before the resident type: required %t, follows %q",
			required,
			attr(doc, "#f-permanent_city", "data-required-when"),
		)
	}
	readBody(t, agent.post(fmt.Sprintf("/drafts/%d", id), url.Values{"version": {"1"}, "resident_type_id": {"100"}}))
	_, doc = agent.page(fmt.Sprintf("/drafts/%d?step=addresses", id))
	if _, required := doc.Find("#f-permanent_city").Attr("required"); !required {
		t.Error("permanent city of a foreign resident is not required")
	}
	_, doc = agent.page(fmt.Sprintf("/drafts/%d?step=addresses&check=1", id))
	if n := doc.Find(`[data-testid="step-issues"] li`).Length(); n < 3 {
		t.Errorf("the step's problems at once: %d listed, want current city, country, permanent city and country", n)
	}
}

// TestAutosaveUpdatesTheStepCounts: each autosave answers with the steps' counts of issues
// as they now stand, so the count beside a step falls as its fields are filled.
func TestAutosaveUpdatesTheStepCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	_, doc := c.page(fmt.Sprintf("/drafts/%d?step=personal", id))
	before, _ := strconv.Atoi(doc.Find(`[data-testid="step-count-personal"]`).Text())
	if before < 2 {
		t.Fatalf("a new draft's personal step shows %d issues, want several", before)
	}
	status, body := c.autosave(id, versionIn(t, docHTML(t, doc)), "first_name", "Layla")
	answer, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	nav := answer.Find(`#steps-nav[hx-swap-oob="true"]`)
	after, _ := strconv.Atoi(nav.Find(`[data-testid="step-count-personal"]`).Text())
	if status != http.StatusOK || nav.Length() != 1 || after != before-1 {
		t.Errorf(
			"autosave: status %d, steps sent again %d, personal count %d, want 200, 1 and %d",
			status,
			nav.Length(),
			after,
			before-1,
		)
	}
	if nav.Find(`[data-testid="step-personal"][aria-current="step"]`).Length() != 0 {
		t.Error("an autosave without its step marked a step as the current one")
	}
}

func docHTML(t *testing.T, doc *goquery.Document) string {
	t.Helper()
	html, err := doc.Html()
	if err != nil {
		t.Fatal(err)
	}
	return html
}

// TestTimesInTheBranchZone: a page shows times in the zone the branch registry names for
// the viewer's branch, not in the portal's default (UTC in tests).
func TestTimesInTheBranchZone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	err := store.AddBranch(context.Background(), e.db.Pool, store.Branch{Code: "BOM-01", Name: "Mumbai", Country: "IN",
		TimeZone: "Asia/Kolkata", CDPLocationID: "356101", Channel: "WEB", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	c := e.agent("priya", "BOM-01", "AE")
	id := c.createDraft("AE", "4", emiratesID)
	_, doc := c.page(fmt.Sprintf("/drafts/%d/history", id))
	when := doc.Find(`[data-testid="history-row"] td`).First().Text()
	if !strings.Contains(when, "IST") {
		t.Errorf("the history of a Mumbai branch's draft says %q, want a time in IST", when)
	}
}

// TestConflictKeepMine: the conflict's answer always offers a way out: "Keep mine" posts the
// agent's value alone with the version that answer brought, which saves it even while a
// required field of the step is still empty.
func TestConflictKeepMine(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b, id := e.twoOnOneDraft()
	a.autosave(id, 1, "first_name", "Alice")
	status, body := b.autosave(id, 1, "first_name", "Bob")
	answer, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	keep := answer.Find(`[data-testid="keep-mine-first_name"]`)
	to, vals := keep.AttrOr("hx-post", ""), keep.AttrOr("hx-vals", "")
	var posted map[string]string
	if status != http.StatusConflict || to == "" || json.Unmarshal([]byte(vals), &posted) != nil {
		t.Fatalf("conflict: %d, keep-mine posts %q with %q", status, to, vals)
	}
	form := url.Values{"version": {strconv.Itoa(versionIn(t, body))}, "step": {"personal"}}
	for k, v := range posted {
		form.Set(k, v)
	}
	resp := b.post(to, form, "HX-Request", "true", "X-CSRF-Token", b.csrf)
	readBody(t, resp)
	d, _ := store.DraftByID(context.Background(), e.db.Pool, id, false)
	if resp.StatusCode != http.StatusOK || d.Values["first_name"] != "Bob" {
		t.Errorf("keep mine: %d, first name %q, want 200 and Bob", resp.StatusCode, d.Values["first_name"])
	}
}

// TestIDCheckAsksForAPassportsCountry: the live check of a passport number says that the
// issuing country is still to be chosen, rather than nothing; with the country, it checks.
func TestIDCheckAsksForAPassportsCountry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	c.page("/drafts/new")
	for _, tt := range []struct{ issued, want string }{{"", `data-testid="id-check-issued-country"`}, {"IN", `data-testid="id-valid"`}} {
		resp := c.post("/drafts/id-check", url.Values{"country": {"AE"}, "id_type": {"1"}, "id_number": {"N4821937"},
			"issued_country": {tt.issued}}, "HX-Request", "true")
		if body := readBody(t, resp); !strings.Contains(body, tt.want) {
			t.Errorf("issued by %q: want %s in\n%s", tt.issued, tt.want, body)
		}
	}
}
