package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kycportal/internal/app"
	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox"
	"kycportal/internal/search"
	"kycportal/internal/store"
)

var testAuditKey = []byte("a test audit key of at least 32 characters")

// searchEnv is the handler stack with the CDP sandbox behind it, both over real HTTP.
type searchEnv struct {
	*env
	cdp     *httptest.Server
	lookups atomic.Int32 // lookups that reached the sandbox
}

// newSearchEnv starts a sandbox (tuned by tune, if given) and the portal in front of it.
func newSearchEnv(t *testing.T, limit search.Limit, tune func(*sandbox.Config)) *searchEnv {
	t.Helper()
	cfg := sandbox.DefaultConfig()
	cfg.Seed = 1
	if tune != nil {
		tune(&cfg)
	}
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	se := &searchEnv{}
	se.cdp = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == cdp.LookupPath {
			se.lookups.Add(1)
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(se.cdp.Close)
	se.env = newEnv(t, func(o *app.Options, _ *Deps) {
		client, err := cdp.New(
			cdp.Config{BaseURL: se.cdp.URL, Scope: cdp.DefaultScope, Timeout: 5 * time.Second}.WithSandboxDefaults(),
			cdp.Options{Logger: o.Log},
		)
		if err != nil {
			t.Fatal(err)
		}
		o.CDP = client
		o.AuditKey = testAuditKey
		o.LookupLimit = limit
	})
	return se
}

var noLimit = search.Limit{Lookups: 1000, Window: time.Minute}

// searchID posts the search by ID as the browser does: as htmx, or as a plain form.
func (c *client) searchID(country, idType, number string, htmx bool) (*http.Response, *goquery.Document) {
	c.e.t.Helper()
	form := url.Values{"country": {country}, "id_type": {idType}, "id_number": {number}}
	var extra []string
	if htmx {
		extra = []string{"HX-Request", "true"}
	}
	return parsed(c.e.t, c.post("/search", form, extra...))
}

func parsed(t *testing.T, resp *http.Response) (*http.Response, *goquery.Document) {
	t.Helper()
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

func testID(doc *goquery.Document, id string) *goquery.Selection {
	return doc.Find(`[data-testid="` + id + `"]`)
}

// TestSearchGivesEachDemoCustomerItsState: every demo customer of the sandbox, searched over
// real HTTP, shows its documented state, the right next step and no wrong one, as an htmx
// fragment and as a full page.
func TestSearchGivesEachDemoCustomerItsState(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	c := se.agent("amal", "DXB-01", "AE", "MY")
	c.page("/search")
	tests := []struct {
		country, idType, number, outcome string
		name, ecrn                       string
		next                             string // the one action offered: view-customer, start-onboarding, retry or none
	}{
		{"AE", "4", "784-1990-1234567-6", "found", "ZAFAR BASHIR BASHIR MASIH", "7841003233051516", "view-customer"},
		{"AE", "4", "784198823456789", "subscription_pending", "", "", ""},
		{"AE", "4", "784197734567890", "blocked", "", "", ""},
		{"AE", "4", "784196645678903", "under_investigation", "", "", ""},
		{"AE", "4", "784195556789014", "cdp_error", "", "", "retry"},
		{"AE", "4", "784 2001 6789012 6", "not_found", "", "", "start-onboarding"},
		{"AE", "4", "784199378901237", "not_found", "", "", "start-onboarding"},
		{"MY", "28", "900101-14-5678", "found", "NUR AISYAH BINTI AHMAD", "4580012345678901", "view-customer"},
		{"MY", "28", "850615105432", "blocked", "", "", ""},
	}
	for _, tt := range tests {
		for _, htmx := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s htmx=%v", tt.number, htmx), func(t *testing.T) {
				resp, doc := c.searchID(tt.country, tt.idType, tt.number, htmx)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d", resp.StatusCode)
				}
				if got := testID(doc, "outcome-"+tt.outcome); got.Length() != 1 || !got.HasClass("alert") {
					t.Fatalf("no %s outcome with its colour; result:\n%s", tt.outcome, testID(doc, "id-result").Text())
				}
				if got := testID(doc, "customer-name").Text(); got != tt.name {
					t.Errorf("name %q, want %q", got, tt.name)
				}
				if got := testID(doc, "customer-ecrn").Text(); got != tt.ecrn {
					t.Errorf("ECRN %q, want %q", got, tt.ecrn)
				}
				for _, action := range []string{"view-customer", "start-onboarding", "retry"} {
					if offered := testID(doc, action).Length() == 1; offered != (action == tt.next) {
						t.Errorf("%s offered: %v", action, offered)
					}
				}
				if page := doc.Find("html nav").Length() == 1; page == htmx {
					t.Errorf("htmx=%v answered with the full page: %v", htmx, page)
				}
			})
		}
	}
	_, doc := c.searchID("AE", "4", "784-1990-1234567-6", true)
	for id, want := range map[string]string{"customer-status": "ACTIVE", "customer-aml": "Accepted",
		"customer-id-status": "Active", "customer-id-expiry": "2027-08-08"} {
		if got := strings.TrimSpace(testID(doc, id).Text()); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if testID(doc, "id-expired").Length() != 0 {
		t.Error("an ID valid until 2027 is flagged expired on 2026-03-02")
	}
}

