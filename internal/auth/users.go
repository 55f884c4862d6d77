package auth

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/branches"
	"kycportal/internal/packs"
	"kycportal/internal/store"
)

// NewUser is what an administrator gives to create an account.
type NewUser struct {
	Username, DisplayName, Role, Branch string
	Countries                           []string
	MustChangePassword                  bool // the first login asks for a new password
}

var (
	usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)
)

// InvalidError says, field by field, what is wrong with an account's details.
type InvalidError map[string]string

func (e InvalidError) Error() string {
	fields := slices.Sorted(maps.Keys(e))
	lines := make([]string, len(fields))
	for i, f := range fields {
		lines[i] = strings.ReplaceAll(f, "_", " ") + ": " + e[f]
	}
	return strings.Join(lines, "\n")
}

// Validate explains what is wrong with n, or returns nil.
func (n NewUser) Validate() error {
	bad := InvalidError{}
	if !usernamePattern.MatchString(n.Username) {
		bad["username"] = "2 to 64 characters of a-z, 0-9, dot, dash or underscore, starting with a letter or digit"
	}
	switch n.Role {
	case store.RoleAgent, store.RoleSupervisor, store.RoleAdmin:
	default:
		bad["role"] = fmt.Sprintf("%q is not agent, supervisor or admin", n.Role)
	}
	if n.Branch == "" || len(n.Branch) > 50 {
		bad["branch"] = "1 to 50 characters"
	}
	if len(n.DisplayName) > 100 {
		bad["display_name"] = "at most 100 characters"
	}
	for _, c := range n.Countries {
		if _, ok := packs.Default().Latest(c); !ok {
			bad["countries"] = fmt.Sprintf("%q is not a country the portal has a pack for (%s)", c, packCountries())
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return bad
}

func packCountries() string {
	var out []string
	for _, p := range packs.Default().Countries() {
		out = append(out, p.Country)
	}
	return strings.Join(out, ", ")
}

// activeBranch refuses a branch the registry does not hold as active, in words for the form.
func activeBranch(ctx context.Context, tx pgx.Tx, code string) error {
	err := branches.CheckActive(ctx, tx, code)
	if errors.Is(err, branches.ErrUnknown) {
		return InvalidError{"branch": fmt.Sprintf("%q is not an active registered branch (portal branch list)", code)}
	}
	return err
}

// ParseCountries reads a list such as "AE, my".
func ParseCountries(list string) []string {
	var out []string
	for _, c := range strings.Split(list, ",") {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// CreateUser checks n and password, then creates the account and its audit event together.
func (a *Accounts) CreateUser(ctx context.Context, n NewUser, password, reason string) (store.User, error) {
	if n.DisplayName == "" {
		n.DisplayName = n.Username
	}
	if err := errors.Join(n.Validate(), CheckPolicy(password, n.Username)); err != nil {
		return store.User{}, err
	}
	hash, err := a.Hasher.Hash(ctx, password)
	if err != nil {
		return store.User{}, err
	}
	var created store.User
	err = audit.Apply(ctx, a.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		if err := activeBranch(ctx, tx, n.Branch); err != nil {
			return audit.Event{}, err
		}
		created, err = store.CreateUser(ctx, tx, store.User{Username: n.Username, DisplayName: n.DisplayName,
			Role: n.Role, Branch: n.Branch, Countries: n.Countries, PasswordHash: hash,
			MustChangePassword: n.MustChangePassword})
		return audit.Event{Action: audit.UserCreated, EntityType: "user", EntityID: fmt.Sprint(created.ID),
			After:  map[string]any{"username": n.Username, "role": n.Role, "branch": n.Branch, "countries": n.Countries},
			Reason: reason}, err
	})
	return created, err
}

// SetActive disables (ending every session at once) or re-enables an account, audited.
func (a *Accounts) SetActive(ctx context.Context, username string, active bool, reason string) error {
	return audit.Apply(ctx, a.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		u, err := store.UserByUsername(ctx, tx, username)
		if err != nil {
			return audit.Event{}, err
		}
		action := audit.UserEnabled
		if !active {
			action = audit.UserDisabled
		}
		return audit.Event{Action: action, EntityType: "user", EntityID: fmt.Sprint(u.ID),
			Before: map[string]bool{"active": u.Active}, After: map[string]bool{"active": active},
			Reason: reason}, store.SetUserActive(ctx, tx, u.ID, active)
	})
}

// EnrollTOTP gives username a new second-factor secret, encrypted by a.Secrets, and returns
// its otpauth:// URL, to be shown once as text or a QR code.
func (a *Accounts) EnrollTOTP(ctx context.Context, username string) (string, error) {
	key, err := NewTOTPKey(username)
	if err != nil {
		return "", err
	}
	err = audit.Apply(ctx, a.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		u, err := store.UserByUsername(ctx, tx, username)
		if err != nil {
			return audit.Event{}, err
		}
		sealed, err := a.Secrets.Seal(u.ID, key.Secret())
		if err != nil {
			return audit.Event{}, err
		}
		return audit.Event{Action: audit.UserTOTPSet, EntityType: "user", EntityID: fmt.Sprint(u.ID)},
			errors.Join(store.SetTOTPSecret(ctx, tx, u.ID, sealed), store.ReplaceRecoveryCodes(ctx, tx, u.ID, nil))
	})
	return key.URL(), err
}
