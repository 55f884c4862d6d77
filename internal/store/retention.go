package store

import (
	"context"
	"errors"
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

// DeleteDrafts removes drafts with their documents, the documents' data keys and their
// bytes in PostgreSQL; it returns how many documents went.
func DeleteDrafts(ctx context.Context, q Querier, ids []int64) (documents int64, err error) {
	// Bytes kept in another store (S3) lose their last name here; the orphan sweeper
	// removes them (docs/drafts.md).
	_, err = q.Exec(ctx, `WITH keys AS (SELECT blob_key AS k FROM draft_documents WHERE draft_id = ANY($1)
			UNION SELECT thumb_key FROM draft_documents WHERE draft_id = ANY($1) AND thumb_key IS NOT NULL),
		unwrapped AS (DELETE FROM document_keys WHERE blob_key IN (SELECT k FROM keys))
		DELETE FROM blobs WHERE key IN (SELECT k FROM keys)`, ids)
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

// LegalHoldByID returns a hold, active or released.
func LegalHoldByID(ctx context.Context, q Querier, id int64) (LegalHold, error) {
	rows, err := q.Query(ctx, `SELECT id, issued_country, id_type, id_number, reason, set_by, set_at
		FROM legal_holds WHERE id = $1`, id)
	if err != nil {
		return LegalHold{}, fmt.Errorf("store.LegalHoldByID(%d): %w", id, err)
	}
	h, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[LegalHold])
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return h, fmt.Errorf("store.LegalHoldByID(%d): %w", id, err)
	}
	return h, nil
}

// HeldBlobs lists the blob keys (files and thumbnails) of every document of a customer,
// and tells whether an active hold names the customer.
func HeldBlobs(ctx context.Context, q Querier, h LegalHold) (keys []string, held bool, err error) {
	err = q.QueryRow(ctx, `SELECT coalesce(array_agg(k) FILTER (WHERE k IS NOT NULL), '{}'),
			EXISTS (SELECT 1 FROM legal_holds WHERE released_at IS NULL
				AND issued_country = $1 AND id_type = $2 AND id_number = $3)
		FROM drafts d JOIN draft_documents dd ON dd.draft_id = d.id,
			LATERAL unnest(ARRAY[dd.blob_key, dd.thumb_key]) AS k
		WHERE d.issued_country = $1 AND d.id_type = $2 AND d.id_number = $3`,
		h.IssuedCountry, h.IDType, h.IDNumber).Scan(&keys, &held)
	if err != nil {
		return nil, false, fmt.Errorf("store.HeldBlobs: %w", err)
	}
	return keys, held, nil
}
