package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Roles a user can hold.
const (
	RoleAgent      = "agent"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// User is an account of the portal.
type User struct {
	ID                 int64
	Username           string
	DisplayName        string
	Role               string
	Branch             string
	Countries          []string
	PasswordHash       string
	MustChangePassword bool
	TOTPSecret         string
	Active             bool
	CreatedAt          time.Time
	Language           string // the interface language chosen, "" to follow the browser
}

const userColumns = `id, username, display_name, role, branch, countries, password_hash,
	must_change_password, coalesce(totp_secret, ''), active, created_at, coalesce(language, '')`

func scanUser(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Branch, &u.Countries,
		&u.PasswordHash, &u.MustChangePassword, &u.TOTPSecret, &u.Active, &u.CreatedAt, &u.Language)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// CreateUser inserts u and returns it with its id.
func CreateUser(ctx context.Context, q Querier, u User) (User, error) {
	row := q.QueryRow(ctx, `INSERT INTO users (username, display_name, role, branch, countries,
		password_hash, must_change_password, totp_secret, active)
		VALUES ($1, $2, $3, $4, coalesce($5, '{}'::text[]), $6, $7, nullif($8, ''), true) RETURNING `+userColumns,
		u.Username, u.DisplayName, u.Role, u.Branch, u.Countries, u.PasswordHash,
		u.MustChangePassword, u.TOTPSecret)
	created, err := scanUser(row)
	if isUniqueViolation(err) {
		return created, fmt.Errorf("store.CreateUser(%q): %w", u.Username, ErrConflict)
	}
	if err != nil {
		return created, fmt.Errorf("store.CreateUser(%q): %w", u.Username, err)
	}
	return created, nil
}

// UserByUsername finds an account by its username.
func UserByUsername(ctx context.Context, q Querier, username string) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, username))
	if err != nil {
		return u, fmt.Errorf("store.UserByUsername(%q): %w", username, err)
	}
	return u, nil
}

// UserByID finds an account by its id.
func UserByID(ctx context.Context, q Querier, id int64) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, fmt.Errorf("store.UserByID(%d): %w", id, err)
	}
	return u, nil
}

// ListUsers returns every account ordered by username.
func ListUsers(ctx context.Context, q Querier) ([]User, error) {
	rows, err := q.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("store.ListUsers: %w", err)
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) { return scanUser(r) })
	if err != nil {
		return nil, fmt.Errorf("store.ListUsers: %w", err)
	}
	return users, nil
}

// SessionEndedDisabled marks the sessions a disabling ended.
const SessionEndedDisabled = "disabled"

// SetUserActive enables or disables an account; disabling also ends all its sessions.
func SetUserActive(ctx context.Context, q Querier, id int64, active bool) error {
	tag, err := q.Exec(ctx, `UPDATE users SET active = $2, updated_at = now() WHERE id = $1`, id, active)
	if err != nil {
		return fmt.Errorf("store.SetUserActive(%d): %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store.SetUserActive(%d): %w", id, ErrNotFound)
	}
	if !active {
		return EndUserSessions(ctx, q, id, SessionEndedDisabled)
	}
	return nil
}

// CountUsers tells how many accounts exist.
func CountUsers(ctx context.Context, q Querier) (int, error) {
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store.CountUsers: %w", err)
	}
	return n, nil
}

// SetTOTPSecret stores a user's second-factor secret; an empty one removes it.
func SetTOTPSecret(ctx context.Context, q Querier, id int64, secret string) error {
	tag, err := q.Exec(ctx, `UPDATE users SET totp_secret = nullif($2, ''), updated_at = now() WHERE id = $1`, id, secret)
	if err != nil {
		return fmt.Errorf("store.SetTOTPSecret(%d): %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store.SetTOTPSecret(%d): %w", id, ErrNotFound)
	}
	return nil
}

// UpdateUserProfile changes what an administrator may edit of an account.
func UpdateUserProfile(ctx context.Context, q Querier, u User) error {
	tag, err := q.Exec(ctx, `UPDATE users SET display_name = $2, role = $3, branch = $4,
		countries = coalesce($5, '{}'::text[]), updated_at = now() WHERE id = $1`,
		u.ID, u.DisplayName, u.Role, u.Branch, u.Countries)
	if err != nil {
		return fmt.Errorf("store.UpdateUserProfile(%d): %w", u.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store.UpdateUserProfile(%d): %w", u.ID, ErrNotFound)
	}
	return nil
}

// SetPassword replaces a password hash, keeping the replaced one in the history; mustChange
// makes the next login ask for a new one.
func SetPassword(ctx context.Context, q Querier, id int64, hash string, mustChange bool) error {
	_, err := q.Exec(ctx, `INSERT INTO password_history (user_id, password_hash)
		SELECT id, password_hash FROM users WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store.SetPassword(%d): %w", id, err)
	}
	tag, err := q.Exec(ctx, `UPDATE users SET password_hash = $2, must_change_password = $3,
		updated_at = now() WHERE id = $1`, id, hash, mustChange)
	if err != nil {
		return fmt.Errorf("store.SetPassword(%d): %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store.SetPassword(%d): %w", id, ErrNotFound)
	}
	_, err = q.Exec(ctx, `DELETE FROM password_history WHERE user_id = $1 AND id NOT IN
		(SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)`, id, PasswordHistoryKept)
	if err != nil {
		return fmt.Errorf("store.SetPassword(%d): %w", id, err)
	}
	return nil
}

// PasswordHistoryKept is how many replaced passwords are kept: with the current one, the
// last five.
const PasswordHistoryKept = 4

// PasswordHistory is the hashes of a user's replaced passwords, newest first.
func PasswordHistory(ctx context.Context, q Querier, id int64) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT password_hash FROM password_history WHERE user_id = $1
		ORDER BY id DESC LIMIT $2`, id, PasswordHistoryKept)
	if err != nil {
		return nil, fmt.Errorf("store.PasswordHistory(%d): %w", id, err)
	}
	hashes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store.PasswordHistory(%d): %w", id, err)
	}
	return hashes, nil
}

// SetUserLanguage saves the interface language a user chose ("" follows the browser again).
func SetUserLanguage(ctx context.Context, q Querier, id int64, language string) error {
	if _, err := q.Exec(ctx, `UPDATE users SET language = nullif($2, ''), updated_at =
		now() WHERE id = $1`, id, language); err != nil {
		return fmt.Errorf("store.SetUserLanguage(%d): %w", id, err)
	}
	return nil
}
