package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// Accounts is what administrators (and users, for their own password) do to accounts.
// Each change and its audit event, with the reason, commit together.
type Accounts struct {
	DB      *store.DB
	Hasher  *Hasher
	Secrets *Sealer // encrypts second-factor secrets; nil: none can be enrolled
}

// ErrSelf refuses an administrator's change that would lock themselves out.
var ErrSelf = errors.New("you cannot do this to your own account: ask another administrator")

// Profile is what an administrator may edit of an account.
type Profile struct {
	DisplayName, Role, Branch string
	Countries                 []string
}

func (p Profile) validate() error {
	return NewUser{
		Username:    "placeholder",
		DisplayName: p.DisplayName,
		Role:        p.Role,
		Branch:      p.Branch,
		Countries:   p.Countries,
	}.Validate()
}

// UpdateProfile edits an account and records the fields that changed, before and after.
func (a *Accounts) UpdateProfile(ctx context.Context, actorID, id int64, p Profile, reason string) error {
	if err := p.validate(); err != nil {
		return err
	}
	return audit.Apply(ctx, a.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		u, err := store.UserByID(ctx, tx, id)
		if err != nil {
			return audit.Event{}, err
		}
		if id == actorID && p.Role != u.Role {
			return audit.Event{}, ErrSelf
		}
		if p.Branch != u.Branch {
			if err := activeBranch(ctx, tx, p.Branch); err != nil {
				return audit.Event{}, err
			}
		}
		before, after := profileDiff(u, p)
		u.DisplayName = p.DisplayName
		u.Role = p.Role
		u.Branch = p.Branch
		u.Countries = p.Countries
		return userEvent(audit.UserUpdated, id, reason, before, after), store.UpdateUserProfile(ctx, tx, u)
	})
}

// profileDiff keeps the fields that change, so the trail shows a field-level history.
func profileDiff(u store.User, p Profile) (before, after map[string]any) {
	before, after = map[string]any{}, map[string]any{}
	add := func(name string, old, new any, same bool) {
		if !same {
			before[name], after[name] = old, new
		}
	}
	add("display_name", u.DisplayName, p.DisplayName, u.DisplayName == p.DisplayName)
	add("role", u.Role, p.Role, u.Role == p.Role)
	add("branch", u.Branch, p.Branch, u.Branch == p.Branch)
	add("countries", u.Countries, p.Countries, slices.Equal(u.Countries, p.Countries))
	return before, after
}

// SetActiveByID disables (ending every session) or re-enables an account from the admin pages.
func (a *Accounts) SetActiveByID(ctx context.Context, actorID, id int64, active bool, reason string) error {
	if id == actorID && !active {
		return ErrSelf
	}
	u, err := store.UserByID(ctx, a.DB.Pool, id)
	if err != nil {
		return err
	}
	return a.SetActive(ctx, u.Username, active, reason)
}

// ResetPassword gives an account a new random password, to be shown once, that must be
// changed at the next login. Its sessions end: the old password may be known to someone;
// its failed sign-ins are forgotten: they were guesses at the old one.
func (a *Accounts) ResetPassword(ctx context.Context, id int64, reason string) (string, error) {
	password := GeneratePassword()
	hash, err := a.Hasher.Hash(ctx, password)
	if err != nil {
		return "", err
	}
	err = audit.Apply(ctx, a.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		u, err := store.UserByID(ctx, tx, id)
		if err != nil {
			return audit.Event{}, err
		}
		if _, err := clearThrottling(ctx, tx, u.Username); err != nil {
			return audit.Event{}, err
		}
		if err := store.SetPassword(ctx, tx, id, hash, true); err != nil {
			return audit.Event{}, err
		}
		return userEvent(audit.UserPasswordReset, id, reason, nil, nil), store.DeleteUserSessions(ctx, tx, id)
	})
	return password, err
}

// Unlock clears the sign-in throttling of an account, and records how many keys it held.
func (a *Accounts) Unlock(ctx context.Context, username, reason string) error {
	return audit.Apply(ctx, a.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		u, err := store.UserByUsername(ctx, tx, username)
		if err != nil {
			return audit.Event{}, err
		}
		n, err := clearThrottling(ctx, tx, u.Username)
		return userEvent(audit.UserUnlocked, u.ID, reason, nil, map[string]int64{"throttling_keys_cleared": n}), err
	})
}

// clearThrottling forgets the failed sign-ins of username: its own count and its counts at
// each address. The counts of the addresses themselves stay: they are not the account's.
func clearThrottling(ctx context.Context, tx pgx.Tx, username string) (int64, error) {
	return store.ClearLoginFailuresWithPrefix(ctx, tx, usernameKey(username), pairKey(username, ""))
}

