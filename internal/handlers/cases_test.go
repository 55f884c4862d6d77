package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// caseRows are the case numbers and states of a case list page, in order.
func caseRows(doc *goquery.Document) []string {
	var out []string
	doc.Find(`[data-testid="draft-row"]`).Each(func(_ int, s *goquery.Selection) {
		state, _ := s.Attr("data-state")
		id := strings.TrimSpace(strings.Fields(s.Find("td").First().Text())[0])
		out = append(out, id+" "+state)
	})
	return out
}

func countOf(doc *goquery.Document, state string) string {
	return doc.Find(`[data-testid="count-` + state + `"] strong`).Text()
}

// TestCaseList: an agent sees every case they own with its state, newest activity first,
// filtered by state and text, with counts; a supervisor sees the branch's; no one sees
// another branch's cases. A checker's return reaches the agent's inbox and list.
func TestCaseList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	amal, badr := e.agent("amal", "DXB-01", "AE"), e.agent("badr", "DXB-01", "AE")
	stranger := e.agent("omar", "AUH-01", "AE")
	sara := e.checkerOf("sara", "DXB-01")
	open := amal.createDraft("AE", "4", "784-1985-0000001-7")
	e.clock.Advance(time.Minute)
	sent := amal.completeDraft("784-1985-0000002-5")
	readBody(t, amal.post(fmt.Sprintf("/drafts/%d/submit", sent), nil))
	other := badr.createDraft("AE", "4", "784-1985-0000003-3")
	far := stranger.createDraft("AE", "4", "784-1985-0000004-1")

	_, doc := amal.page("/drafts")
	want := []string{fmt.Sprintf("#%d awaiting_approval", sent), fmt.Sprintf("#%d draft", open)}
	if got := caseRows(doc); !slices.Equal(got, want) {
		t.Errorf("amal's cases %q, want %q", got, want)
	}
	if countOf(doc, "draft") != "1" || countOf(doc, "awaiting_approval") != "1" || countOf(doc, "onboarded") != "0" {
		t.Errorf("counts draft %s, awaiting %s, onboarded %s; want 1, 1, 0", countOf(doc, "draft"),
			countOf(doc, "awaiting_approval"), countOf(doc, "onboarded"))
	}
	_, doc = amal.page("/drafts?state=awaiting_approval")
	if got := caseRows(doc); !slices.Equal(got, want[:1]) {
		t.Errorf("filtered on awaiting approval: %q", got)
	}
	_, doc = amal.page("/drafts?q=" + url.QueryEscape("fatima HASSAN"))
	if got := caseRows(doc); !slices.Equal(got, want[:1]) {
		t.Errorf("filtered on the name: %q, want the complete draft only", got)
	}
	_, doc = amal.page("/drafts?q=784-1985-0000001-7")
	if got := caseRows(doc); !slices.Equal(got, want[1:]) {
		t.Errorf("filtered on the ID number as typed: %q", got)
	}

	_, doc = sara.page("/drafts")
	got := caseRows(doc)
	if len(got) != 3 || !slices.Contains(got, fmt.Sprintf("#%d draft", other)) {
		t.Errorf("the branch's cases %q, want amal's two and badr's", got)
	}
	for _, c := range []*client{amal, sara} {
		_, doc = c.page("/drafts?q=" + fmt.Sprint(far))
		if n := len(caseRows(doc)); n != 0 {
			t.Errorf("another branch's case listed (%d rows)", n)
		}
	}

	for _, bad := range []string{"/drafts?state=lost", "/drafts?q=" + strings.Repeat("a", 101)} {
		resp, doc := amal.page(bad)
		if resp.StatusCode != http.StatusUnprocessableEntity || doc.Find(`[data-testid="case-error"]`).Text() == "" {
			t.Errorf("%s: %d, want 422 with a message", bad, resp.StatusCode)
		}
	}

	// The checker returns the case: the agent's open page, inbox and list say so.
	_, doc = amal.page(fmt.Sprintf("/drafts/%d", sent))
	poll, _ := doc.Find(`[data-testid="submission"]`).Attr("hx-get")
	if resp := amal.do(http.MethodGet, poll, nil); resp.StatusCode != http.StatusNoContent {
		t.Errorf("poll of an unchanged case: %d, want 204", resp.StatusCode)
	}
	sara.page(fmt.Sprintf("/approvals/%d", sent))
	readBody(t, sara.post(fmt.Sprintf("/approvals/%d/claim", sent), nil))
	resp := sara.post(fmt.Sprintf("/approvals/%d/return", sent),
		url.Values{"reason_first_name": {"mismatch"}, "comment": {"The name differs from the ID."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d %s", resp.StatusCode, readBody(t, resp))
	}
	resp.Body.Close()
	_, doc = amal.page(poll)
	if got := doc.Find(`[data-testid="submission-state"]`).Text(); got != "returned" {
		t.Errorf("the panel's poll after the return shows %q, want returned", got)
	}
	_, doc = amal.page("/notifications/count")
	if n := doc.Find(`[data-testid="unread-count"]`).Text(); !strings.HasPrefix(n, "1") {
		t.Errorf("unread count %q, want 1", n)
	}
	_, doc = badr.page("/notifications/count")
	if n := doc.Find(`[data-testid="unread-count"]`).Length(); n != 0 {
		t.Error("badr is told about amal's case")
	}
	_, doc = amal.page("/notifications")
	notice := doc.Find(`[data-testid="notice"][data-kind="returned"] a`)
	if href, _ := notice.Attr("href"); href != fmt.Sprintf("/drafts/%d", sent) {
		t.Errorf("the notice links to %q, want the case", href)
	}
	_, doc = amal.page("/drafts/rows?state=returned") // as the open list asks for itself
	if got := caseRows(doc); !slices.Equal(got, []string{fmt.Sprintf("#%d returned", sent)}) {
		t.Errorf("returned cases %q", got)
	}
	readBody(t, amal.post("/notifications/read", nil))
	_, doc = amal.page("/notifications/count")
	if doc.Find(`[data-testid="unread-count"]`).Length() != 0 {
		t.Error("still unread after marking read")
	}
	e.expectAudited("notifications.read", "marking the inbox read is not audited")
}

// TestPollingKeepsNoSessionAlive: an open page's polls of the inbox and of its case do not
// count as activity; the session still times out after 30 idle minutes.
func TestPollingKeepsNoSessionAlive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	amal := e.agent("amal", "DXB-01", "AE")
	id := amal.completeDraft("784-1985-0000001-7")
	readBody(t, amal.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
	_, doc := amal.page(fmt.Sprintf("/drafts/%d", id))
	poll, ok := doc.Find(`[data-testid="submission"]`).Attr("hx-get")
	if !ok {
		t.Fatal("the submission panel of a submitted draft does not refresh itself")
	}
	for range 35 {
		e.clock.Advance(time.Minute)
		for _, path := range []string{"/notifications/count", poll, "/drafts/rows"} {
			resp := amal.do(http.MethodGet, path, nil)
			resp.Body.Close()
			if e.clock.Now().Sub(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) < 29*time.Minute &&
				resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
		}
	}
	if resp, _ := amal.page("/drafts"); !isLoginRedirect(resp) {
		t.Errorf("after 35 minutes of polls only: %d, want the session expired", resp.StatusCode)
	}
}
