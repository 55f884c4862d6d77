package handlers

import (
	"net/http"
	"net/url"
	"testing"

	"kycportal/internal/store"
)

// TestAuditFiltersRefuseBytesPostgreSQLWouldNot: a NUL or invalid UTF-8 in a filter, as
// wapiti sends, is the input gate's 400, never a 500.
func TestAuditFiltersRefuseBytesPostgreSQLWouldNot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, _ := e.user(store.RoleSupervisor)
	c := e.client()
	c.signIn(name)
	for _, bad := range []string{"a\x00b", "\xff\xfe", "\x00"} {
		resp, _ := c.page("/audit?" + url.Values{"agent": {bad}, "customer": {bad}, "branch": {bad}}.Encode())
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET /audit with %q: %d, want 400", bad, resp.StatusCode)
		}
		resp = c.post("/audit/by-id", url.Values{"id_number": {"784" + bad}})
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Errorf("POST /audit/by-id with %q: %d", bad, resp.StatusCode)
		}
	}
}