// TestAPassportIsLookedUp: the CDP knows passports (ID type 1, any issuing country), so a
// passport holder is searched like anyone else: not found, and onboarding may start.
func TestAPassportIsLookedUp(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	c := se.agent("amal", "DXB-01", "AE")
	c.page("/search")
	_, doc := parsed(t, c.post("/search", url.Values{"country": {"AE"}, "id_type": {"1"}, "id_number": {"k1234567"},
		"issued_country": {"IN"}}, "HX-Request", "true"))
	if testID(doc, "outcome-not_found").Length() != 1 || testID(doc, "start-onboarding").Length() != 1 ||
		testID(doc, "no-own-matches").Length() != 1 {
		t.Errorf("a passport not in the CDP:\n%s", testID(doc, "id-result").Text())
	}
	if _, _, after := se.lastEvent("customer.searched"); !strings.Contains(after, `"issued_country": "IN"`) ||
		!strings.Contains(after, `"result": "not_found"`) || !strings.Contains(after, `"id_last4": "4567"`) {
		t.Errorf("search event: %s", after)
	}
}

// TestExpiredIDsAreFlagged: an ID is valid through its expiry day and flagged the day after.
func TestExpiredIDsAreFlagged(t *testing.T) {
	t.Parallel()
	res := cdp.Result{Customer: cdp.CustomerRecord{IDDateOfExpiry: "2027-08-08T00:00:00.000+00:00"}}
	for day, want := range map[int]bool{8: false, 9: true} {
		card := customerCard(res, time.Date(2027, 8, day, 23, 59, 0, 0, time.UTC))
		if card.Expired != want || card.IDExpiry != "2027-08-08" {
			t.Errorf("on 2027-08-%02d: expired %v (%s), want %v", day, card.Expired, card.IDExpiry, want)
		}
	}
}

// TestBadNumbersNeverReachTheCDP: a number its type refuses, or a country or type the agent
// may not use, is explained next to its field and nothing is sent.
func TestBadNumbersNeverReachTheCDP(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	c := se.agent("amal", "DXB-01", "AE")
	c.page("/search")
	tests := []struct{ country, idType, number, field, message string }{
		{"AE", "4", "784-1990-1234567-7", "id_number", "check digit"},
		{"AE", "4", "785-1990-1234567-1", "id_number", "start with 784"},
		{"AE", "4", "784-1990-123456", "id_number", "15 digits"},
		{"MY", "28", "901301-14-5678", "country", "country you onboard for"},
		{"AE", "28", "900101-14-5678", "id_type", "ID type of United Arab Emirates"},
		{"AE", "1", "K1234567", "issued_country", "country that issued the Passport"},
	}
	for _, tt := range tests {
		resp, doc := c.searchID(tt.country, tt.idType, tt.number, true)
		if got := testID(doc, "error-"+tt.field).Text(); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(got, tt.message) {
			t.Errorf(
				"%s %s %s: %d %q, want 422 with %q next to %s",
				tt.country,
				tt.idType,
				tt.number,
				resp.StatusCode,
				got,
				tt.message,
				tt.field,
			)
		}
	}
	if n := se.lookups.Load(); n != 0 {
		t.Errorf("the CDP was sent %d lookups", n)
	}
	if slices.Contains(se.auditActions(), "customer.searched") {
		t.Error("a refused form was audited as a search")
	}
}

