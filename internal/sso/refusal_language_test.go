package sso

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"kycportal/internal/config"
	"kycportal/internal/i18n"
	"kycportal/internal/store"
)

// TestRefusalsReadInEveryLanguage: every refusal of a sign-in the login page shows (its
// English text is what the trail keeps) reads in Arabic and Malay with no English word left.
func TestRefusalsReadInEveryLanguage(t *testing.T) {
	t.Parallel()
	cfg := config.OIDC{UsernameClaim: "preferred_username", RoleClaim: "groups", BranchClaim: "branch",
		RoleValues: map[string][]string{store.RoleAgent: {"kyc-agents"}, store.RoleSupervisor: {"kyc-checkers"}}}
	reasons := []error{ErrNoRole, ErrNotProvisioned, ErrUsernameTaken, ErrDisabled,
		fmt.Errorf("%w (%q)", ErrUnknownBranch, "XYZ-01")}
	for _, c := range []Claims{
		{},
		{"iss": "i", "sub": "s", "preferred_username": "!"},
		{"iss": "i", "sub": "s", "preferred_username": "amal", "groups": []any{"kyc-agents", "kyc-checkers"}},
		{"iss": "i", "sub": "s", "preferred_username": "amal", "groups": []any{"kyc-agents"}},
	} {
		_, err := Map(cfg, c)
		if !errors.Is(err, ErrClaims) {
			t.Fatalf("claims %v: %v, want ErrClaims", c, err)
		}
		reasons = append(reasons, err)
	}
	english := map[string]bool{"the": true, "your": true, "refused": true, "ask": true,
		"cannot": true, "and": true, "must": true, "no": true, "is": true, "claim": true, "sign": true}
	for _, code := range []string{"ar", "ms"} {
		l := i18n.Pick(code, "")
		for _, reason := range reasons {
			message := refused(reason).Error()
			got := l.Say(message)
			for _, word := range strings.FieldsFunc(got, func(r rune) bool { return !unicode.IsLetter(r) }) {
				if english[word] {
					t.Errorf("%s: %q reads %q, with the English %q", code, message, got, word)
					break
				}
			}
		}
	}
}
