package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// UserByOIDCSubject finds the account an identity provider's subject signed in to.
func UserByOIDCSubject(ctx context.Context, q Querier, subject string) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE oidc_subject = $1`, subject))
	if err != nil {
		return u, fmt.Errorf("store.UserByOIDCSubject: %w", err)
	}
	return u, nil
}

// OIDCSubjectOf is the provider subject linked to an account, "" when none is.
func OIDCSubjectOf(ctx context.Context, q Querier, id int64) (string, error) {
	var subject string
	err := q.QueryRow(ctx, `SELECT coalesce(oidc_subject, '') FROM users WHERE id = $1`, id).Scan(&subject)
	if err != nil {
		return "", fmt.Errorf("store.OIDCSubjectOf(%d): %w", id, err)
	}
	return subject, nil
}

// LinkOIDCSubject ties an account to a provider subject.
func LinkOIDCSubject(ctx context.Context, q Querier, id int64, subject string) error {
	_, err := q.Exec(ctx, `UPDATE users SET oidc_subject = $2, updated_at = now() WHERE id = $1`, id, subject)
	if isUniqueViolation(err) {
		return fmt.Errorf("store.LinkOIDCSubject(%d): %w", id, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store.LinkOIDCSubject(%d): %w", id, err)
	}
	return nil
}

// DeleteSessionsOfOIDCSession ends the sessions started by one provider session (its sid)
// and returns the users they belonged to.
func DeleteSessionsOfOIDCSession(ctx context.Context, q Querier, sid string) ([]int64, error) {
	rows, err := q.Query(ctx, `DELETE FROM sessions WHERE values ? 'oidc_sid' AND values ->> 'oidc_sid' = $1
		RETURNING coalesce(user_id, 0)`, sid)
	if err != nil {
		return nil, fmt.Errorf("store.DeleteSessionsOfOIDCSession: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("store.DeleteSessionsOfOIDCSession: %w", err)
	}
	return ids, nil
}

// BranchInUse tells whether some account already belongs to branch: a branch named by the
// identity provider must be one the portal knows.
func BranchInUse(ctx context.Context, q Querier, branch string) (bool, error) {
	var ok bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE branch = $1)`, branch).Scan(&ok); err != nil {
		return false, fmt.Errorf("store.BranchInUse: %w", err)
	}
	return ok, nil
}
