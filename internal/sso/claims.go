package sso

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"kycportal/internal/config"
	"kycportal/internal/store"
)

// Claims are the claims of a sign-in: the ID token's over the userinfo answer's.
type Claims map[string]any

// Identity is what the claims say about the user, mapped to the portal's terms.
type Identity struct {
	Subject     string // "<issuer> <sub>": unique across providers, never reused
	SessionID   string // the provider's session (sid), for back-channel logout; may be ""
	Username    string
	DisplayName string
	Role        string // "" when the claims grant none
	Branch      string
	Countries   []string
}

// ErrClaims says the claims cannot be mapped: a claim missing or malformed, or two roles at once.
var ErrClaims = errors.New("the identity provider's claims cannot be used")

// roleOrder is the order in which roles are looked up in the claims; a user granted two is
// refused rather than given either (a maker and checker at once is a directory mistake).
var roleOrder = []string{store.RoleAgent, store.RoleSupervisor, store.RoleAdmin}

var usernameChars = regexp.MustCompile(`[^a-z0-9._-]+`)

// Map reads an Identity from claims under the mapping of cfg. A user whose claims grant no
// role gets an Identity with an empty Role and no error, so that the caller can end the
// sessions of an account that lost its access.
func Map(cfg config.OIDC, c Claims) (Identity, error) {
	id := Identity{Subject: c.str("iss") + " " + c.str("sub"), SessionID: c.str("sid")}
	if c.str("iss") == "" || c.str("sub") == "" {
		return id, fmt.Errorf("%w: no issuer or subject", ErrClaims)
	}
	id.Username = usernameChars.ReplaceAllString(strings.ToLower(c.str(cfg.UsernameClaim)), ".")
	if id.Username = strings.Trim(id.Username, ".-_"); len(id.Username) < 2 || len(id.Username) > 64 {
		return id, fmt.Errorf("%w: claim %s gives no usable username", ErrClaims, cfg.UsernameClaim)
	}
	id.DisplayName = c.str("name")
	if id.DisplayName == "" || utf8.RuneCountInString(id.DisplayName) > 100 {
		id.DisplayName = id.Username
	}
	granted := c.list(cfg.RoleClaim)
	for _, role := range roleOrder {
		if !slices.ContainsFunc(cfg.RoleValues[role], func(v string) bool { return slices.Contains(granted, v) }) {
			continue
		}
		if id.Role != "" {
			return id, fmt.Errorf("%w: claim %s grants both %s and %s", ErrClaims, cfg.RoleClaim, id.Role, role)
		}
		id.Role = role
	}
	if id.Role == "" {
		return id, nil
	}
	branches := c.list(cfg.BranchClaim)
	if len(branches) != 1 || len(branches[0]) > 50 {
		return id, fmt.Errorf("%w: claim %s must name exactly one branch", ErrClaims, cfg.BranchClaim)
	}
	id.Branch = branches[0]
	for _, country := range c.list(cfg.CountriesClaim) {
		id.Countries = append(id.Countries, strings.ToUpper(country))
	}
	slices.Sort(id.Countries)
	id.Countries = slices.Compact(id.Countries)
	return id, nil
}

// str is a claim that is a string, "" otherwise.
func (c Claims) str(name string) string {
	s, _ := c[name].(string)
	return strings.TrimSpace(s)
}

// list is a claim that is a list of strings, or one string of values separated by commas or
// spaces (as some providers send attributes).
func (c Claims) list(name string) []string {
	var out []string
	add := func(s string) {
		out = append(out, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	switch v := c[name].(type) {
	case string:
		add(v)
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				add(s)
			}
		}
	}
	return out
}
