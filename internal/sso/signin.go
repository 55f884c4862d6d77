package sso

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/singleflight"

	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/config"
	"kycportal/internal/store"
)

// ErrRefused marks a sign-in the portal refuses (wrapping why); it was audited.
var ErrRefused = errors.New("sign-in refused")

// Why a sign-in through the provider is refused; each is shown to the user and audited.
var (
	ErrNoRole = errors.New(
		"your account at the identity provider grants no role in the portal: ask your administrator",
	)
	ErrNotProvisioned = errors.New("no portal account is linked to your sign-in: ask an administrator to create one")
	ErrUsernameTaken  = errors.New(
		"a portal account with your username exists and is not linked to the identity provider: ask an administrator",
	)
	ErrDisabled      = errors.New("your portal account is disabled")
	ErrUnknownBranch = errors.New("the identity provider names a branch the portal does not know: ask your administrator")
)

// Service signs users in through the provider and keeps their accounts in step with the claims.
type Service struct {
	*Provider
	DB         *store.DB
	Secrets    *auth.Sealer // seals the tokens our sessions keep
	cfg        config.OIDC
	breakGlass string // never linked to a provider subject
	refreshes  singleflight.Group
}

// NewService is the single sign-on of cfg; breakGlass names the local admin account that
// stays local whatever the provider says; secrets seals the provider's tokens in our sessions.
func NewService(db *store.DB, cfg config.OIDC, breakGlass string, secrets *auth.Sealer) *Service {
	return &Service{Provider: NewProvider(cfg), DB: db, cfg: cfg, breakGlass: breakGlass, Secrets: secrets}
}

// SignIn finds or makes the account of the claims and brings its role, branch and countries
// in line with them, each change audited. Claims that grant no role (or cannot be read)
// refuse the sign-in and end every session of the account.
func (s *Service) SignIn(ctx context.Context, claims Claims) (store.User, Identity, error) {
	id, mapErr := Map(s.cfg, claims)
	user, err := store.UserByOIDCSubject(ctx, s.DB.Pool, id.Subject)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return user, id, err
	}
	if mapErr == nil && id.Role == "" {
		mapErr = ErrNoRole
	}
	if mapErr == nil {
		mapErr = auth.NewUser{Username: id.Username, DisplayName: id.DisplayName, Role: id.Role,
			Branch: id.Branch, Countries: id.Countries}.Validate()
	}
	if mapErr != nil {
		return user, id, s.refuse(ctx, user, id, mapErr)
	}
	if user.ID != 0 && !user.Active {
		return user, id, s.refuse(ctx, user, id, ErrDisabled)
	}
	if id.Branch != user.Branch {
		known, err := store.BranchInUse(ctx, s.DB.Pool, id.Branch)
		if err != nil {
			return user, id, err
		}
		if !known {
			return user, id, s.refuse(ctx, user, id, fmt.Errorf("%w (%q)", ErrUnknownBranch, id.Branch))
		}
	}
	if user.ID == 0 {
		user, err = s.firstSignIn(ctx, id)
	} else {
		user, err = s.update(ctx, user, id)
	}
	return user, id, err
}

// refuse records why a sign-in was refused and ends the account's sessions: access the
// directory no longer grants ends now, not at the sessions' timeout.
func (s *Service) refuse(ctx context.Context, user store.User, id Identity, reason error) error {
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		e := userEvent(ctx, audit.SSORefused, user)
		e.Outcome = audit.Failure
		e.Reason = reason.Error()
		e.After = map[string]any{"username": id.Username, "role": id.Role}
		if user.ID == 0 {
			return e, nil
		}
		return e, store.DeleteUserSessions(ctx, tx, user.ID)
	})
	if err != nil {
		return err
	}
	return refused(reason)
}

// refused is the error of a sign-in refused for reason, as the login page shows it.
func refused(reason error) error { return fmt.Errorf("%w: %w", ErrRefused, reason) }

// SignedIn is a sign-in through the provider that the portal accepted.
type SignedIn struct {
	User      store.User
	SessionID string // the provider's session (sid), "" when it sends none
	Grant     string // sealed: what our session keeps to ask the provider again (Recheck)
}

// Complete finishes a sign-in the provider sent back: the code exchanged and the ID token
// checked (a refused token is audited), then SignIn.
func (s *Service) Complete(ctx context.Context, code string, pending Pending) (SignedIn, error) {
	claims, tok, err := s.Finish(ctx, code, pending)
	if errors.Is(err, ErrToken) {
		return SignedIn{}, s.refuse(ctx, store.User{}, Identity{}, err)
	}
	if err != nil {
		return SignedIn{}, err
	}
	user, id, err := s.SignIn(ctx, claims)
	if err != nil {
		return SignedIn{}, err
	}
	grant, err := s.seal(user.ID, s.newGrant(tok, claims))
	return SignedIn{User: user, SessionID: id.SessionID, Grant: grant}, err
}

