package sso

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kycportal/internal/store"
)

// ErrStepUp says the provider did not show that the user signed in again just now, or that
// someone else did.
var ErrStepUp = errors.New("the identity provider did not confirm the user again")

// clockSkew is how far the provider's clock may be behind ours when its auth_time is
// compared with the moment the step-up began.
const clockSkew = 30 * time.Second

// Reauthenticated finishes a step-up the provider sent back (BeginStepUp): the code
// exchanged and the ID token checked by go-oidc (signature, issuer, audience, expiry, and
// its nonce), then that it names u's linked subject and that its auth_time is no earlier
// than since, when the step-up began. A provider that ignored prompt=login answers with the
// time of an earlier sign-in and is refused.
func (s *Service) Reauthenticated(
	ctx context.Context, code string, pending Pending, u store.User, since time.Time,
) error {
	claims, _, err := s.Finish(ctx, code, pending)
	if errors.Is(err, ErrToken) {
		return fmt.Errorf("%w: %v", ErrStepUp, err)
	}
	if err != nil {
		return err
	}
	subject, err := store.OIDCSubjectOf(ctx, s.DB.Pool, u.ID)
	if err != nil {
		return err
	}
	if subject == "" || claims.str("iss")+" "+claims.str("sub") != subject {
		return fmt.Errorf("%w: another user signed in at the provider", ErrStepUp)
	}
	return authenticatedSince(claims, since)
}

// authenticatedSince checks the auth_time claim against since.
func authenticatedSince(c Claims, since time.Time) error {
	at, ok := c["auth_time"].(float64)
	if !ok {
		return fmt.Errorf("%w: the ID token has no auth_time", ErrStepUp)
	}
	if time.Unix(int64(at), 0).Before(since.Add(-clockSkew)) {
		return fmt.Errorf("%w: the provider last authenticated the user at %s, before the step-up began", ErrStepUp,
			time.Unix(int64(at), 0).UTC().Format(time.RFC3339))
	}
	return nil
}
