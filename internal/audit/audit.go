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

// chainLock serialises appends so the chain stays one line under concurrency. It is a
// transaction-level advisory lock: held until the caller's transaction ends.
const chainLock = 0x6b79635f61756469 // "kyc_audi"

// genesis is the prev_hash of the first row.
var genesis = make([]byte, sha256.Size)

// Record appends e to the trail inside tx, so that the event commits or rolls back with the
// change it describes.
func Record(ctx context.Context, tx pgx.Tx, e Event) error {
	if err := e.complete(ctx); err != nil {
		return fmt.Errorf("audit.Record(%s): %w", e.Action, err)
	}
	r := row{Event: e}
	var err error
	if r.ID, r.PrevHash, err = chainEnd(ctx, tx); err != nil {
		return fmt.Errorf("audit.Record(%s): %w", e.Action, err)
	}
	r.Hash = r.hash()
	_, err = tx.Exec(ctx, `INSERT INTO audit_events (id, occurred_at, actor_user_id, actor_username,
		actor_role, actor_branch, session_ref, request_id, client_ip, action, entity_type, entity_id,
		before, after, reason, outcome, prev_hash, hash)
		VALUES ($1, $2, nullif($3, 0), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		r.ID, r.OccurredAt, r.UserID, r.Username, r.Role, r.Branch, r.SessionRef, r.RequestID, r.ClientIP,
		string(r.Action), r.EntityType, r.EntityID, r.beforeJSON, r.afterJSON, r.Reason, r.Outcome,
		r.PrevHash, r.Hash)
	if err != nil {
		return fmt.Errorf("audit.Record(%s): %w", e.Action, err)
	}
	return nil
}

// chainEnd takes chainLock, then the next id and the hash the new row links to: the last
// row's, else the anchor a retention purge kept, else the genesis.
func chainEnd(ctx context.Context, tx pgx.Tx) (id int64, prev []byte, err error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(chainLock)); err != nil {
		return 0, nil, err
	}
	err = tx.QueryRow(ctx, `SELECT nextval('audit_events_id_seq'),
		coalesce((SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1),
			(SELECT hash FROM audit_anchors ORDER BY up_to_id DESC LIMIT 1), $1)`, genesis).Scan(&id, &prev)
	return id, prev, err
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

// row is an event as stored, with its place in the chain.
type row struct {
	Event
	ID                    int64
	PrevHash, Hash        []byte
	beforeJSON, afterJSON []byte
}

// hash is sha256(prev_hash ‖ canonical encoding of the row).
func (r *row) hash() []byte {
	r.beforeJSON = canonicalJSON(r.Before)
	r.afterJSON = canonicalJSON(r.After)
	fields := []any{r.ID, r.OccurredAt.Format("2006-01-02T15:04:05.000000Z"), r.UserID, r.Username,
		r.Role, r.Branch, r.SessionRef, r.RequestID, r.ClientIP, string(r.Action), r.EntityType, r.EntityID,
		json.RawMessage(orNull(r.beforeJSON)), json.RawMessage(orNull(r.afterJSON)), r.Reason, r.Outcome}
	enc, err := json.Marshal(fields)
	if err != nil {
		panic(fmt.Sprintf("audit: canonical encoding: %v", err)) // only plain values above
	}
	h := sha256.New()
	h.Write(r.PrevHash)
	h.Write(enc)
	return h.Sum(nil)
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

// RecordAlone writes an event that goes with no change of its own: a refusal, an export.
func RecordAlone(ctx context.Context, db Beginner, e Event) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error { return Record(ctx, tx, e) })
}

// Recorder writes the events that go with no change of their own, each in its own
// transaction: refusals, denials, exports.
type Recorder struct{ DB Beginner }

// Record writes e.
func (r Recorder) Record(ctx context.Context, e Event) error { return RecordAlone(ctx, r.DB, e) }
