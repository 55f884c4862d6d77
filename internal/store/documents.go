package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Document is an uploaded file of a draft. Its bytes are in a BlobStore under BlobKey.
type Document struct {
	ID            int64
	DraftID       int64
	Kind          string
	ContentType   string
	BlobKey       string
	ThumbKey      string
	Size          int
	Width, Height int
	SHA256        []byte
	Warnings      []string // quality hints the agent was shown
	WarningReason string   // why the agent went on despite them
	UploadedBy    int64
	UploadedAt    time.Time
}

const documentColumns = `id, draft_id, kind, content_type, blob_key, coalesce(thumb_key, ''), size_bytes,
	width, height, sha256, warnings, coalesce(warning_reason, ''), uploaded_by, uploaded_at`

func scanDocument(row pgx.Row) (Document, error) {
	var d Document
	err := row.Scan(&d.ID, &d.DraftID, &d.Kind, &d.ContentType, &d.BlobKey, &d.ThumbKey, &d.Size, &d.Width,
		&d.Height, &d.SHA256, &d.Warnings, &d.WarningReason, &d.UploadedBy, &d.UploadedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

// AddDocument records an upload and returns its id.
func AddDocument(ctx context.Context, q Querier, d Document) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO draft_documents (draft_id, kind, content_type, blob_key, thumb_key,
		size_bytes, width, height, sha256, warnings, uploaded_by, uploaded_at)
		VALUES ($1, $2, $3, $4, nullif($5, ''), $6, $7, $8, $9, coalesce($10, '{}'::text[]), $11, $12) RETURNING id`,
		d.DraftID, d.Kind, d.ContentType, d.BlobKey, d.ThumbKey, d.Size, d.Width, d.Height, d.SHA256,
		d.Warnings, d.UploadedBy, d.UploadedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store.AddDocument(%d, %s): %w", d.DraftID, d.Kind, err)
	}
	return id, nil
}

// CurrentDocument is the document of kind that a draft holds now.
func CurrentDocument(ctx context.Context, q Querier, draftID int64, kind string) (Document, error) {
	d, err := scanDocument(q.QueryRow(ctx, `SELECT `+documentColumns+` FROM draft_documents
		WHERE draft_id = $1 AND kind = $2 AND removed_at IS NULL`, draftID, kind))
	if err != nil {
		return d, fmt.Errorf("store.CurrentDocument(%d, %s): %w", draftID, kind, err)
	}
	return d, nil
}

// CurrentDocuments lists the documents a draft holds now.
func CurrentDocuments(ctx context.Context, q Querier, draftID int64) ([]Document, error) {
	rows, err := q.Query(ctx, `SELECT `+documentColumns+` FROM draft_documents
		WHERE draft_id = $1 AND removed_at IS NULL ORDER BY id`, draftID)
	if err != nil {
		return nil, fmt.Errorf("store.CurrentDocuments(%d): %w", draftID, err)
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Document, error) { return scanDocument(r) })
	if err != nil {
		return nil, fmt.Errorf("store.CurrentDocuments(%d): %w", draftID, err)
	}
	return docs, nil
}

// CountUploads tells how many files were ever uploaded to a draft, removed ones included.
func CountUploads(ctx context.Context, q Querier, draftID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM draft_documents WHERE draft_id = $1`, draftID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store.CountUploads(%d): %w", draftID, err)
	}
	return n, nil
}

// RemoveDocument takes a document out of its draft, keeping the row for the record.
func RemoveDocument(ctx context.Context, q Querier, id, by int64, at time.Time) error {
	tag, err := q.Exec(ctx, `UPDATE draft_documents SET removed_at = $3, removed_by = $2
		WHERE id = $1 AND removed_at IS NULL`, id, by, at)
	if err != nil {
		return fmt.Errorf("store.RemoveDocument(%d): %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store.RemoveDocument(%d): %w", id, ErrNotFound)
	}
	return nil
}

// SetWarningReason records why the agent went on despite a document's quality warnings.
func SetWarningReason(ctx context.Context, q Querier, id int64, reason string) error {
	_, err := q.Exec(ctx, `UPDATE draft_documents SET warning_reason = $2 WHERE id = $1`, id, reason)
	if err != nil {
		return fmt.Errorf("store.SetWarningReason(%d): %w", id, err)
	}
	return nil
}
