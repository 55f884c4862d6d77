package sso

import (
	"context"
	"errors"
	"testing"
	"time"

	"kycportal/internal/auth"
	"kycportal/internal/oidctest"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

var testSecrets, _ = auth.NewSealer("the single sign-on tests' secrets key, 32 characters or more")

// signedIn signs agent in for real at op, asking for a refresh token, and returns the
// service and what our session would keep.
func signedIn(t *testing.T, op *oidctest.Provider) (*Service, SignedIn) {
	t.Helper()
	ctx := context.Background()
	db := testdb.Open(t)
	if _, err := store.CreateUser(ctx, db.Pool, store.User{Username: "local.admin", DisplayName: "Local",
		Role: store.RoleAdmin, Branch: "DXB-01", PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(op.Issuer)
	cfg.Scopes = append(cfg.Scopes, "offline_access")
	s := NewService(db, cfg, "local.admin", testSecrets)
	to, pending, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	back := op.SignIn(to, agent.Username, agent.Password)
	in, err := s.Complete(ctx, back.Query().Get("code"), pending)
	if err != nil {
		t.Fatal(err)
	}
	return s, in
}

// TestRecheckRefreshesAnExpiredAccessToken: our copy of the access token is marked expired
// (the provider's own lifetime is 5 minutes); the recheck refreshes it at the provider, whose
// refresh tokens are single-use, and a session without a refresh token must sign in again.
func TestRecheckRefreshesAnExpiredAccessToken(t *testing.T) {
	t.Parallel()
	op := oidctest.Start(t, []oidctest.User{agent}, redirect)
	s, in := signedIn(t, op)
	ctx := context.Background()
	g, err := s.open(in.User.ID, in.Grant)
	if err != nil || g.Refresh == "" || g.Access == "" {
		t.Fatalf("grant kept at sign-in: refresh token %t, access token %t, %v", g.Refresh != "", g.Access != "", err)
	}
	if _, err := s.open(in.User.ID+1, in.Grant); err == nil {
		t.Error("another account's session opened the grant")
	}
	if u, renewed, err := s.Recheck(ctx, in.User, in.Grant); err != nil || renewed != "" || u.Role != store.RoleAgent {
		t.Fatalf("recheck with a live token: %+v, renewed %t, %v", u, renewed != "", err)
	}
	g.Expiry = time.Now().Add(-time.Minute)
	expired, err := s.seal(in.User.ID, g)
	if err != nil {
		t.Fatal(err)
	}
	_, renewed, err := s.Recheck(ctx, in.User, expired)
	if err != nil || renewed == "" {
		t.Fatalf("recheck with an expired token: renewed %t, %v", renewed != "", err)
	}
	if next, err := s.open(in.User.ID, renewed); err != nil || next.Access == g.Access || next.Refresh == g.Refresh ||
		!next.Expiry.After(time.Now()) {
		t.Errorf(
			"the refreshed grant: %v; new access token %t, new refresh token %t",
			err,
			next.Access != g.Access,
			next.Refresh != g.Refresh,
		)
	}
	if _, _, err := s.Recheck(ctx, in.User, expired); !errors.Is(err, ErrGrantEnded) {
		t.Errorf("a spent refresh token again: err = %v, want ErrGrantEnded", err)
	}
	g.Refresh = ""
	noRefresh, _ := s.seal(in.User.ID, g)
	if _, _, err := s.Recheck(ctx, in.User, noRefresh); !errors.Is(err, ErrGrantEnded) {
		t.Errorf("an expired token and no refresh token: err = %v, want ErrGrantEnded", err)
	}
	if _, _, err := s.Recheck(ctx, in.User, "not a sealed grant"); !errors.Is(err, ErrGrantEnded) {
		t.Errorf("a session without a grant: err = %v, want ErrGrantEnded", err)
	}
}
