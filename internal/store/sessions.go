package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SessionRow is a server-side session. IDHash is the SHA-256 of the cookie's token.
type SessionRow struct {
	IDHash     []byte
	UserID     int64 // 0 before login
	CSRFToken  string
	Values     map[string]string
	ClientIP   string
	CreatedAt  time.Time
	LastSeenAt time.Time
	// User is the session's user as SessionByHash read it with the session, in the same
	// statement: the zero User (ID 0) when the session has none or the user row is gone.
	// SaveSession ignores it.
	User User
}

// SessionByHash loads a session and its user in one statement: every signed-in request
// needs both, and one round trip instead of two is a tenth of an audited search's.
func SessionByHash(ctx context.Context, q Querier, idHash []byte) (SessionRow, error) {
	s := SessionRow{IDHash: idHash}
	u := &s.User
	err := q.QueryRow(ctx, `SELECT coalesce(s.user_id, 0), s.csrf_token, s.values, s.client_ip, s.created_at,
		s.last_seen_at,
			coalesce(u.id, 0), coalesce(u.username, ''), coalesce(u.display_name, ''), coalesce(u.role, ''),
			coalesce(u.branch, ''), coalesce(u.countries, '{}'), coalesce(u.password_hash, ''),
			coalesce(u.must_change_password, false), coalesce(u.totp_secret, ''), coalesce(u.active, false),
			coalesce(u.created_at, 'epoch'), coalesce(u.language, '')
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`, idHash).
		Scan(&s.UserID, &s.CSRFToken, &s.Values, &s.ClientIP, &s.CreatedAt, &s.LastSeenAt,
			&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Branch, &u.Countries, &u.PasswordHash,
			&u.MustChangePassword, &u.TOTPSecret, &u.Active, &u.CreatedAt, &u.Language)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("store.SessionByHash: %w", err)
	}
	return s, nil
}

// SaveSession inserts or updates a session.
func SaveSession(ctx context.Context, q Querier, s SessionRow) error {
	_, err := q.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, values, client_ip, created_at, last_seen_at)
		VALUES ($1, nullif($2, 0), $3, $4, $5, $6, $7)
		ON CONFLICT (id_hash) DO UPDATE SET values = excluded.values, last_seen_at = excluded.last_seen_at`,
		s.IDHash, s.UserID, s.CSRFToken, s.Values, s.ClientIP, s.CreatedAt, s.LastSeenAt)
	if err != nil {
		return fmt.Errorf("store.SaveSession: %w", err)
	}
	return nil
}

// SetSessionValue sets one value of a session, and nothing else: not its activity.
func SetSessionValue(ctx context.Context, q Querier, idHash []byte, key, value string) error {
	_, err := q.Exec(
		ctx,
		`UPDATE sessions SET values = values || jsonb_build_object($2::text, $3::text) WHERE id_hash = $1`,
		idHash,
		key,
		value,
	)
	if err != nil {
		return fmt.Errorf("store.SetSessionValue: %w", err)
	}
	return nil
}

// TouchSession records activity on a session.
func TouchSession(ctx context.Context, q Querier, idHash []byte, at time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1`, idHash, at); err != nil {
		return fmt.Errorf("store.TouchSession: %w", err)
	}
	return nil
}

// DeleteSession ends one session and says whether this call removed it: of two requests
// that end the same session at once, only one did, and only that one records it.
func DeleteSession(ctx context.Context, q Querier, idHash []byte) (removed bool, err error) {
	tag, err := q.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	if err != nil {
		return false, fmt.Errorf("store.DeleteSession: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// DeleteUserSessions ends every session of a user.
func DeleteUserSessions(ctx context.Context, q Querier, userID int64) error {
	if _, err := q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("store.DeleteUserSessions(%d): %w", userID, err)
	}
	return nil
}

// EndUserSessions ends every session of a user, leaving each as an anonymous session that
// says why it ended (values' "ended"), so that the user's next click can say so; the
// janitor removes it with the other idle sessions.
func EndUserSessions(ctx context.Context, q Querier, userID int64, why string) error {
	_, err := q.Exec(ctx, `UPDATE sessions SET user_id = NULL, values = jsonb_build_object('ended', $2::text)
		WHERE user_id = $1`, userID, why)
	if err != nil {
		return fmt.Errorf("store.EndUserSessions(%d): %w", userID, err)
	}
	return nil
}

// DeleteOtherUserSessions ends every session of a user but the one named by keepRef.
func DeleteOtherUserSessions(ctx context.Context, q Querier, userID int64, keepRef string) error {
	_, err := q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1
		AND encode(substring(id_hash from 1 for 6), 'hex') <> $2`, userID, keepRef)
	if err != nil {
		return fmt.Errorf("store.DeleteOtherUserSessions(%d): %w", userID, err)
	}
	return nil
}

// DeleteSessionsIdleSince removes sessions unused since the given time; it returns how many.
func DeleteSessionsIdleSince(ctx context.Context, q Querier, since time.Time) (int64, error) {
	tag, err := q.Exec(ctx, `DELETE FROM sessions WHERE last_seen_at < $1`, since)
	if err != nil {
		return 0, fmt.Errorf("store.DeleteSessionsIdleSince: %w", err)
	}
	return tag.RowsAffected(), nil
}

// UserSession is an active session as an administrator sees it: never its token.
type UserSession struct {
	Ref        string // hex of the first 6 bytes of the token's hash
	ClientIP   string
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// ListUserSessions lists a user's sessions, most recently used first.
func ListUserSessions(ctx context.Context, q Querier, userID int64) ([]UserSession, error) {
	rows, err := q.Query(ctx, `SELECT encode(substring(id_hash from 1 for 6), 'hex'), client_ip, created_at, last_seen_at
		FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store.ListUserSessions(%d): %w", userID, err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[UserSession])
	if err != nil {
		return nil, fmt.Errorf("store.ListUserSessions(%d): %w", userID, err)
	}
	return list, nil
}

// DeleteUserSessionByRef ends one session of a user, named by its reference.
func DeleteUserSessionByRef(ctx context.Context, q Querier, userID int64, ref string) error {
	tag, err := q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1
		AND encode(substring(id_hash from 1 for 6), 'hex') = $2`, userID, ref)
	if err != nil {
		return fmt.Errorf("store.DeleteUserSessionByRef(%d): %w", userID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store.DeleteUserSessionByRef(%d): %w", userID, ErrNotFound)
	}
	return nil
}
