package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kycportal/internal/cdp/sandbox"
)

// TestNoDeadEndDrafts: starting a draft asks the CDP first. A blocked customer, one whose
// subscription is pending and one under investigation get no draft, with the reason in the
// catalogue's words on the ID number; a new customer gets a draft; when the CDP cannot
// answer, the draft starts with a visible warning.
func TestNoDeadEndDrafts(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	c := se.agent("amal", "DXB-01", "AE")
	for number, want := range map[string]string{
		"784197734567890": "Customer blocked",
		"784198823456789": "Registration not finished",
		"784196645678903": "Under compliance review",
	} {
		c.page("/drafts/new")
		resp := c.post("/drafts", url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {number}})
		_, doc := parsed(t, resp)
		if msg := testID(doc, "error-id_number").Text(); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(msg, want) || !strings.Contains(msg, "Do not") || strings.Contains(msg, "450") {
			t.Errorf("%s: %d %q; want 422 with %q and a next step", number, resp.StatusCode, msg, want)
		}
	}
	var drafts int
	if err := se.db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM drafts`).Scan(&drafts); err != nil || drafts != 0 {
		t.Fatalf("%d drafts after three refusals (%v)", drafts, err)
	}
	c.page("/drafts/new")
	resp := c.post("/drafts", url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {"784199554586091"}})
	resp.Body.Close()
	if where := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || strings.Contains(where, "lookup") {
		t.Errorf("a new customer: %d %q; want a draft without warning", resp.StatusCode, where)
	}
}

func TestDraftStartsWithAWarningWhenTheCDPIsDown(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, func(c *sandbox.Config) { c.FailRate = 1 })
	c := se.agent("amal", "DXB-01", "AE")
	c.page("/drafts/new")
	resp := c.post("/drafts", url.Values{"country": {"AE"}, "id_type": {"4"}, "id_number": {"784199554586091"}})
	resp.Body.Close()
	where := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(where, "?lookup=unavailable") {
		t.Fatalf("%d %q; want a draft with the lookup to repeat", resp.StatusCode, where)
	}
	if _, doc := c.page(where); !strings.Contains(
		testID(doc, "draft-flash").Text(),
		"lookup is repeated before anything is sent",
	) {
		t.Errorf("no warning on the draft: %q", testID(doc, "draft-flash").Text())
	}
}
