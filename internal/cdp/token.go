package cdp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Tokens are handled here rather than by golang.org/x/oauth2: its TokenSource cannot fall back
// to a password grant when a refresh is refused, has no way to drop a token the API just
// answered 401 to, refreshes at a fixed delta instead of a share of the lifetime, and refreshes
// under the context it was built with instead of the caller's.

type token struct {
	access, refresh string
	refreshAt       time.Time // when the access token is due for an early refresh
	refreshExpiry   time.Time // zero: the CDP gave the refresh token no lifetime
}

type tokenResponse struct {
	AccessToken      string `json:"access_token"`
	TokenType        string `json:"token_type"`
	ExpiresIn        int    `json:"expires_in"`
	RefreshToken     string `json:"refresh_token"`
	RefreshExpiresIn int    `json:"refresh_expires_in"`
}

// refusedError is a token request the CDP answered with an error that another attempt with
// the same form would not fix (invalid_grant, invalid_client, an unreadable token).
type refusedError struct {
	status int
	code   string
}

func (e *refusedError) Error() string {
	return fmt.Sprintf("token request refused: HTTP %d %s", e.status, e.code)
}

func tokenFailure(err error) Result {
	var refused *refusedError
	if errors.As(err, &refused) {
		return Result{Outcome: AuthFailed, Status: refused.status, Err: err}
	}
	return Result{Outcome: Unavailable, Err: err}
}

// accessToken returns a token that is neither due for refresh nor stale (the one the API just
// answered 401 to). Callers queue on sem, so however many arrive together, one token request
// is made and the rest take its token.
func (c *Client) accessToken(ctx context.Context, stale string) (string, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-c.sem }()
	if c.tok.access != "" && c.tok.access != stale && c.now().Before(c.tok.refreshAt) {
		return c.tok.access, nil
	}
	if err := c.health.wait(c.now()); err != nil {
		return "", err
	}
	t, err := c.newToken(ctx)
	c.noteToken(ctx, err)
	if err != nil {
		return "", err
	}
	c.tok = t
	return t.access, nil
}

// tokenHealth remembers a failing token endpoint, so that while it fails the calls of
// every user and worker are answered at once with its last error instead of each asking
// again: one token request per cool-down, however many calls arrive.
type tokenHealth struct {
	failures int       // consecutive failed token requests
	since    time.Time // when the first of them failed
	retryAt  time.Time // no token request before this
	err      error     // the last failure
}

// tokenCooldown is 1 s after the first failure, doubling to at most a minute.
func tokenCooldown(failures int) time.Duration {
	return min(time.Second<<min(failures-1, 6), time.Minute)
}

// wait is the remembered failure while the cool-down lasts, else nil.
func (h *tokenHealth) wait(now time.Time) error {
	if h.failures == 0 || !now.Before(h.retryAt) {
		return nil
	}
	return fmt.Errorf("token endpoint failing since %s, not asked again before %s: %w",
		h.since.UTC().Format(time.TimeOnly), h.retryAt.UTC().Format(time.TimeOnly), h.err)
}

// noteToken records how a token request went and tells operators when the endpoint starts
// failing (one ERROR line, the gauge at 0, TokenFailingSince for the admins' banner) and
// when it recovers. A caller that gave up is no news about the endpoint.
func (c *Client) noteToken(ctx context.Context, err error) {
	h := &c.health
	switch {
	case err == nil && h.failures > 0:
		c.log.InfoContext(ctx, "CDP token endpoint recovered", "endpoint", "token", "failed_requests", h.failures,
			"down_ms", c.now().Sub(h.since).Milliseconds())
		fallthrough
	case err == nil:
		*h = tokenHealth{}
		c.failingSince.Store(0)
		c.tokenUp.Set(1)
		return
	case errors.Is(err, context.Canceled):
		return
	case h.failures == 0:
		h.since = c.now()
		c.failingSince.Store(h.since.UnixNano())
		c.tokenUp.Set(0)
		c.log.ErrorContext(ctx, "CDP token endpoint failing: no CDP call can be made until it answers; "+
			"check the CDP's status, CDP_CLIENT_ID, CDP_USERNAME and their secrets", "endpoint", "token", "error", err.Error())
	}
	h.failures++
	h.err = err
	h.retryAt = c.now().Add(tokenCooldown(h.failures))
}

// TokenFailingSince is when the CDP's token endpoint started failing; zero while it answers.
func (c *Client) TokenFailingSince() time.Time {
	n := c.failingSince.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// newToken refreshes while the refresh token lives and falls back to the password grant when
// there is none or the CDP refuses it.
func (c *Client) newToken(ctx context.Context) (token, error) {
	if c.tok.refresh != "" && (c.tok.refreshExpiry.IsZero() || c.now().Before(c.tok.refreshExpiry)) {
		t, err := c.grant(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.tok.refresh}})
		var refused *refusedError
		if !errors.As(err, &refused) {
			return t, err
		}
	}
	form := url.Values{"grant_type": {"password"}, "username": {c.cfg.Username}, "password": {c.cfg.Password}}
	if c.cfg.Scope != "" {
		form.Set("scope", c.cfg.Scope)
	}
	return c.grant(ctx, form)
}

// grant makes one token request and records it. It is not retried here: the call that needs
// the token retries as a whole.
func (c *Client) grant(ctx context.Context, form url.Values) (token, error) {
	form.Set("client_id", c.cfg.ClientID)
	form.Set("client_secret", c.cfg.ClientSecret)
	start := time.Now()
	t, status, err := c.requestToken(ctx, form)
	outcome := "ok"
	if err != nil {
		outcome = tokenFailure(err).Outcome.String()
	}
	c.record(
		ctx,
		callLog{
			endpoint: "token",
			outcome:  outcome,
			failed:   err != nil,
			status:   status,
			attempts: 1,
			grant:    form.Get("grant_type"),
			err:      err,
		},
		start,
	)
	return t, err
}

func (c *Client) requestToken(ctx context.Context, form url.Values) (token, int, error) {
	issued := c.now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+TokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		return token{}, 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, body, err := c.do(req)
	switch {
	case err != nil:
		return token{}, 0, err
	case status == http.StatusTooManyRequests || status >= 500:
		return token{}, status, fmt.Errorf("token endpoint answered HTTP %d", status)
	case status != http.StatusOK:
		var oauth struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &oauth) // the status alone is enough to refuse
		return token{}, status, &refusedError{status: status, code: oauth.Error}
	}
	t, err := parseToken(body, issued)
	if err != nil {
		return token{}, status, &refusedError{status: status, code: err.Error()}
	}
	return t, status, nil
}

func parseToken(body []byte, issued time.Time) (token, error) {
	var r tokenResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return token{}, fmt.Errorf("unreadable token answer: %w", err)
	}
	if r.AccessToken == "" || r.ExpiresIn <= 0 || !strings.EqualFold(r.TokenType, "bearer") {
		return token{}, errors.New("token answer without a bearer token and its lifetime")
	}
	life := time.Duration(r.ExpiresIn) * time.Second
	t := token{access: r.AccessToken, refresh: r.RefreshToken, refreshAt: issued.Add(life - refreshMargin(life))}
	if r.RefreshExpiresIn > 0 {
		t.refreshExpiry = issued.Add(time.Duration(r.RefreshExpiresIn) * time.Second)
	}
	return t, nil
}

// refreshMargin is how long before expiry a token is replaced: the larger of 60 s and 10 % of
// its lifetime, but never more than half of it, or a short-lived token would never be used.
func refreshMargin(life time.Duration) time.Duration {
	return min(max(time.Minute, life/10), life/2)
}
