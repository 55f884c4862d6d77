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
	Views    bool      // include the views of drafts and documents, which a case gathers by the hundred
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
	if !f.Views {
		add("action <> ALL($?)", []string{"draft.viewed", "document.viewed"})
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

// CDPHealthSince reads the CDP's health off every call the trail records: the submission
// worker's attempts, and the agents' lookups that reached the CDP, failed when it could not
// answer. Only the attempts record their latency.
func CDPHealthSince(ctx context.Context, q Querier, since time.Time) (CDPHealth, error) {
	var h CDPHealth
	var p50, p95 *float64
	err := q.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE outcome <> 'success'),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY (after->>'latency_ms')::numeric),
			percentile_cont(0.95) WITHIN GROUP (ORDER BY (after->>'latency_ms')::numeric)
		FROM audit_events WHERE occurred_at >= $3
		AND (action = $1 OR action = $2 AND after ? 'result')`, string(CDPAttempt), string(CustomerSearched), since).
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

// stateEvents are the trail's events that moved a submission of the branch ("": any) into
// a state: the submission's own branch for the system's events, the branch of the person
// for theirs, who works in the submission's branch. Migration 00081 indexes exactly these.
const stateEvents = `entity_type = 'submission' AND after ? 'state' AND ($1 = '' OR actor_branch = $1)`

// StateEntries is how many times submissions entered a state since each of three times.
type StateEntries struct {
	State                string
	Since1, Since2, From int
}

// StateEntriesSince counts, by state of states, the entries of the branch's submissions into
// it since a, b and from (from the earliest).
func StateEntriesSince(
	ctx context.Context, q Querier, branch string, a, b, from time.Time, states []string,
) ([]StateEntries, error) {
	rows, err := q.Query(ctx, `SELECT after->>'state', count(*) FILTER (WHERE occurred_at >= $2),
			count(*) FILTER (WHERE occurred_at >= $3), count(*)
		FROM audit_events WHERE `+stateEvents+` AND occurred_at >= $4 AND after->>'state' = ANY($5)
		GROUP BY 1 ORDER BY 1`, branch, a, b, from, states)
	if err == nil {
		var out []StateEntries
		if out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[StateEntries]); err == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("audit.StateEntriesSince: %w", err)
}

// StateEntry is one entry of a submission into a state.
type StateEntry struct {
	DraftID    int64
	State      string
	ByCDP      bool   // the CDP's answer or callback moved it; else a person
	Reason     string // a checker's comment
	OccurredAt time.Time
}

// LatestEntries lists the branch's latest entries into states since since, newest first.
func LatestEntries(
	ctx context.Context, q Querier, branch string, since time.Time, states []string, limit int,
) ([]StateEntry, error) {
	rows, err := q.Query(ctx, `SELECT entity_id::bigint, after->>'state', action LIKE 'cdp.%', reason, occurred_at
		FROM audit_events WHERE `+stateEvents+` AND occurred_at >= $2 AND after->>'state' = ANY($3)
		ORDER BY occurred_at DESC LIMIT $4`, branch, since, states, limit)
	if err == nil {
		var out []StateEntry
		if out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[StateEntry]); err == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("audit.LatestEntries: %w", err)
}

// EntriesOf counts, for each submission of draftIDs, its entries into state since since.
func EntriesOf(ctx context.Context, q Querier, draftIDs []int64, state string, since time.Time) (map[int64]int, error) {
	ids := make([]string, len(draftIDs))
	for i, id := range draftIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	rows, err := q.Query(ctx, `SELECT entity_id::bigint, count(*) FROM audit_events
		WHERE entity_type = 'submission' AND entity_id = ANY($1) AND after->>'state' = $2 AND occurred_at >= $3
		GROUP BY 1`, ids, state, since)
	out := map[int64]int{}
	if err == nil {
		var id int64
		var n int
		_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error { out[id] = n; return nil })
	}
	if err != nil {
		return nil, fmt.Errorf("audit.EntriesOf: %w", err)
	}
	return out, nil
}
