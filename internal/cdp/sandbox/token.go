package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"
	"time"
)

// tokens are the issued access and refresh tokens with their expiry.
type tokens struct {
	mu      sync.Mutex
	access  map[string]time.Time
	refresh map[string]time.Time
}

func newTokens() *tokens {
	return &tokens{access: map[string]time.Time{}, refresh: map[string]time.Time{}}
}

func (t *tokens) issue(now time.Time, accessTTL, refreshTTL time.Duration) (access, refresh string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, m := range []map[string]time.Time{t.access, t.refresh} {
		for tok, exp := range m {
			if !now.Before(exp) {
				delete(m, tok)
			}
		}
	}
	access, refresh = rand.Text(), rand.Text()
	t.access[access] = now.Add(accessTTL)
	t.refresh[refresh] = now.Add(refreshTTL)
	return access, refresh
}

func (t *tokens) valid(access string, now time.Time) bool { return t.live(t.access, access, now) }

func (t *tokens) validRefresh(refresh string, now time.Time) bool {
	return t.live(t.refresh, refresh, now)
}

func (t *tokens) live(m map[string]time.Time, tok string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	exp, ok := m[tok]
	return ok && now.Before(exp)
}

func bearer(r *http.Request) string {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return tok
}

type tokenAnswer struct {
	TokenType        string `json:"token_type"`
	AccessToken      string `json:"access_token"`
	ExpiresIn        int    `json:"expires_in"`
	RefreshExpiresIn int    `json:"refresh_expires_in"`
	RefreshToken     string `json:"refresh_token"`
	Scope            string `json:"scope"`
	NotBeforePolicy  int    `json:"not-before-policy"`
	SessionState     string `json:"session_state"`
}

type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// token is Keycloak's token endpoint for realm cdp: password and refresh_token grants.
func (s *Sandbox) token(w http.ResponseWriter, r *http.Request) {
	if s.cfg.TokenFail {
		writeJSON(
			w,
			http.StatusServiceUnavailable,
			oauthError{"temporarily_unavailable", "token endpoint disabled by CDP_SANDBOX_TOKEN_FAIL"},
		)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	status, refusal := s.checkGrant(r)
	if refusal.Error != "" {
		writeJSON(w, status, refusal)
		return
	}
	now := s.cfg.Now()
	access, refresh := s.tokens.issue(now, s.cfg.TokenTTL, s.cfg.RefreshTTL)
	writeJSON(w, http.StatusOK, tokenAnswer{
		TokenType:        "bearer",
		AccessToken:      access,
		ExpiresIn:        int(s.cfg.TokenTTL / time.Second),
		RefreshExpiresIn: int(s.cfg.RefreshTTL / time.Second),
		RefreshToken:     refresh,
		Scope:            r.PostForm.Get("scope"),
		SessionState:     rand.Text(),
	})
}

// checkGrant answers the OAuth error a form deserves, or an empty one when it earns a token.
func (s *Sandbox) checkGrant(r *http.Request) (int, oauthError) {
	if err := r.ParseForm(); err != nil {
		return http.StatusBadRequest, oauthError{"invalid_request", "unreadable form"}
	}
	for name, values := range r.PostForm {
		if len(values) > 1 {
			return http.StatusBadRequest, oauthError{"invalid_request", "duplicated parameter " + name}
		}
	}
	f, creds := r.PostForm, s.cfg.CDP
	if !same(f.Get("client_id"), creds.ClientID) || !same(f.Get("client_secret"), creds.ClientSecret) {
		return http.StatusUnauthorized, oauthError{"invalid_client", "Invalid client or Invalid client credentials"}
	}
	switch f.Get("grant_type") {
	case "password":
		if !same(f.Get("username"), creds.Username) || !same(f.Get("password"), creds.Password) {
			return http.StatusUnauthorized, oauthError{"invalid_grant", "Invalid user credentials"}
		}
		if scope := f.Get("scope"); scope != "" && scope != creds.Scope {
			return http.StatusBadRequest, oauthError{"invalid_scope", "Invalid scopes: " + scope}
		}
	case "refresh_token":
		if !s.tokens.validRefresh(f.Get("refresh_token"), s.cfg.Now()) {
			return http.StatusBadRequest, oauthError{"invalid_grant", "Invalid refresh token"}
		}
	default:
		return http.StatusBadRequest, oauthError{"unsupported_grant_type", "Unsupported grant_type"}
	}
	return http.StatusOK, oauthError{}
}

func same(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
