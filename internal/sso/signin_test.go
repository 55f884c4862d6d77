package sso

import (
	"context"
	"errors"
	"testing"
	"time"

	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

func claimsOf(sub, username, role string) Claims {
	return Claims{"iss": "https://idp.example", "sub": sub, "preferred_username": username,
		"family_name": role, "phone_number": "DXB-01", "given_name": "AE", "sid": "sid-" + sub}
}

// signInEnv is a database with one local account in DXB-01 (a branch the portal knows).
func signInEnv(t *testing.T, provision bool) (*Service, *store.DB) {
	t.Helper()
	db := testdb.Open(t)
	_, err := store.CreateUser(context.Background(), db.Pool, store.User{Username: "local.admin", DisplayName: "Local",
		Role: store.RoleAdmin, Branch: "DXB-01", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig("https://idp.example")
	cfg.Provision = provision
	return NewService(db, cfg, "local.admin", nil), db
}

func TestSignInNeverTakesOverALocalAccount(t *testing.T) {
	t.Parallel()
	s, _ := signInEnv(t, true)
	ctx := context.Background()
	if _, _, err := s.SignIn(ctx, claimsOf("1", "local.admin", "kyc-admins")); !errors.Is(err, ErrUsernameTaken) {
		t.Errorf("provider user named like a local account: err = %v, want ErrUsernameTaken", err)
	}
	c := claimsOf("2", "newcomer", "kyc-agents")
	c["phone_number"] = "NOWHERE-9"
	if _, _, err := s.SignIn(ctx, c); !errors.Is(err, ErrUnknownBranch) {
		t.Errorf("unknown branch: err = %v, want ErrUnknownBranch", err)
	}
}

func TestSignInWithAccountsThatMustPreExist(t *testing.T) {
	t.Parallel()
	s, db := signInEnv(t, false)
	ctx := context.Background()
	if _, _, err := s.SignIn(ctx, claimsOf("1", "stranger", "kyc-agents")); !errors.Is(err, ErrNotProvisioned) {
		t.Errorf("no account: err = %v, want ErrNotProvisioned", err)
	}
	if _, err := store.CreateUser(ctx, db.Pool, store.User{Username: "omar", DisplayName: "Omar", Role: store.RoleAgent,
		Branch: "DXB-01", PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	u, _, err := s.SignIn(ctx, claimsOf("2", "omar", "kyc-supervisors"))
	if err != nil || u.Role != store.RoleSupervisor {
		t.Fatalf("pre-existing account: %+v, %v", u, err)
	}
	if _, _, err := s.SignIn(ctx, claimsOf("3", "omar", "kyc-agents")); !errors.Is(err, ErrUsernameTaken) {
		t.Errorf("a second subject on a linked account: err = %v, want ErrUsernameTaken", err)
	}
}

func TestEndSessionsBySessionAndBySubject(t *testing.T) {
	t.Parallel()
	s, db := signInEnv(t, true)
	ctx := context.Background()
	for _, sub := range []string{"1", "2"} {
		u, id, err := s.SignIn(ctx, claimsOf(sub, "user"+sub, "kyc-agents"))
		if err != nil {
			t.Fatal(err)
		}
		for i, sid := range []string{id.SessionID, "other-" + sub} {
			hash := []byte(sub + string(rune('a'+i)))
			now := time.Now()
			if err := store.SaveSession(ctx, db.Pool, store.SessionRow{IDHash: hash, UserID: u.ID, CSRFToken: "t",
				Values: map[string]string{"oidc_sid": sid}, CreatedAt: now, LastSeenAt: now}); err != nil {
				t.Fatal(err)
			}
		}
	}
	left := func() int {
		var n int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := s.EndSessions(ctx, Logout{SessionID: "sid-1"}); err != nil || left() != 3 {
		t.Fatalf("by sid: %v, %d sessions left, want 3", err, left())
	}
	if err := s.EndSessions(ctx, Logout{Subject: "https://idp.example 2"}); err != nil || left() != 1 {
		t.Fatalf("by subject: %v, %d sessions left, want 1", err, left())
	}
}
