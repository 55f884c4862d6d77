package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Draft statuses.
const (
	DraftOpen      = "open"
	DraftDiscarded = "discarded"
	DraftSubmitted = "submitted"
)

// DraftRow is an onboarding in progress, pinned to the pack version it started with.
type DraftRow struct {
	ID            int64
	Country       string
	PackVersion   int
	IDType        string
	IDNumber      string // normalised
	IssuedCountry string
	Branch        string
	Status        string
	Values        map[string]string
	FieldVersions map[string]int // field -> the version that last changed it
	Version       int
	CreatedBy     int64
	CreatedByName string
	UpdatedBy     int64
	UpdatedByName string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	DiscardReason string
	UpdateECRN    string            // an update case of this CDP customer; "" for an onboarding
	CDPRecord     map[string]string // an update case: the CDP's record by form field, when it started
}

const draftColumns = `d.id, d.country, d.pack_version, d.id_type, d.id_number, d.issued_country, d.branch,
	d.status, d.values, d.field_versions, d.version, d.created_by, cu.username, d.updated_by, uu.username,
	d.created_at, d.updated_at, coalesce(d.discard_reason, ''), coalesce(d.update_ecrn, ''), d.cdp_record`

const draftFrom = ` FROM drafts d JOIN users cu ON cu.id = d.created_by JOIN users uu ON uu.id = d.updated_by`

func scanDraft(row pgx.Row) (DraftRow, error) {
	var d DraftRow
	err := row.Scan(&d.ID, &d.Country, &d.PackVersion, &d.IDType, &d.IDNumber, &d.IssuedCountry, &d.Branch,
		&d.Status, &d.Values, &d.FieldVersions, &d.Version, &d.CreatedBy, &d.CreatedByName, &d.UpdatedBy,
		&d.UpdatedByName, &d.CreatedAt, &d.UpdatedAt, &d.DiscardReason, &d.UpdateECRN, &d.CDPRecord)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

// CreateDraft inserts d, open at version 1, with its values (an update case's prefill), and
// returns its id.
func CreateDraft(ctx context.Context, q Querier, d DraftRow) (int64, error) {
	var id int64
	values := d.Values
	if values == nil {
		values = map[string]string{}
	}
	err := q.QueryRow(ctx, `INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country,
		branch, values, created_by, updated_by, created_at, updated_at, update_ecrn, cdp_record)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $9, nullif($10, ''), $11) RETURNING id`,
		d.Country, d.PackVersion, d.IDType, d.IDNumber, d.IssuedCountry, d.Branch, values, d.CreatedBy, d.CreatedAt,
		d.UpdateECRN, d.CDPRecord).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store.CreateDraft: %w", err)
	}
	return id, nil
}

// DraftByID reads a draft; forUpdate locks its row until the transaction ends, so that
// concurrent saves are judged one after the other.
func DraftByID(ctx context.Context, q Querier, id int64, forUpdate bool) (DraftRow, error) {
	sql := lockedIf(`SELECT `+draftColumns+draftFrom+` WHERE d.id = $1`, forUpdate, "d")
	d, err := scanDraft(q.QueryRow(ctx, sql, id))
	if err != nil {
		return d, fmt.Errorf("store.DraftByID(%d): %w", id, err)
	}
	return d, nil
}

// QueueDraftForUpdate adds to b DraftByID's locked read of draft id, into d, for a caller
// that sends it with its transaction's BEGIN (DB.InTxFrom): one round trip for both.
func QueueDraftForUpdate(b *pgx.Batch, id int64, d *DraftRow) {
	b.Queue(`SELECT `+draftColumns+draftFrom+` WHERE d.id = $1 FOR UPDATE OF d`, id).QueryRow(func(row pgx.Row) error {
		var err error
		if *d, err = scanDraft(row); err != nil {
			return fmt.Errorf("store.DraftByID(%d): %w", id, err)
		}
		return nil
	})
}

// QueueDraftValues adds to b the UPDATE that writes d's values, field versions and
// version, for a caller that sends it with the audit event that records it in one round
// trip (audit.Queue).
func QueueDraftValues(b *pgx.Batch, d DraftRow) {
	b.Queue(`UPDATE drafts SET values = $2, field_versions = $3, version = $4,
		updated_by = $5, updated_at = $6 WHERE id = $1`,
		d.ID, d.Values, d.FieldVersions, d.Version, d.UpdatedBy, d.UpdatedAt).Fn = func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("store.QueueDraftValues(%d): %w", d.ID, err)
		}
		return nil
	}
}

// DiscardDraft marks an open draft discarded: a soft delete that keeps it for the record.
func DiscardDraft(ctx context.Context, q Querier, id, by int64, at time.Time, reason string) error {
	tag, err := q.Exec(ctx, `UPDATE drafts SET status = 'discarded', discarded_at = $3, discard_reason = $4,
		updated_by = $2, updated_at = $3, version = version + 1 WHERE id = $1 AND status = 'open'`, id, by, at, reason)
	if err != nil {
		return fmt.Errorf("store.DiscardDraft(%d): %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store.DiscardDraft(%d): %w", id, ErrNotFound)
	}
	return nil
}

// DraftSummary is a draft as lists show it.
type DraftSummary struct {
	ID            int64
	Country       string
	IDType        string
	Status        string
	FirstName     string
	LastName      string
	CreatedByName string
	Branch        string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

const summaryColumns = `d.id, d.country, d.id_type, d.status, coalesce(d.values->>'first_name', ''),
	coalesce(d.values->>'last_name', ''), cu.username, d.branch, d.created_at, d.updated_at`

func collectSummaries(rows pgx.Rows, err error) ([]DraftSummary, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DraftSummary, error) {
		var s DraftSummary
		err := r.Scan(summaryFields(&s)...)
		return s, err
	})
}

// DraftCustomer is who a draft is about, as lists name it.
type DraftCustomer struct {
	ID                  int64
	FirstName, LastName string
	IDNumber            string
}

// DraftCustomers names the customers of the drafts ids.
func DraftCustomers(ctx context.Context, q Querier, ids []int64) ([]DraftCustomer, error) {
	rows, err := q.Query(
		ctx,
		`SELECT id, coalesce(values->>'first_name', ''), coalesce(values->>'last_name', ''), id_number
		FROM drafts WHERE id = ANY($1)`,
		ids,
	)
	if err == nil {
		var out []DraftCustomer
		out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[DraftCustomer])
		if err == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("store.DraftCustomers: %w", err)
}

// DraftsWithIDNumber lists the drafts, but except, of the same identity document: open,
// submitted or discarded, newest first.
func DraftsWithIDNumber(
	ctx context.Context, q Querier, issuedCountry, idType, number string, except int64,
) ([]DraftSummary, error) {
	out, err := collectSummaries(q.Query(ctx, `SELECT `+summaryColumns+draftFrom+`
		WHERE d.issued_country = $1 AND d.id_type = $2 AND d.id_number = $3 AND d.id <> $4
		ORDER BY d.created_at DESC LIMIT 20`, issuedCountry, idType, number, except))
	if err != nil {
		return nil, fmt.Errorf("store.DraftsWithIDNumber: %w", err)
	}
	return out, nil
}

// OpenUpdateCase is the id of an update case of the customer ecrn that a branch has open
// (not discarded, not yet sent on), or 0.
func OpenUpdateCase(ctx context.Context, q Querier, branch, ecrn string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM drafts WHERE update_ecrn = $1 AND branch = $2 AND status = 'open'
		ORDER BY id DESC LIMIT 1`, ecrn, branch).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store.OpenUpdateCase: %w", err)
	}
	return id, nil
}
