package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// LoginFailures is the failure count of one throttling key, as stored: the caller applies
// the decay since the last failure.
type LoginFailures struct {
	Failures      int
	LastFailureAt time.Time
	LockedUntil   time.Time // zero when not locked
}

// LoginFailuresFor reads the count of a key; an unknown key has none.
func LoginFailuresFor(ctx context.Context, q Querier, key string) (LoginFailures, error) {
	var f LoginFailures
	var locked *time.Time
	err := q.QueryRow(ctx, `SELECT failures, last_failure_at, locked_until FROM login_failures WHERE key = $1`, key).
		Scan(&f.Failures, &f.LastFailureAt, &locked)
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

// AddLoginFailure counts one more failure for key, after forgiving one for each decay that
// passed since its last failure, and sets its lock; it returns the new count. lockFor maps
// the count to how long the key stays locked (zero: not locked).
func AddLoginFailure(ctx context.Context, q Querier, key string, at time.Time, decay time.Duration,
	lockFor func(int) time.Duration) (LoginFailures, error) {
	f := LoginFailures{LastFailureAt: at}
	err := q.QueryRow(ctx, `INSERT INTO login_failures (key, failures, last_failure_at) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET last_failure_at = $2, failures = 1 + greatest(0, login_failures.failures
			- floor(extract(epoch FROM $2 - login_failures.last_failure_at) / $3)::integer)
		RETURNING failures`, key, at, decay.Seconds()).Scan(&f.Failures)
	if err != nil {
		return f, fmt.Errorf("store.AddLoginFailure: %w", err)
	}
	if d := lockFor(f.Failures); d > 0 {
		f.LockedUntil = at.Add(d)
	}
	if _, err := q.Exec(ctx, `UPDATE login_failures SET locked_until =
		$2 WHERE key = $1`, key, nullTime(f.LockedUntil)); err != nil {
		return f, fmt.Errorf("store.AddLoginFailure: %w", err)
	}
	return f, nil
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// ClearLoginFailures forgets the failures of the given keys.
func ClearLoginFailures(ctx context.Context, q Querier, keys ...string) error {
	if _, err := q.Exec(ctx, `DELETE FROM login_failures WHERE key = ANY($1)`, keys); err != nil {
		return fmt.Errorf("store.ClearLoginFailures: %w", err)
	}
	return nil
}

// ClearLoginFailuresWithPrefix forgets every key equal to one of exact or starting with
// prefix, and says how many there were.
func ClearLoginFailuresWithPrefix(ctx context.Context, q Querier, exact, prefix string) (int64, error) {
	tag, err := q.Exec(ctx, `DELETE FROM login_failures WHERE key = $1 OR left(key, length($2)) = $2`, exact, prefix)
	if err != nil {
		return 0, fmt.Errorf("store.ClearLoginFailuresWithPrefix: %w", err)
	}
	return tag.RowsAffected(), nil
}
