package handlers

import (
	"net/http"
	"regexp"
	"testing"
)

// TestUpdateFromFoundCustomer: a found customer offers "Update this customer", which opens
// an update case prefilled from the CDP's record; pressing it again opens the same case; an
// ECRN this session did not find is not found.
func TestUpdateFromFoundCustomer(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, nil)
	agent := se.agent("amal", "DXB-01", "AE")
	_, doc := agent.searchID("AE", "4", "784-1990-1234567-6", true)
	if testID(doc, "update-customer").Length() != 1 {
		t.Fatal("a found customer offers no update")
	}
	if resp := agent.post("/customers/7841000000000000/update", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an ECRN not found this session: %d, want 404", resp.StatusCode)
	}
	var cases []string
	for range 2 {
		resp := agent.post("/customers/7841003233051516/update", nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther ||
			!regexp.MustCompile(`^/drafts/\d+$`).MatchString(resp.Header.Get("Location")) {
			t.Fatalf("update: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		cases = append(cases, resp.Header.Get("Location"))
	}
	if cases[0] != cases[1] {
		t.Errorf("two presses opened %q and %q, want one case", cases[0], cases[1])
	}
	_, doc = agent.page(cases[0] + "?step=personal")
	if got, _ := doc.Find("#f-first_name").Attr("value"); got == "" {
		t.Error("the update case is not prefilled from the CDP's record")
	}
	if got := testID(doc, "update-changes").Text(); !regexp.MustCompile(`7841003233051516`).MatchString(got) {
		t.Errorf("the case does not say whose update it is: %q", got)
	}
	_, doc = agent.page("/drafts")
	if n := doc.Find(`[data-testid="draft-row"]`).Length(); n != 1 {
		t.Errorf("%d cases listed, want the one update case", n)
	}
}
