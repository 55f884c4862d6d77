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
	ErrPasswordsOff   = errors.New("sign in with the identity provider: local passwords are off")
)

// LockedError says until when a username or address is locked.
type LockedError struct{ Until time.Time }

func (e LockedError) Error() string {
	return fmt.Sprintf("too many failed attempts: try again after %s", e.Until.UTC().Format("15:04:05 UTC"))
}

// Service logs users in and checks their passwords.
type Service struct {
	DB          *store.DB
	Hasher      *Hasher
	Now         func() time.Time
	Sleep       func(context.Context, time.Duration) error // nil: a real wait; tests move their clock
	RequireTOTP bool                                       // supervisors and admins must have a second factor
	Secrets     *Sealer                                    // encrypts second-factor secrets; nil: none can be enrolled

	PasswordsOff    bool   // single sign-on only: local passwords refused but for BreakGlassAdmin
	BreakGlassAdmin string // the administrator who may still sign in locally
}

// Attempt is what a login form sends.
type Attempt struct {
	Username, Password, OTP, ClientIP string
}

// NeedsTOTP tells whether u must enrol a second factor before anything else (at first sign-in).
func (s *Service) NeedsTOTP(u store.User) bool {
	return s.RequireTOTP && u.Role != store.RoleAgent && u.TOTPSecret == ""
}

// Login checks an attempt under the throttling of throttle.go. Failures are counted and
// audited; a success clears the count of the username at this address. The caller starts
// the session and records the success with it.
func (s *Service) Login(ctx context.Context, a Attempt) (store.User, error) {
	if err := s.throttle(ctx, a.Username, a.ClientIP); err != nil {
		return store.User{}, err
	}
	if s.PasswordsOff && (s.BreakGlassAdmin == "" || a.Username != s.BreakGlassAdmin) {
		return store.User{}, s.fail(ctx, a.Username, a.ClientIP, loginFailure(ctx, store.User{}, ErrPasswordsOff))
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
	case !ok || !user.Active || (s.PasswordsOff && user.Role != store.RoleAdmin):
		return user, s.fail(ctx, a.Username, a.ClientIP, loginFailure(ctx, user, ErrBadCredentials))
	case user.TOTPSecret != "" && a.OTP == "":
		return user, ErrOTPNeeded // not a failure: the form asks for the code
	case user.TOTPSecret != "":
		ok, err := s.secondFactor(ctx, user, a.OTP)
		if err != nil {
			return user, err
		}
		if !ok {
			return user, s.fail(ctx, a.Username, a.ClientIP, loginFailure(ctx, user, ErrBadCredentials))
		}
	}
	return user, store.ClearLoginFailures(ctx, s.DB.Pool, pairKey(a.Username, a.ClientIP))
}

// CheckPassword checks the password of a signed-in user (the password page, the approval
// step-up) under the same throttling as sign-in, sharing its counts: a guess here is a guess
// there. A wrong one is counted, and failure (the caller's event, its reason the refusal)
// recorded with the count; the answer is ErrBadCredentials or a LockedError.
func (s *Service) CheckPassword(ctx context.Context, u store.User, password string, failure audit.Event) error {
	address := audit.ActorFrom(ctx).ClientIP
	if err := s.throttle(ctx, u.Username, address); err != nil {
		return err
	}
	ok, err := s.Hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil {
		return err
	}
	if !ok {
		failure.Reason = ErrBadCredentials.Error()
		return s.fail(ctx, u.Username, address, refusal{failure, ErrBadCredentials})
	}
	return store.ClearLoginFailures(ctx, s.DB.Pool, pairKey(u.Username, address))
}

// refusal is a failed check: its event and the error the caller gets.
type refusal struct {
	event audit.Event
	err   error
}

func loginFailure(ctx context.Context, user store.User, why error) refusal {
	e := audit.Event{Actor: audit.ActorFrom(ctx), Action: audit.LoginFailure, EntityType: "user",
		EntityID: entityID(user), Reason: why.Error(), Outcome: audit.Failure}
	e.Branch = user.Branch // the supervisor of the account's branch sees attempts on it
	return refusal{e, why}
}

// throttle refuses a check while the username at this address, or the address, is locked,
// and makes it wait while the username has many recent failures from anywhere.
func (s *Service) throttle(ctx context.Context, username, address string) error {
	now := s.Now()
	for _, k := range throttleKeys(username, address) {
		f, err := store.LoginFailuresFor(ctx, s.DB.Pool, k.name)
		if err != nil {
			return err
		}
		if now.Before(f.LockedUntil) {
			return LockedError{Until: f.LockedUntil}
		}
		if d := DelayFor(decayed(f, now)); k.name == usernameKey(username) && d > 0 {
			return s.wait(ctx, d)
		}
	}
	return nil
}

func (s *Service) wait(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	return sleep(ctx, d)
}

// fail counts a failure against every key of the check and records r's event; the first key
// to lock turns the answer into a LockedError, recorded too.
func (s *Service) fail(ctx context.Context, username, address string, r refusal) error {
	var locked *LockedError
	err := s.DB.InTx(ctx, func(tx pgx.Tx) error {
		for _, k := range throttleKeys(username, address) {
			f, err := store.AddLoginFailure(ctx, tx, k.name, s.Now(), DecayStep, k.lockFor)
			if err != nil {
				return err
			}
			if !f.LockedUntil.IsZero() && locked == nil {
				locked = &LockedError{Until: f.LockedUntil}
			}
		}
		e := r.event
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
	return r.err
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
