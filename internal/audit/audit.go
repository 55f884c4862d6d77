// Package audit writes the portal's tamper-evident trail. It owns the one table whose
// rules are its own (append-only, hash-chained), so its SQL lives here rather than in
// the store: nothing else may write that table.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Outcomes of an audited action.
const (
	Success = "success"
	Failure = "failure"
	Denied  = "denied"
)

// Actor is who acts: taken from the request context unless the event names one.
type Actor struct {
	UserID     int64 // 0 for the system or an anonymous caller
	Username   string
	Role       string
	Branch     string // the actor's branch: supervisors review their branches' events
	SessionRef string // a short, non-secret reference to the session
	RequestID  string
	ClientIP   string
}

// Event is one row of the trail. Before and After hold the changed fields only.
type Event struct {
	Actor
	OccurredAt time.Time
	Action     Action
	EntityType string
	EntityID   string
	Before     any
	After      any
	Reason     string
	Outcome    string
}

type actorKey struct{}

// WithActor returns a context whose events are attributed to a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx; the system when none was set.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Username: "system", Role: "system"}
}

// Record appends e to the trail inside tx, so that the event commits or rolls back with the
// change it describes. It takes no lock and reads nothing: the sealer gives the event its
// place in the tree once it has committed (docs/audit.md).
func Record(ctx context.Context, tx pgx.Tx, e Event) error { return insert(ctx, tx, e) }

// insert writes e with one INSERT through q.
func insert(ctx context.Context, q Querier, e Event) error {
	args, err := e.insertArgs(ctx)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, insertSQL, args...); err != nil {
		return fmt.Errorf("audit.Record(%s): %w", e.Action, err)
	}
	return nil
}

// Queue adds e's INSERT to b, for a caller that sends its change and the event that
// records it in one round trip: b is sent with tx.SendBatch inside the change's
// transaction, so that both commit or neither does, as with Record.
func Queue(ctx context.Context, b *pgx.Batch, e Event) error {
	args, err := e.insertArgs(ctx)
	if err != nil {
		return err
	}
	b.Queue(insertSQL, args...).Fn = func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("audit.Record(%s): %w", e.Action, err)
		}
		return nil
	}
	return nil
}

const insertSQL = `INSERT INTO audit_events (occurred_at, actor_user_id, actor_username,
		actor_role, actor_branch, session_ref, request_id, client_ip, action, entity_type, entity_id,
		before, after, reason, outcome)
		VALUES ($1, nullif($2, 0), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`

// insertArgs completes e and gives the arguments of insertSQL.
func (e *Event) insertArgs(ctx context.Context) ([]any, error) {
	if err := e.complete(ctx); err != nil {
		return nil, fmt.Errorf("audit.Record(%s): %w", e.Action, err)
	}
	r := e.row()
	return []any{r.OccurredAt, r.UserID, r.Username, r.Role, r.Branch, r.SessionRef, r.RequestID, r.ClientIP,
		string(r.Action), r.EntityType, r.EntityID, r.Before, r.After, r.Reason, r.Outcome}, nil
}

// complete fills what the caller may leave out and checks the rest.
func (e *Event) complete(ctx context.Context) error {
	if !e.Action.known() {
		return fmt.Errorf("action %q is not in the catalogue", e.Action)
	}
	if e.Username == "" {
		e.Actor = ActorFrom(ctx)
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = time.Now()
	}
	// Postgres keeps microseconds: hash what will be stored.
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	if e.Outcome == "" {
		e.Outcome = Success
	}
	return nil
}

// Row is one event as stored: the one row type of audit_events, for writing, sealing,
// verifying and reviewing.
type Row struct {
	ID int64
	Actor
	OccurredAt           time.Time
	Action               Action
	EntityType, EntityID string
	Before, After        []byte // canonical JSON, nil when absent
	Reason, Outcome      string
	// PrevHash and Hash link the rows written before the Merkle log (docs/audit.md); nil
	// for every event since.
	PrevHash, Hash []byte
}

