package handlers

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestCheckerSeesTheArabicNameBesideTheLatinOne: the AE draft's full name in Arabic, as on
// the Emirates ID, is refused in Latin letters and shown on the case page when in Arabic.
func TestCheckerSeesTheArabicNameBesideTheLatinOne(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	checker := e.checkerOf("sara", "DXB-01")
	id := agent.completeDraft("784-1985-0000004-1")
	path := fmt.Sprintf("/drafts/%d", id)
	_, doc := agent.page(path + "?step=personal")
	version, _ := doc.Find(`input[name="version"]`).Attr("value")
	readBody(
		t,
		agent.post(path, url.Values{"version": {version}, "step": {"personal"}, "full_name_arabic": {"Fatima Hassan"}}),
	)
	_, doc = agent.page(path + "?step=personal&check=1")
	if !strings.Contains(doc.Find("#msg-full_name_arabic").Text(), "Arabic letters") {
		t.Error("a Latin name in the Arabic field was not refused")
	}
	version, _ = doc.Find(`input[name="version"]`).Attr("value")
	if dir, _ := doc.Find(`#f-full_name_arabic`).Attr("dir"); dir != "rtl" {
		t.Errorf("the Arabic name input has dir %q, want rtl", dir)
	}
	readBody(t, agent.post(path, url.Values{"version": {version}, "full_name_arabic": {"فاطمة حسن"}}))
	readBody(t, agent.post(path+"/submit", nil))

	_, casePage := checker.page(fmt.Sprintf("/approvals/%d", id))
	if got := casePage.Find(`[data-testid="approval-name-arabic"] bdi`).Text(); got != "فاطمة حسن" {
		t.Errorf("case page shows the Arabic name %q", got)
	}
	if !strings.Contains(casePage.Find("#approval-title").Text(), "Fatima Hassan") {
		t.Error("the Latin name is gone from the case page")
	}
}
