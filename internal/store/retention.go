package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Retention: what the purge may remove, and the legal holds that stop it.

// heldIdentity is true for a draft whose customer is under an active legal hold.
const heldIdentity = `EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL
	AND h.issued_country = d.issued_country AND h.id_type = d.id_type AND h.id_number = d.id_number)`

// PurgeableDrafts lists discarded drafts older than before that were never submitted and
// are not held, and counts the ones a hold keeps.
func PurgeableDrafts(ctx context.Context, q Querier, before time.Time) (ids []int64, held int, err error) {
	rows, err := q.Query(ctx, `SELECT d.id, `+heldIdentity+` FROM drafts d
		WHERE d.status = 'discarded' AND d.discarded_at < $1
		AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.draft_id = d.id) ORDER BY d.id`, before)
	if err != nil {
		return nil, 0, fmt.Errorf("store.PurgeableDrafts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var isHeld bool
		if err := rows.Scan(&id, &isHeld); err != nil {
			return nil, 0, fmt.Errorf("store.PurgeableDrafts: %w", err)
		}
		if isHeld {
			held++
		} else {
			ids = append(ids, id)
		}
	}
	return ids, held, rows.Err()
}

// DeleteDrafts removes drafts with their documents and the documents' bytes; it returns
// how many documents went.
func DeleteDrafts(ctx context.Context, q Querier, ids []int64) (documents int64, err error) {
	_, err = q.Exec(ctx, `DELETE FROM blobs WHERE key IN (
		SELECT blob_key FROM draft_documents WHERE draft_id = ANY($1)
		UNION SELECT thumb_key FROM draft_documents WHERE draft_id = ANY($1) AND thumb_key IS NOT NULL)`, ids)
	if err != nil {
		return 0, fmt.Errorf("store.DeleteDrafts: %w", err)
	}
	tag, err := q.Exec(ctx, `DELETE FROM draft_documents WHERE draft_id = ANY($1)`, ids)
	if err != nil {
		return 0, fmt.Errorf("store.DeleteDrafts: %w", err)
	}
	if _, err := q.Exec(ctx, `DELETE FROM drafts WHERE id = ANY($1)`, ids); err != nil {
		return 0, fmt.Errorf("store.DeleteDrafts: %w", err)
	}
	return tag.RowsAffected(), nil
}

// AuditPrefix is the oldest run of audit events that all lie before a cut-off.
type AuditPrefix struct {
	UpToID int64 // 0: nothing to purge
	Count  int64
	Hash   []byte // of the row UpToID: the anchor the next row links to
}

// AuditPrefixBefore finds the longest prefix of the chain older than cutoff. Times and ids
// may disagree by a little (the time is taken before the append lock), so the prefix stops
// at the first row that is not old enough.
func AuditPrefixBefore(ctx context.Context, q Querier, cutoff time.Time) (AuditPrefix, error) {
	var p AuditPrefix
	err := q.QueryRow(ctx, `WITH edge AS (
			SELECT coalesce((SELECT min(id) FROM audit_events WHERE occurred_at >= $1),
				(SELECT max(id) + 1 FROM audit_events), 0) - 1 AS up_to)
		SELECT e.id, (SELECT count(*) FROM audit_events WHERE id <= e.id), e.hash
		FROM audit_events e, edge WHERE e.id = edge.up_to`, cutoff).Scan(&p.UpToID, &p.Count, &p.Hash)
	if err == pgx.ErrNoRows {
		return AuditPrefix{}, nil
	}
	if err != nil {
		return p, fmt.Errorf("store.AuditPrefixBefore: %w", err)
	}
	return p, nil
}

// DeleteAuditPrefix removes the prefix and keeps its last hash as the chain's anchor. The
// table's trigger lets these rows go only because the cut-off is announced for this
// transaction.
func DeleteAuditPrefix(ctx context.Context, tx pgx.Tx, p AuditPrefix, cutoff, now time.Time) error {
	if _, err := tx.Exec(ctx, `SELECT set_config('kyc.audit_purge_before', $1, true)`, cutoff.UTC().Format(time.RFC3339Nano)); err != nil {
		return fmt.Errorf("store.DeleteAuditPrefix: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM audit_events WHERE id <= $1`, p.UpToID); err != nil {
		return fmt.Errorf("store.DeleteAuditPrefix: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('kyc.audit_purge_before', '', true)`); err != nil {
		return fmt.Errorf("store.DeleteAuditPrefix: %w", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_anchors (up_to_id, hash, purged, purged_at) VALUES ($1, $2, $3, $4)`,
		p.UpToID, p.Hash, p.Count, now)
	if err != nil {
		return fmt.Errorf("store.DeleteAuditPrefix: %w", err)
	}
	return nil
}

// LegalHold is a customer whose records no purge may remove.
type LegalHold struct {
	ID                              int64
	IssuedCountry, IDType, IDNumber string
	Reason, SetBy                   string
	SetAt                           time.Time
}

// AddLegalHold places a hold and returns its id.
func AddLegalHold(ctx context.Context, q Querier, h LegalHold) (int64, error) {
	err := q.QueryRow(ctx, `INSERT INTO legal_holds (issued_country, id_type, id_number, reason, set_by, set_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, h.IssuedCountry, h.IDType, h.IDNumber, h.Reason, h.SetBy, h.SetAt).Scan(&h.ID)
	if err != nil {
		return 0, fmt.Errorf("store.AddLegalHold: %w", err)
	}
	return h.ID, nil
}

// ReleaseLegalHold ends an active hold.
func ReleaseLegalHold(ctx context.Context, q Querier, id int64, at time.Time) error {
	tag, err := q.Exec(ctx, `UPDATE legal_holds SET released_at = $2 WHERE id = $1 AND released_at IS NULL`, id, at)
	if err != nil {
		return fmt.Errorf("store.ReleaseLegalHold(%d): %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store.ReleaseLegalHold(%d): %w", id, ErrNotFound)
	}
	return nil
}

// ActiveLegalHolds lists the holds that stand, oldest first.
func ActiveLegalHolds(ctx context.Context, q Querier) ([]LegalHold, error) {
	rows, err := q.Query(ctx, `SELECT id, issued_country, id_type, id_number, reason, set_by, set_at
		FROM legal_holds WHERE released_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store.ActiveLegalHolds: %w", err)
	}
	holds, err := pgx.CollectRows(rows, pgx.RowToStructByPos[LegalHold])
	if err != nil {
		return nil, fmt.Errorf("store.ActiveLegalHolds: %w", err)
	}
	return holds, nil
}
