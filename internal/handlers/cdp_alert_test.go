package handlers

import (
	"strings"
	"testing"

	"kycportal/internal/cdp/sandbox"
	"kycportal/internal/store"
)

// TestTokenFailureBannerForAdmins: once the CDP's token endpoint fails, every page an
// administrator opens says so; agents see their search fail, not the operator's banner.
func TestTokenFailureBannerForAdmins(t *testing.T) {
	t.Parallel()
	se := newSearchEnv(t, noLimit, func(c *sandbox.Config) { c.TokenFail = true })
	name, _ := se.user(store.RoleAdmin)
	admin := se.client()
	admin.signIn(name)
	if _, doc := admin.page("/admin/users"); testID(doc, "ops-alert").Length() != 0 {
		t.Fatal("an alert before anything failed")
	}
	agent := se.agent("amal", "DXB-01", "AE")
	agent.page("/search")
	agent.searchID("AE", "4", "784199012345676", true)
	_, doc := admin.page("/admin/users")
	if got := testID(doc, "ops-alert").Text(); !strings.Contains(got, "token endpoint has been failing since ") ||
		!strings.Contains(got, "Check the CDP's status") {
		t.Errorf("admin's banner = %q", got)
	}
	if _, doc := agent.page("/search"); testID(doc, "ops-alert").Length() != 0 {
		t.Error("an agent got the operator's banner")
	}
}
