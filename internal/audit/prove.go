package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/tlog"
)

// Proof shows that one event is leaf Position of the tree of TreeSize leaves. Record is
// the event's canonical encoding, whose tlog.RecordHash is the leaf.
type Proof struct {
	EventID  int64            `json:"event_id"`
	Position int64            `json:"position"`
	TreeSize int64            `json:"tree_size"`
	Record   json.RawMessage  `json:"record"`
	Proof    tlog.RecordProof `json:"proof"`
}

// ErrNotSealed: the event is committed but not yet in the tree (or not in the checkpoint).
var ErrNotSealed = errors.New("the event is not sealed yet")

// Prove builds the inclusion proof of an event in the tree of checkpoint c.
func Prove(ctx context.Context, q Querier, eventID int64, c Checkpoint) (Proof, error) {
	p := Proof{EventID: eventID, TreeSize: c.Size}
	r, err := scanRow(q.QueryRow(ctx, `SELECT `+rowColumns+` FROM audit_events e WHERE e.id = $1`, eventID))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("audit.Prove(%d): %w", eventID, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("audit.Prove(%d): %w", eventID, err)
	}
	err = q.QueryRow(ctx, `SELECT position FROM audit_leaves WHERE event_id = $1`, eventID).Scan(&p.Position)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && p.Position >= c.Size {
		return p, fmt.Errorf("audit.Prove(%d): %w", eventID, ErrNotSealed)
	}
	if err != nil {
		return p, fmt.Errorf("audit.Prove(%d): %w", eventID, err)
	}
	p.Record = r.Record()
	if p.Proof, err = tlog.ProveRecord(c.Size, p.Position, storedHashes{ctx, q}); err != nil {
		return p, fmt.Errorf("audit.Prove(%d): %w", eventID, err)
	}
	return p, nil
}

// Check verifies the proof against a checkpoint already opened with the public key.
func (p Proof) Check(c Checkpoint) error {
	if p.TreeSize != c.Size {
		return fmt.Errorf("event %d: proof for a tree of %d leaves, checkpoint of %d", p.EventID, p.TreeSize, c.Size)
	}
	if err := tlog.CheckRecord(p.Proof, c.Size, c.Root, p.Position, tlog.RecordHash(p.Record)); err != nil {
		return fmt.Errorf("event %d: %w", p.EventID, err)
	}
	var fields []json.RawMessage
	var id int64
	if err := json.Unmarshal(p.Record, &fields); err != nil || len(fields) == 0 ||
		json.Unmarshal(fields[0], &id) != nil || id != p.EventID {
		return fmt.Errorf("event %d: the record is of another event", p.EventID)
	}
	return nil
}