// row is the completed event as it will be stored.
func (e Event) row() Row {
	return Row{Actor: e.Actor, OccurredAt: e.OccurredAt, Action: e.Action, EntityType: e.EntityType,
		EntityID: e.EntityID, Before: storedJSON(e.Before), After: storedJSON(e.After),
		Reason: e.Reason, Outcome: e.Outcome}
}

// Record is the canonical encoding of the row: the data of its leaf in the tree, and what
// the former chain hashed. It fixes the field order, the time to microseconds in UTC, and
// the before/after JSON with sorted keys and exact numbers, so that a row read back from
// jsonb encodes to the same bytes.
func (r Row) Record() []byte {
	fields := []any{r.ID, r.OccurredAt.UTC().Format("2006-01-02T15:04:05.000000Z"), r.UserID, r.Username,
		r.Role, r.Branch, r.SessionRef, r.RequestID, r.ClientIP, string(r.Action), r.EntityType, r.EntityID,
		json.RawMessage(orNull(canonicalJSON(rawOrNil(r.Before)))), json.RawMessage(orNull(canonicalJSON(rawOrNil(r.After)))),
		r.Reason, r.Outcome}
	enc, err := json.Marshal(fields)
	if err != nil {
		panic(fmt.Sprintf("audit: canonical encoding: %v", err)) // only plain values above
	}
	return enc
}

// chainHash is the former trail's link: sha256(prev_hash ‖ canonical encoding).
func (r Row) chainHash() []byte {
	h := sha256.New()
	h.Write(r.PrevHash)
	h.Write(r.Record())
	return h.Sum(nil)
}

func rawOrNil(b []byte) any {
	if b == nil {
		return nil
	}
	return json.RawMessage(b)
}

// storedJSON encodes v for a jsonb column: nil (SQL NULL) for nil, JSON null or invalid
// JSON. It need not be canonical: jsonb keeps a form of its own, and a leaf is computed from
// the row as read back (Row.Record), so an append skips canonicalJSON's decode and second
// encoding.
func storedJSON(v any) []byte {
	if v == nil {
		return nil
	}
	raw, ok := v.(json.RawMessage)
	if ok && !json.Valid(raw) {
		return nil
	}
	if !ok {
		var err error
		if raw, err = json.Marshal(v); err != nil {
			raw, _ = json.Marshal(map[string]string{"unencodable": err.Error()})
		}
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	return raw
}

// canonicalJSON encodes v with sorted keys and exact numbers, so that a value read back
// from jsonb encodes to the same bytes. nil stays nil (SQL NULL).
func canonicalJSON(v any) []byte {
	if v == nil {
		return nil
	}
	raw, ok := v.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(v); err != nil {
			raw, _ = json.Marshal(map[string]string{"unencodable": err.Error()})
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil || generic == nil {
		return nil
	}
	out, _ := json.Marshal(generic)
	return out
}

func orNull(b []byte) []byte {
	if b == nil {
		return []byte("null")
	}
	return b
}

// Beginner starts transactions: a pool or a connection.
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Apply runs change in a transaction and records the event it returns in the same one:
// the change and its event commit together or not at all.
func Apply(ctx context.Context, db Beginner, change func(tx pgx.Tx) (Event, error)) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		e, err := change(tx)
		if err != nil {
			return err
		}
		return Record(ctx, tx, e)
	})
}

// RecordAlone writes an event that goes with no change of its own: a refusal, an export,
// a search. One INSERT outside any explicit transaction is atomic on its own (its queue
// trigger included), so it costs one round trip instead of three.
func RecordAlone(ctx context.Context, db Querier, e Event) error { return insert(ctx, db, e) }

// Recorder writes the events that go with no change of their own, each on its own:
// refusals, denials, exports.
type Recorder struct{ DB Querier }

// Record writes e.
func (r Recorder) Record(ctx context.Context, e Event) error { return RecordAlone(ctx, r.DB, e) }
