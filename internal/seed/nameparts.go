package seed

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// The trigger drafts_name_parts keeps draft_name_parts in step with each draft saved
// (docs/search.md). A bulk load turns it off, and afterwards fills the table for the new
// drafts in one statement, the one the migration that made the table backfilled it with.

func pauseNameParts(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `ALTER TABLE drafts DISABLE TRIGGER drafts_name_parts`)
	return err
}

func fillNameParts(ctx context.Context, tx pgx.Tx, firstDraft int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO draft_name_parts (draft_id, branch, part)
		SELECT DISTINCT d.id, d.branch, p FROM drafts d, unnest(draft_name_parts(d.values)) AS p
		WHERE d.id >= $1 AND p <> ''`, firstDraft)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `ALTER TABLE drafts ENABLE TRIGGER drafts_name_parts`)
	return err
}
