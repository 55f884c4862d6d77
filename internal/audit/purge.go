package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Prefix is the oldest run of audit events that all lie before a cut-off.
type Prefix struct {
	UpToID int64 // 0: nothing to purge
	Count  int64
	Hash   []byte // the former chain's hash of row UpToID, else its leaf hash
}

// PrefixBefore finds the longest run of events, by id, older than cutoff and already in
// the tree: a purge removes their content, never their leaves, so proofs stay valid. Times
// and ids may disagree by a little, so the prefix stops at the first row that is not old
// enough or not yet sealed.
func PrefixBefore(ctx context.Context, q Querier, cutoff time.Time) (Prefix, error) {
	var p Prefix
	err := q.QueryRow(ctx, `WITH edge AS (
			SELECT coalesce(least((SELECT min(id) FROM audit_events WHERE occurred_at >= $1),
				(SELECT min(event_id) FROM audit_unsealed)),
				(SELECT max(id) + 1 FROM audit_events), 0) - 1 AS up_to)
		SELECT e.id, (SELECT count(*) FROM audit_events WHERE id <= e.id),
			coalesce(e.hash, (SELECT substring(hashes FROM 1 FOR 32) FROM audit_leaves WHERE event_id = e.id))
		FROM audit_events e, edge WHERE e.id = edge.up_to`, cutoff).Scan(&p.UpToID, &p.Count, &p.Hash)
	if err == pgx.ErrNoRows {
		return Prefix{}, nil
	}
	if err != nil {
		return p, fmt.Errorf("audit.PrefixBefore: %w", err)
	}
	return p, nil
}

// DeletePrefix removes the prefix's content and records the purge as an anchor: verify
// then knows those events are gone by policy, and the former chain's next row what it
// links to. The
// table's trigger lets these rows go only because the cut-off is announced for this
// transaction.
func DeletePrefix(ctx context.Context, tx pgx.Tx, p Prefix, cutoff, now time.Time) error {
	if _, err := tx.Exec(ctx, `SELECT set_config('kyc.audit_purge_before', $1, true)`, cutoff.UTC().Format(time.RFC3339Nano)); err != nil {
		return fmt.Errorf("audit.DeletePrefix: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM audit_events WHERE id <= $1`, p.UpToID); err != nil {
		return fmt.Errorf("audit.DeletePrefix: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('kyc.audit_purge_before', '', true)`); err != nil {
		return fmt.Errorf("audit.DeletePrefix: %w", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_anchors (up_to_id, hash, purged, purged_at) VALUES ($1, $2, $3, $4)`,
		p.UpToID, p.Hash, p.Count, now)
	if err != nil {
		return fmt.Errorf("audit.DeletePrefix: %w", err)
	}
	return nil
}
