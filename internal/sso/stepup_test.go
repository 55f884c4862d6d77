package sso

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"kycportal/internal/oidctest"
)

// TestStepUpNeedsAFreshAuthentication: the provider's ID token after a step-up must carry an
// auth_time no earlier than when the step-up began, less the clock skew allowed.
func TestStepUpNeedsAFreshAuthentication(t *testing.T) {
	t.Parallel()
	op := oidctest.Start(t, []oidctest.User{agent}, redirect)
	s, in := signedIn(t, op)
	ctx := context.Background()
	stepUp := func(since time.Time) error {
		to, pending, err := s.BeginStepUp(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if q, _ := url.Parse(to); q.Query().Get("prompt") != "login" || q.Query().Get("max_age") != "0" {
			t.Errorf("step-up request without prompt=login and max_age=0: %s", to)
		}
		back := op.SignIn(to, agent.Username, agent.Password)
		return s.Reauthenticated(ctx, back.Query().Get("code"), pending, in.User, since)
	}
	if err := stepUp(time.Now()); err != nil {
		t.Fatalf("a step-up just now: %v", err)
	}
	if err := stepUp(time.Now().Add(clockSkew + time.Minute)); !errors.Is(err, ErrStepUp) {
		t.Errorf("an authentication older than the step-up: err = %v, want ErrStepUp", err)
	}
}