// TestOwnMatchesShowWhenTheCDPFails: a draft of the document by a colleague of another branch
// is shown, without a link the searcher could not open, whatever became of the CDP.
func TestOwnMatchesShowWhenTheCDPFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		tune    func(*sandbox.Config)
		down    bool
		outcome string
	}{
		{"502 from the CDP", func(c *sandbox.Config) { c.FailRate = 1 }, false, "unavailable"},
		{"the CDP down", nil, true, "unavailable"},
		{"the CDP answering", nil, false, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := newSearchEnv(t, noLimit, tt.tune)
			se.agent("amal", "DXB-01", "AE").createDraft("AE", "4", "784-1995-5458609-1")
			c := se.agent("badr", "AUH-01", "AE")
			c.page("/search")
			if tt.down {
				se.cdp.Close()
			}
			_, doc := c.searchID("AE", "4", "784199554586091", true)
			if testID(doc, "outcome-"+tt.outcome).Length() != 1 {
				t.Fatalf("want outcome %s:\n%s", tt.outcome, testID(doc, "id-result").Text())
			}
			if retry := testID(doc, "retry").Length() == 1; retry != (tt.outcome == "unavailable") {
				t.Errorf("retry offered: %v", retry)
			}
			match := testID(doc, "own-match")
			text := strings.Join(strings.Fields(strings.NewReplacer("\u2068", "", "\u2069", "").Replace(match.Text())), " ")
			if match.Length() != 1 ||
				!regexp.MustCompile(`^Draft #\d+ by agent amal \(branch DXB-01\) was saved on 2 March 2026, 13:00 \+04 with status open\.$`).
					MatchString(text) {
				t.Errorf("own matches: %q", text)
			}
			if match.Find("a").Length() != 0 {
				t.Error("a draft of another branch is linked")
			}
		})
	}
}

// TestSearchesAreAuditedWithLast4AndAKeyedHash: each search is an event naming the customer
// and the outcome; the number is there only as its last 4 and an HMAC under the server key,
// by which every search of one number is found again.
func TestSearchesAreAuditedWithLast4AndAKeyedHash(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	c := se.agent("amal", "DXB-01", "AE")
	c.page("/search")
	for _, n := range []string{"784-1990-1234567-6", "784197734567890", "784 1990 1234567 6"} {
		c.searchID("AE", "4", n, true)
	}
	type event struct{ entity, outcome, last4, hash, result, row string }
	rows, err := se.db.Pool.Query(context.Background(), `SELECT entity_id, outcome, after->>'id_last4', after->>'id_hmac',
		after->>'result', row_to_json(a)::text FROM audit_events a WHERE action = 'customer.searched' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []event
	for rows.Next() {
		var e event
		if err := rows.Scan(&e.entity, &e.outcome, &e.last4, &e.hash, &e.result, &e.row); err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if len(got) != 3 {
		t.Fatalf("%d customer.searched events, want 3", len(got))
	}
	want := []event{
		{"7841003233051516", "success", "5676", keyedHash("784199012345676"), "found", ""},
		{"", "success", "7890", keyedHash("784197734567890"), "blocked", ""},
		{"7841003233051516", "success", "5676", keyedHash("784199012345676"), "found", ""},
	}
	for i, e := range got {
		if strings.Contains(e.row, "784199012345676") || strings.Contains(e.row, "784197734567890") {
			t.Errorf("event %d holds an ID number in clear: %s", i, e.row)
		}
		e.row = ""
		if e != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, e, want[i])
		}
	}
	var found int
	err = se.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE after->>'id_hmac' = $1`,
		keyedHash("784199012345676")).Scan(&found)
	if err != nil || found != 2 {
		t.Errorf("events found by the keyed hash: %d (%v), want 2", found, err)
	}
}

func keyedHash(number string) string {
	m := hmac.New(sha256.New, testAuditKey)
	m.Write([]byte(number))
	return hex.EncodeToString(m.Sum(nil))
}

