package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAdminBranchRegistry: an admin lists, creates and edits branches; each change is
// audited with its reason, a bad value is refused on its field, and a disabled branch takes
// no new account.
func TestAdminBranchRegistry(t *testing.T) {
	t.Parallel()
	e, admin, _ := adminEnv(t)
	if _, doc := admin.page("/admin/branches"); doc.Find(`[data-testid="branch-row"]`).Length() != 1 {
		t.Fatalf("%d branches listed, want the admin's own", doc.Find(`[data-testid="branch-row"]`).Length())
	}
	admin.page("/admin/branches/new")
	resp, doc := postDoc(t, admin, "/admin/branches", url.Values{"code": {"kul-01"}, "name": {"Kuala Lumpur Central"},
		"country": {"MY"}, "time_zone": {"Mars/Olympus"}, "cdp_location_id": {"458101"}, "reason": {"new branch"}})
	if resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(doc.Find(`#error-time_zone`).Text(), "IANA") {
		t.Fatalf("a bad time zone: %d %q", resp.StatusCode, doc.Find(".field-error").Text())
	}
	resp = admin.post("/admin/branches", url.Values{"code": {"kul-01"}, "name": {"Kuala Lumpur Central"},
		"country": {"MY"}, "time_zone": {"Asia/Kuala_Lumpur"}, "cdp_location_id": {"458101"}, "reason": {"new branch"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	if reason, _, after := e.lastEvent("branch.created"); reason != "new branch" ||
		!strings.Contains(after, `"code": "KUL-01"`) ||
		!strings.Contains(after, `"cdp_location_id": "458101"`) {
		t.Errorf("branch.created: %q %s", reason, after)
	}
	_, doc = admin.page("/admin/branches/KUL-01")
	if doc.Find(`#channel`).AttrOr("value", "") != "WEB" {
		t.Errorf("the registry's default channel: %q", doc.Find(`#channel`).AttrOr("value", ""))
	}
	resp, doc = postDoc(t, admin, "/admin/branches/KUL-01", url.Values{"name": {"KL Central"}, "country": {"MY"},
		"time_zone": {
			"Asia/Kuala_Lumpur",
		}, "cdp_location_id": {"458102"}, "channel": {"WEB"}, "reason": {"renamed, new location"}})
	if resp.StatusCode != http.StatusOK || doc.Find(`[data-testid="branch-notice"]`).Length() != 1 {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	reason, before, after := e.lastEvent("branch.disabled")
	if reason != "renamed, new location" ||
		before != `{"code": "KUL-01", "name": "Kuala Lumpur Central", "active": true, "cdp_location_id": "458101"}` ||
		after != `{"code": "KUL-01", "name": "KL Central", "active": false, "cdp_location_id": "458102"}` {
		t.Errorf("an edit without the active box disables, field by field: %q %s → %s", reason, before, after)
	}
	admin.page("/admin/users/new")
	resp, doc = postDoc(t, admin, "/admin/users", url.Values{"username": {"kl.agent"}, "role": {"agent"},
		"branch": {"KUL-01"}, "countries": {"MY"}, "reason": {"new hire"}})
	if resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(doc.Find(`#error-branch`).Text(), "not an active registered branch") {
		t.Errorf("an account in a disabled branch: %d %q", resp.StatusCode, doc.Find(`#error-branch`).Text())
	}
}
