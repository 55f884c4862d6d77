package audit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier is what a pool, a connection and a transaction offer.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Pool is a Querier that also starts transactions: a pgxpool.Pool.
type Pool interface {
	Querier
	Beginner
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// ErrNotFound: no such event, or none in the reader's scope.
var ErrNotFound = errors.New("audit event not found")

// The reviewers' reads.

// Filter selects events. Zero fields do not filter.
type Filter struct {
	Branch   string   // scope: the actor's branch
	Username string   // the actor
	Prefixes []string // action prefixes of a review group
	Customer string   // a draft reference (its number) or an ECRN: see customerEvents
	IDNumber string   // a normalised ID number: the drafts that hold it
	IDHMAC   string   // and the events that name it by its keyed hash (audit.IDRef)
	Outcome  string
	From, To time.Time // occurred_at in [From, To)
	BeforeID int64     // keyset cursor: events older than this one
	Limit    int
}

// customerEvents are the events of one customer named by a draft reference or an ECRN: its
// drafts and submissions, the CDP answers that carry its ECRN, and views of it by ECRN.
var customerEvents = eventsFound(`(entity_type IN ('draft', 'submission')
		AND entity_id = ANY(ARRAY[$?] || ARRAY(SELECT draft_id::text FROM submissions WHERE ecrn = $?)))
	OR (entity_type = 'customer' AND entity_id = $?) OR (after ? 'ecrn' AND after->>'ecrn' = $?)`)

// idNumberEvents are the events that name an ID number by its keyed hash, and those of the
// drafts that hold it.
var idNumberEvents = eventsFound(`(after ? 'id_hmac' AND after->>'id_hmac' = $?)
	OR (entity_type IN ('draft', 'submission') AND entity_id = ANY(ARRAY(SELECT id::text FROM drafts WHERE id_number = $?)))`)

// eventsFound selects the events cond finds, cond being an OR of parts each read off an
// index of its own (an array, not IN, and the partial indexes' own predicates). The ids are
// found first and the other filters applied to them: as one condition among the others, the
// planner walked the branch or primary key index hoping to meet the few matches, and read a
// branch's whole trail for one customer's drafts (7.7 s at 10M events) or the whole trail
// for an ID number (9.7 s); found first, they take a millisecond (docs/performance.md).
func eventsFound(cond string) string {
	return `id = ANY(ARRAY(SELECT id FROM audit_events WHERE ` + cond + `))`
}

// where builds the filter's condition; ids only grow, so "id < cursor" pages stay stable
// while new events arrive.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	// add appends a condition whose placeholders "$?" take args in order; with one arg, every
	// "$?" is that arg.
	add := func(cond string, vals ...any) {
		parts := strings.Split(cond, "$?")
		var b strings.Builder
		for i, part := range parts[:len(parts)-1] {
			if i < len(vals) {
				args = append(args, vals[i])
			}
			b.WriteString(part + "$" + strconv.Itoa(len(args)))
		}
		b.WriteString(parts[len(parts)-1])
		conds = append(conds, b.String())
	}
	if f.Branch != "" {
		add("actor_branch = $?", f.Branch)
	}
	if f.Username != "" {
		add("actor_username = $?", f.Username)
	}
	if len(f.Prefixes) > 0 {
		likes := make([]string, len(f.Prefixes))
		for i, p := range f.Prefixes {
			likes[i] = strings.ReplaceAll(p, "_", `\_`) + "%"
		}
		add("action LIKE ANY($?)", likes)
	}
	if f.Customer != "" {
		add(customerEvents, f.Customer)
	}
	if f.IDNumber != "" {
		add(idNumberEvents, f.IDHMAC, f.IDNumber)
	}
	if f.Outcome != "" {
		add("outcome = $?", f.Outcome)
	}
	if !f.From.IsZero() {
		add("occurred_at >= $?", f.From)
	}
	if !f.To.IsZero() {
		add("occurred_at < $?", f.To)
	}
	if f.BeforeID > 0 {
		add("id < $?", f.BeforeID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List returns up to f.Limit events, newest first.
func List(ctx context.Context, q Querier, f Filter) ([]Row, error) {
	where, args := f.where()
	args = append(args, f.Limit)
	rows, err := q.Query(ctx, `SELECT `+rowColumns+` FROM audit_events e`+where+
		` ORDER BY id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("audit.List: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Row, error) { return scanRow(r) })
	if err != nil {
		return nil, fmt.Errorf("audit.List: %w", err)
	}
	return list, nil
}

// Each calls fn for every event of f, newest first, one row in memory at a time.
func Each(ctx context.Context, q Querier, f Filter, fn func(Row) error) error {
	where, args := f.where()
	rows, err := q.Query(ctx, `SELECT `+rowColumns+` FROM audit_events e`+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return fmt.Errorf("audit.Each: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return fmt.Errorf("audit.Each: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("audit.Each: %w", err)
	}
	return nil
}

// ByID reads one event; a branch other than "" limits it to that scope.
func ByID(ctx context.Context, q Querier, id int64, branch string) (Row, error) {
	r, err := scanRow(q.QueryRow(ctx, `SELECT `+rowColumns+` FROM audit_events e
		WHERE id = $1 AND ($2 = '' OR actor_branch = $2)`, id, branch))
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("audit.ByID(%d): %w", id, err)
	}
	return r, nil
}

// Verification is the outcome of one check of the chain.
type Verification struct {
	At       time.Time
	By       string
	Scope    string // a branch, or "" for the whole chain
	Verified int64
	BrokenID int64
}

// SaveVerification keeps the outcome of a check for the reviewers' banner.
func SaveVerification(ctx context.Context, q Querier, v Verification) error {
	_, err := q.Exec(ctx, `INSERT INTO audit_verifications (at, by_username, scope, verified, broken_id)
		VALUES ($1, $2, $3, $4, nullif($5, 0))`, v.At, v.By, v.Scope, v.Verified, v.BrokenID)
	if err != nil {
		return fmt.Errorf("audit.SaveVerification: %w", err)
	}
	return nil
}

// LastVerification is the newest check covering scope (or the whole chain).
func LastVerification(ctx context.Context, q Querier, scope string) (Verification, error) {
	var v Verification
	err := q.QueryRow(ctx, `SELECT at, by_username, scope, verified, coalesce(broken_id, 0)
		FROM audit_verifications WHERE scope = $1 OR scope = '' ORDER BY at DESC, id DESC LIMIT 1`, scope).
		Scan(&v.At, &v.By, &v.Scope, &v.Verified, &v.BrokenID)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, ErrNotFound
	}
	if err != nil {
		return v, fmt.Errorf("audit.LastVerification: %w", err)
	}
	return v, nil
}

// CDPHealth is what the CDP calls recorded since some time tell of the CDP.
type CDPHealth struct {
	Calls, Failures int
	P50, P95        time.Duration
}

// CDPHealthSince reads the CDP's health off the attempts the submission worker records.
func CDPHealthSince(ctx context.Context, q Querier, since time.Time) (CDPHealth, error) {
	var h CDPHealth
	var p50, p95 *float64
	err := q.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE outcome <> 'success'),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY (after->>'latency_ms')::numeric),
			percentile_cont(0.95) WITHIN GROUP (ORDER BY (after->>'latency_ms')::numeric)
		FROM audit_events WHERE action = $1 AND occurred_at >= $2`, string(CDPAttempt), since).
		Scan(&h.Calls, &h.Failures, &p50, &p95)
	if err != nil {
		return h, fmt.Errorf("audit.CDPHealthSince: %w", err)
	}
	if p50 != nil {
		h.P50 = time.Duration(*p50 * float64(time.Millisecond))
		h.P95 = time.Duration(*p95 * float64(time.Millisecond))
	}
	return h, nil
}