// firstSignIn links the subject to an account: a new one (just-in-time provisioning), or,
// when accounts must pre-exist, the one an administrator made under the same username.
func (s *Service) firstSignIn(ctx context.Context, id Identity) (store.User, error) {
	existing, err := store.UserByUsername(ctx, s.DB.Pool, id.Username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return existing, err
	}
	switch {
	case existing.ID == 0 && !s.cfg.Provision:
		return existing, s.refuse(ctx, existing, id, ErrNotProvisioned)
	case existing.ID != 0 && (s.cfg.Provision || existing.Username == s.breakGlass):
		// A local account is never taken over by a provider user who shares its name.
		return existing, s.refuse(ctx, store.User{}, id, ErrUsernameTaken)
	case existing.ID != 0:
		return s.link(ctx, existing, id)
	}
	var created store.User
	err = audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		created, err = store.CreateUser(ctx, tx, store.User{Username: id.Username, DisplayName: id.DisplayName,
			Role: id.Role, Branch: id.Branch, Countries: id.Countries})
		if err != nil {
			return audit.Event{}, err
		}
		e := userEvent(ctx, audit.SSOProvisioned, created)
		e.After = map[string]any{"username": id.Username, "role": id.Role, "branch": id.Branch, "countries": id.Countries}
		return e, store.LinkOIDCSubject(ctx, tx, created.ID, id.Subject)
	})
	if errors.Is(err, store.ErrConflict) {
		return created, s.refuse(ctx, store.User{}, id, ErrUsernameTaken)
	}
	return created, err
}

// link ties a pre-existing account to the subject, then aligns it with the claims.
func (s *Service) link(ctx context.Context, u store.User, id Identity) (store.User, error) {
	subject, err := store.OIDCSubjectOf(ctx, s.DB.Pool, u.ID)
	if err != nil {
		return u, err
	}
	if subject != "" { // linked to another subject: not this person's account
		return u, s.refuse(ctx, store.User{}, id, ErrUsernameTaken)
	}
	err = audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		return userEvent(ctx, audit.SSOLinked, u), store.LinkOIDCSubject(ctx, tx, u.ID, id.Subject)
	})
	if err != nil {
		return u, err
	}
	return s.update(ctx, u, id)
}

// update re-reads role, branch, countries and name from the claims, recording what changed.
func (s *Service) update(ctx context.Context, u store.User, id Identity) (store.User, error) {
	before, after := map[string]any{}, map[string]any{}
	note := func(name string, old, new any, same bool) {
		if !same {
			before[name], after[name] = old, new
		}
	}
	note("role", u.Role, id.Role, u.Role == id.Role)
	note("branch", u.Branch, id.Branch, u.Branch == id.Branch)
	note("countries", u.Countries, id.Countries, slices.Equal(u.Countries, id.Countries))
	note("display_name", u.DisplayName, id.DisplayName, u.DisplayName == id.DisplayName)
	if len(after) == 0 {
		return u, nil
	}
	u.Role = id.Role
	u.Branch = id.Branch
	u.Countries = id.Countries
	u.DisplayName = id.DisplayName
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		e := userEvent(ctx, audit.SSOClaimsChanged, u)
		e.Before = before
		e.After = after
		e.Reason = "claims of the identity provider"
		return e, store.UpdateUserProfile(ctx, tx, u)
	})
	return u, err
}

// EndSessions carries out a verified back-channel logout: the sessions of the provider
// session it names, or else every session of its subject.
func (s *Service) EndSessions(ctx context.Context, l Logout) error {
	return audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		e := userEvent(ctx, audit.SSOBackchannelEnded, store.User{})
		e.After = map[string]any{"sid": l.SessionID}
		if l.SessionID != "" {
			ids, err := store.DeleteSessionsOfOIDCSession(ctx, tx, l.SessionID)
			if len(ids) > 0 {
				e.EntityID = fmt.Sprint(ids[0])
			}
			return e, err
		}
		u, err := store.UserByOIDCSubject(ctx, tx, l.Subject)
		if errors.Is(err, store.ErrNotFound) {
			return e, nil
		}
		if err != nil {
			return e, err
		}
		e.EntityID, e.Branch = fmt.Sprint(u.ID), u.Branch
		return e, store.DeleteUserSessions(ctx, tx, u.ID)
	})
}

// userEvent is an event about account u (none yet: "unknown"), filed under its branch so
// that the branch's supervisor sees it.
func userEvent(ctx context.Context, a audit.Action, u store.User) audit.Event {
	e := audit.Event{Actor: audit.ActorFrom(ctx), Action: a, EntityType: "user", EntityID: "unknown"}
	if u.ID != 0 {
		e.EntityID, e.Branch = fmt.Sprint(u.ID), u.Branch
	}
	return e
}