// UnlockByID is Unlock from the admin pages.
func (a *Accounts) UnlockByID(ctx context.Context, id int64, reason string) error {
	u, err := store.UserByID(ctx, a.DB.Pool, id)
	if err != nil {
		return err
	}
	return a.Unlock(ctx, u.Username, reason)
}

// ResetTOTP removes an account's second factor and its recovery codes; its owner enrols a
// new one on /account/totp (or with `portal user totp`).
func (a *Accounts) ResetTOTP(ctx context.Context, id int64, reason string) error {
	return audit.Apply(ctx, a.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		return userEvent(audit.UserTOTPReset, id, reason, nil, nil),
			errors.Join(store.SetTOTPSecret(ctx, tx, id, ""), store.ReplaceRecoveryCodes(ctx, tx, id, nil))
	})
}

// EndSession ends one session of an account.
func (a *Accounts) EndSession(ctx context.Context, id int64, ref, reason string) error {
	return audit.Apply(ctx, a.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		e := userEvent(audit.SessionEnded, id, reason, map[string]string{"session": ref}, nil)
		return e, store.DeleteUserSessionByRef(ctx, tx, id, ref)
	})
}

// ChangePassword replaces the user's own password after checking the current one (a wrong
// one counts as a failed sign-in: ErrBadCredentials or a LockedError), and ends every session
// of the user but the one that asked (keep): whoever else held one may be why the password
// changes. The caller renews that one.
func (s *Service) ChangePassword(ctx context.Context, u store.User, keep, current, next string) error {
	refused := userEvent(audit.UserPasswordRefused, u.ID, "", nil, nil)
	refused.Outcome = audit.Failure
	if err := s.CheckPassword(ctx, u, current, refused); err != nil {
		return err
	}
	if err := CheckPolicy(next, u.Username); err != nil {
		return err
	}
	if err := notRecent(ctx, s.DB, s.Hasher, u, next); err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	return audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		if err := store.SetPassword(ctx, tx, u.ID, hash, false); err != nil {
			return audit.Event{}, err
		}
		return userEvent(audit.UserPasswordChanged, u.ID, "", nil, nil), store.DeleteOtherUserSessions(ctx, tx, u.ID, keep)
	})
}

// notRecent refuses a password that is one of the user's last five: the current one and
// those the history keeps.
func notRecent(ctx context.Context, db *store.DB, h *Hasher, u store.User, password string) error {
	hashes, err := store.PasswordHistory(ctx, db.Pool, u.ID)
	if err != nil {
		return err
	}
	for _, hash := range append([]string{u.PasswordHash}, hashes...) {
		same, err := h.Verify(ctx, hash, password)
		if err != nil {
			return err
		}
		if same {
			return PolicyError(fmt.Sprintf("the new password must differ from your last %d", store.PasswordHistoryKept+1))
		}
	}
	return nil
}

func userEvent(a audit.Action, id int64, reason string, before, after any) audit.Event {
	return audit.Event{
		Action:     a,
		EntityType: "user",
		EntityID:   fmt.Sprint(id),
		Reason:     reason,
		Before:     before,
		After:      after,
	}
}

// ByID is one account.
func (a *Accounts) ByID(ctx context.Context, id int64) (store.User, error) {
	return store.UserByID(ctx, a.DB.Pool, id)
}

// List is every account, for the administrators' list.
func (a *Accounts) List(ctx context.Context) ([]store.User, error) {
	return store.ListUsers(ctx, a.DB.Pool)
}

// Sessions are an account's open sessions.
func (a *Accounts) Sessions(ctx context.Context, id int64) ([]store.UserSession, error) {
	return store.ListUserSessions(ctx, a.DB.Pool, id)
}

// ByUsername is one account, by its username.
func (a *Accounts) ByUsername(ctx context.Context, username string) (store.User, error) {
	return store.UserByUsername(ctx, a.DB.Pool, username)
}

// SetLanguage saves the interface language u chose, audited with before and after.
func (a *Accounts) SetLanguage(ctx context.Context, u store.User, lang string) error {
	return audit.Apply(ctx, a.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		return userEvent(
				audit.UserLanguageSet,
				u.ID,
				"",
				map[string]string{"language": u.Language},
				map[string]string{"language": lang},
			),
			store.SetUserLanguage(
				ctx,
				tx,
				u.ID,
				lang,
			)
	})
}
