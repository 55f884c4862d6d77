package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// Reasons a login is refused. The page shows one generic message for bad credentials so
// that it does not reveal which usernames exist.
var (
	ErrBadCredentials = errors.New("unknown username or wrong password")
	ErrOTPNeeded      = errors.New("enter the code of your authenticator app")
	ErrOTPNotEnrolled = errors.New("your role needs a second factor: ask an administrator to enrol one")
)

// LockedError says until when a username or address is locked.
type LockedError struct{ Until time.Time }

func (e LockedError) Error() string {
	return fmt.Sprintf("too many failed attempts: try again after %s", e.Until.UTC().Format("15:04:05 UTC"))
}

// Service logs users in.
type Service struct {
	DB          *store.DB
	Hasher      *Hasher
	Now         func() time.Time
	RequireTOTP bool // supervisors and admins must have a second factor
}

// Attempt is what a login form sends.
type Attempt struct {
	Username, Password, OTP, ClientIP string
}

func (a Attempt) keys() []string { return []string{"user:" + a.Username, "ip:" + a.ClientIP} }

// Login checks an attempt. Failures are counted and audited; a success clears the counts.
// The caller starts the session and records the success with it.
func (s *Service) Login(ctx context.Context, a Attempt) (store.User, error) {
	if err := s.checkLocks(ctx, a); err != nil {
		return store.User{}, err
	}
	user, err := store.UserByUsername(ctx, s.DB.Pool, a.Username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return user, err
	}
	ok, err := s.Hasher.Verify(ctx, user.PasswordHash, a.Password)
	if err != nil {
		return user, err
	}
	switch {
	case !ok || !user.Active:
		return user, s.fail(ctx, a, user, ErrBadCredentials)
	case user.TOTPSecret == "" && s.RequireTOTP && user.Role != store.RoleAgent:
		return user, s.fail(ctx, a, user, ErrOTPNotEnrolled)
	case user.TOTPSecret != "" && a.OTP == "":
		return user, ErrOTPNeeded // not a failure: the form asks for the code
	case user.TOTPSecret != "" && !s.validOTP(user.TOTPSecret, a.OTP):
		return user, s.fail(ctx, a, user, ErrBadCredentials)
	}
	return user, store.ClearLoginFailures(ctx, s.DB.Pool, a.keys()...)
}

func (s *Service) checkLocks(ctx context.Context, a Attempt) error {
	for _, key := range a.keys() {
		f, err := store.LoginFailuresFor(ctx, s.DB.Pool, key)
		if err != nil {
			return err
		}
		if s.Now().Before(f.LockedUntil) {
			return LockedError{Until: f.LockedUntil}
		}
	}
	return nil
}

// fail counts a failure against the username and the address and audits it; the first
// key to lock turns the answer into a LockedError.
func (s *Service) fail(ctx context.Context, a Attempt, user store.User, reason error) error {
	var locked *LockedError
	err := s.DB.InTx(ctx, func(tx pgx.Tx) error {
		for _, key := range a.keys() {
			f, err := store.AddLoginFailure(ctx, tx, key, s.Now(), LockFor)
			if err != nil {
				return err
			}
			if !f.LockedUntil.IsZero() && locked == nil {
				locked = &LockedError{Until: f.LockedUntil}
			}
		}
		e := audit.Event{Actor: audit.ActorFrom(ctx), Action: audit.LoginFailure, EntityType: "user",
			EntityID: entityID(user), Reason: reason.Error(), Outcome: audit.Failure}
		e.Branch = user.Branch // the supervisor of the account's branch sees attempts on it
		if err := audit.Record(ctx, tx, e); err != nil {
			return err
		}
		if locked == nil {
			return nil
		}
		e.Action, e.Reason = audit.LoginLocked, locked.Error()
		return audit.Record(ctx, tx, e)
	})
	if err != nil {
		return err
	}
	if locked != nil {
		return *locked
	}
	return reason
}

// entityID names the account tried without echoing a username that does not exist.
func entityID(u store.User) string {
	if u.ID == 0 {
		return "unknown"
	}
	return fmt.Sprint(u.ID)
}

func (s *Service) validOTP(secret, code string) bool {
	ok, err := totp.ValidateCustom(code, secret, s.Now(), totp.ValidateOpts{
		Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	return err == nil && ok
}
