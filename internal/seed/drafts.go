package seed

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/store"
)

var draftColumns = []string{"id", "country", "pack_version", "id_type", "id_number", "issued_country",
	"branch", "status", "values", "field_versions", "version", "created_by", "updated_by", "created_at",
	"updated_at", "discarded_at", "discard_reason"}

// copyDrafts writes customers 0 to n-1 as drafts firstID onwards.
func copyDrafts(ctx context.Context, tx pgx.Tx, s staff, firstID, n int64, m *meter) error {
	r, k := newRNG(), int64(0)
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if k == n {
			return nil, nil
		}
		c := customerOf(r, k, n)
		k++
		m.tick(k)
		return draftRow(c, firstID+c.k, s), nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"drafts"}, draftColumns, src); err != nil {
		return fmt.Errorf("seed: drafts: %w", err)
	}
	_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('drafts', 'id'), $1)`, firstID+n-1)
	return err
}

func draftRow(c customer, id int64, s staff) []any {
	b := branches[c.branch]
	// Each field was saved once, in name order: its version is the draft's version then.
	fieldVersions := map[string]int{}
	for i, name := range slices.Sorted(maps.Keys(c.values)) {
		fieldVersions[name] = i + 2
	}
	var discardedAt, reason any
	if c.status == store.DraftDiscarded {
		discardedAt, reason = c.updatedAt, "The customer did not come back."
	}
	agent := s.agents[c.branch][c.agent].ID
	return []any{id, b.Country, 1, c.idType, c.idNumber, b.Country, b.Code, c.status, c.values, fieldVersions,
		len(c.values) + 1, agent, agent, c.createdAt, c.updatedAt, discardedAt, reason}
}

var submissionColumns = []string{"draft_id", "state", "country", "branch", "maker_id", "checker_id", "ecrn",
	"submitted_at", "updated_at"}

const submissionStream = 2

// copySubmissions writes the submission of every submitted draft of copyDrafts.
func copySubmissions(ctx context.Context, tx pgx.Tx, s staff, firstID, n int64, m *meter) (int64, error) {
	r, k := newRNG(), int64(0)
	src := pgx.CopyFromFunc(func() ([]any, error) {
		for ; k < n; k++ {
			m.tick(k + 1)
			if c := customerOf(r, k, n); c.status == store.DraftSubmitted {
				k++
				return submissionRow(r.at(submissionStream, c.k), c, firstID+c.k, s), nil
			}
		}
		return nil, nil
	})
	rows, err := tx.CopyFrom(ctx, pgx.Identifier{"submissions"}, submissionColumns, src)
	if err != nil {
		return 0, fmt.Errorf("seed: submissions: %w", err)
	}
	return rows, nil
}

// submissionRow is where a submitted draft got to: mostly onboarded.
func submissionRow(r rng, c customer, draftID int64, s staff) []any {
	b := branches[c.branch]
	state := "onboarded"
	switch p := r.Float64(); {
	case p < 0.08:
		state = "awaiting_approval"
	case p < 0.12:
		state = "rejected"
	case p < 0.15:
		state = "under_investigation"
	case p < 0.20:
		state = "needs_attention"
	}
	var checker, ecrn any
	if state != "awaiting_approval" && b.Country != "IN" { // India's pack has no checker
		checker = s.supervisors[c.branch][r.IntN(supervisorsPerBranch)].ID
	}
	if state == "onboarded" || state == "under_investigation" {
		ecrn = ecrnOf(c.k)
	}
	return []any{draftID, state, b.Country, b.Code, s.agents[c.branch][c.agent].ID, checker, ecrn,
		c.updatedAt, c.updatedAt.Add(time.Duration(1+r.IntN(48)) * time.Hour)}
}

// ecrnOf is the CDP's customer number of customer k, once onboarded.
func ecrnOf(k int64) string { return fmt.Sprintf("9%011d", k) }