// TestIDNumbersStayOutOfURLsAndLogs: the forms post, the country switch sends only the
// country, and no log line of a whole journey holds a number.
func TestIDNumbersStayOutOfURLsAndLogs(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	c := se.agent("amal", "DXB-01", "AE")
	_, doc := c.page("/search")
	if m, _ := doc.Find(`[data-testid="id-search-form"]`).Attr("method"); m != "post" {
		t.Errorf("the search form's method is %q", m)
	}
	if p, _ := testID(doc, "search-country").Attr("hx-params"); p != "country" {
		t.Errorf("the country switch sends %q, want only the country", p)
	}
	c.searchID("AE", "4", "784-1990-1234567-6", true)
	c.searchID("AE", "4", "784200167890126", false)
	c.page("/customers/7841003233051516")
	c.post("/customers/7841003233051516/reveal", nil, "HX-Request", "true").Body.Close()
	c.post("/search/records", url.Values{"by": {"id"}, "q": {"7842001678"}}).Body.Close()
	logs := se.logs.String()
	for _, n := range []string{"784199012345676", "784200167890126", "7842001678"} {
		if strings.Contains(logs, n) {
			t.Errorf("the logs hold %s", n)
		}
	}
	if !strings.Contains(logs, `"route":"/search"`) || !strings.Contains(logs, `"endpoint":"lookup"`) {
		t.Errorf("the log lines looked for are missing:\n%s", logs)
	}
}

// TestLookupLimit: past the limit the agent gets a clear 429 page (and fragment) saying when
// to come back, the CDP is not asked, the refusal is audited; the next window is free.
func TestLookupLimit(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, search.Limit{Lookups: 2, Window: time.Minute}, nil)
	c := se.agent("amal", "DXB-01", "AE")
	c.page("/search")
	se.clock.Advance(15 * time.Second)
	for range 2 {
		if resp, _ := c.searchID("AE", "4", "784200167890126", true); resp.StatusCode != http.StatusOK {
			t.Fatalf("lookup within the limit: %d", resp.StatusCode)
		}
	}
	for _, htmx := range []bool{true, false} {
		resp, doc := c.searchID("AE", "4", "784200167890126", htmx)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "45" {
			t.Fatalf("over the limit: %d, Retry-After %q; want 429 and 45", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if testID(doc, "outcome-rate_limited").Length() != 1 || testID(doc, "retry-wait").Text() != "45 seconds" ||
			testID(doc, "search-id-number").Length() != 1 {
			t.Errorf("the 429 answer (htmx=%v) does not say when to try again, with the form:\n%s", htmx, doc.Text())
		}
	}
	if n := se.lookups.Load(); n != 2 {
		t.Errorf("the CDP was sent %d lookups, want 2", n)
	}
	if got := se.auditActions(); slices.Index(got, "customer.lookup_limited") < 0 {
		t.Errorf("audit = %v, want customer.lookup_limited", got)
	}
	se.clock.Advance(45 * time.Second)
	if resp, _ := c.searchID("AE", "4", "784200167890126", true); resp.StatusCode != http.StatusOK {
		t.Errorf("first lookup of the next window: %d", resp.StatusCode)
	}
}

// TestCustomerView: the page of a customer found by ID shows what the CDP holds with the ID
// masked; "reveal" is a POST, shows the number and is audited; an ECRN the session did not
// find is not found.
func TestCustomerView(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	c := se.agent("amal", "DXB-01", "AE")
	c.page("/search")
	const page = "/customers/7841003233051516"
	if resp, _ := c.page(page); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("before any search: %d, want 404", resp.StatusCode)
	}
	c.searchID("AE", "4", "784-1990-1234567-6", true)
	resp := c.do(http.MethodGet, page, nil)
	body := readBody(t, resp)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if resp.StatusCode != http.StatusOK || testID(doc, "customer-name").Text() != "ZAFAR BASHIR BASHIR MASIH" ||
		testID(doc, "id-masked").Text() != "•••• 5676" || strings.Contains(body, "784199012345676") {
		t.Fatalf("customer page: %d, name %q, ID %q; the whole number must not be in the page",
			resp.StatusCode, testID(doc, "customer-name").Text(), testID(doc, "id-masked").Text())
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", resp.Header.Get("Cache-Control"))
	}
	if got := c.do(http.MethodGet, page+"/reveal", nil); got.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET reveal: %d, want 405", got.StatusCode)
	}
	c.page(page)
	_, frag := parsed(t, c.post(page+"/reveal", nil, "HX-Request", "true"))
	if testID(frag, "id-revealed").Text() != "784 1990 1234 5676" || frag.Find("html nav").Length() != 0 {
		t.Errorf("reveal under htmx: %q", frag.Text())
	}
	_, full := parsed(t, c.post(page+"/reveal", nil))
	if testID(full, "id-revealed").Text() != "784 1990 1234 5676" || testID(full, "customer-name").Length() != 1 {
		t.Errorf("reveal without JavaScript: %q", full.Text())
	}
	_, _, after := se.lastEvent("customer.id_revealed")
	if !strings.Contains(after, `"id_last4": "5676"`) || strings.Contains(after, "784199012345676") {
		t.Errorf("reveal event: %s", after)
	}
	if got := se.auditActions(); slices.Index(got, "customer.viewed") < 0 {
		t.Errorf("audit = %v, want customer.viewed", got)
	}
	other := se.agent("badr", "DXB-01", "AE")
	if resp, _ := other.page(page); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a colleague who did not search: %d, want 404", resp.StatusCode)
	}
	if resp, _ := c.page("/customers/7841001220007002"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an ECRN the session did not find: %d, want 404", resp.StatusCode)
	}
}

