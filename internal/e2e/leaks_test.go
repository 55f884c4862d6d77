package e2e

import (
	"slices"
	"testing"
)

// TestLeakPatterns: the scan knows a token, a cookie and a number on the card when it sees
// one, and leaves the portal's own lines about grants alone.
func TestLeakPatterns(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]bool{
		`{"msg":"cdp call","endpoint":"token","grant":"refresh_token","status":200}`: false,
		`{"msg":"request","route":"/drafts/:id","status":303}`:                       false,
		`{"headers":{"Authorization":"Bearer eyJhbGciOiJSUzI1NiJ9"}}`:                true,
		`{"msg":"x","access_token":"abc"}`:                                           true,
		`Cookie: __Host-kyc_session=Zm9vYmFy`:                                        true,
	} {
		if got := tokenShapes.MatchString(line); got != want {
			t.Errorf("%s: flagged %v, want %v", line, got, want)
		}
	}
	forms := idNumberForms([]string{"784199012345676", "900101145678"})
	for _, want := range []string{"784-1990-1234567-6", "900101-14-5678"} {
		if !slices.Contains(forms, want) {
			t.Errorf("forms %v lack %s", forms, want)
		}
	}
}
