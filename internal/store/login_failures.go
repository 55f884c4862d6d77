package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// LoginFailures is the failure count of one throttling key.
type LoginFailures struct {
	Failures    int
	LockedUntil time.Time // zero when not locked
}

// LoginFailuresFor reads the count of a key; an unknown key has none.
func LoginFailuresFor(ctx context.Context, q Querier, key string) (LoginFailures, error) {
	var f LoginFailures
	var locked *time.Time
	err := q.QueryRow(ctx, `SELECT failures, locked_until FROM login_failures WHERE key = $1`, key).
		Scan(&f.Failures, &locked)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("store.LoginFailuresFor: %w", err)
	}
	if locked != nil {
		f.LockedUntil = *locked
	}
	return f, nil
}

// AddLoginFailure counts one more failure for key and sets its lock, returning the new count.
// lockFor maps the new count to how long the key stays locked (zero: not locked).
func AddLoginFailure(ctx context.Context, q Querier, key string, at time.Time, lockFor func(int) time.Duration) (LoginFailures, error) {
	var f LoginFailures
	err := q.QueryRow(ctx, `INSERT INTO login_failures (key, failures, last_failure_at) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures + 1, last_failure_at = $2
		RETURNING failures`, key, at).Scan(&f.Failures)
	if err != nil {
		return f, fmt.Errorf("store.AddLoginFailure: %w", err)
	}
	if d := lockFor(f.Failures); d > 0 {
		f.LockedUntil = at.Add(d)
		if _, err := q.Exec(ctx, `UPDATE login_failures SET locked_until = $2 WHERE key = $1`, key, f.LockedUntil); err != nil {
			return f, fmt.Errorf("store.AddLoginFailure: %w", err)
		}
	}
	return f, nil
}

// ClearLoginFailures forgets the failures of the given keys after a successful login.
func ClearLoginFailures(ctx context.Context, q Querier, keys ...string) error {
	if _, err := q.Exec(ctx, `DELETE FROM login_failures WHERE key = ANY($1)`, keys); err != nil {
		return fmt.Errorf("store.ClearLoginFailures: %w", err)
	}
	return nil
}