// TestStartOnboardingFromNotFound: the button posts the document as searched to the
// new-draft route, which lands in a draft of that document.
func TestStartOnboardingFromNotFound(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	c := se.agent("amal", "DXB-01", "AE")
	c.page("/search")
	_, doc := c.searchID("AE", "4", "784-2001-6789012-6", false)
	form := url.Values{}
	doc.Find(`[data-testid="start-onboarding-form"] input`).Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	action, _ := testID(doc, "start-onboarding-form").Attr("action")
	resp := c.do(http.MethodPost, action, form)
	resp.Body.Close()
	m := regexp.MustCompile(`^/drafts/(\d+)$`).FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("start onboarding: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var country, idType, number string
	err := se.db.Pool.QueryRow(context.Background(), `SELECT country, id_type, id_number FROM drafts WHERE id = $1`, m[1]).
		Scan(&country, &idType, &number)
	if err != nil || country != "AE" || idType != "4" || number != "784200167890126" {
		t.Errorf("draft: %s %s %s (%v)", country, idType, number, err)
	}
}

// TestIDTypesFollowTheCountry: the ID types offered are the chosen country's, as CDP codes.
func TestIDTypesFollowTheCountry(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	c := se.agent("amal", "DXB-01", "AE", "MY")
	events := len(se.auditActions())
	_, doc := c.page("/search")
	values := func(doc *goquery.Document) []string {
		return testID(
			doc,
			"search-id-type",
		).Find("option").
			Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("value", "") })
	}
	if got := values(doc); !slices.Equal(got, []string{"4", "1"}) {
		t.Errorf("ID types of the first country = %v, want AE's [4 1]", got)
	}
	_, doc = parsed(t, c.do(http.MethodGet, "/search/id-types?country=MY", nil, "HX-Request", "true"))
	if got := values(doc); !slices.Equal(got, []string{"28", "1"}) {
		t.Errorf("ID types of MY = %v, want [28 1]", got)
	}
	if resp, _ := c.page("/search/id-types?country=IN"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("ID types of a country the agent does not onboard for: %d, want 404", resp.StatusCode)
	}
	var windows int
	if err := se.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM cdp_lookup_windows`).Scan(&windows); err != nil ||
		windows != 0 ||
		len(se.auditActions()) != events {
		t.Errorf("the GETs wrote: %d lookup windows, audit %v", windows, se.auditActions()[events:])
	}
	_, doc = se.reviewer(store.RoleSupervisor, "DXB-01").page("/search")
	if testID(doc, "id-search").Length() != 0 || testID(doc, "records-search").Length() != 1 {
		t.Error("a supervisor's search page should hold only the search of our records")
	}
}
