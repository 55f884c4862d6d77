package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// RecordScope limits a search of our own records to what a user may see.
type RecordScope struct {
	Branch     string   // "": every branch
	Countries  []string // the countries searched, unless AnyCountry
	AnyCountry bool
}

// Includes tells whether a draft of branch and country is within the scope.
func (s RecordScope) Includes(branch, country string) bool {
	return (s.Branch == "" || s.Branch == branch) && (s.AnyCountry || slices.Contains(s.Countries, country))
}

// Record is a draft as the search of our own records lists it.
type Record struct {
	DraftSummary
	IDNumber string
	Phone    string
	NameKey  string // the folded name the name search orders by
}

// NameCursor is where a page of the name search ends: the next page starts after it.
type NameCursor struct {
	Name string
	ID   int64
}

const recordColumns = summaryColumns + `, d.id_number, coalesce(d.values->>'primary_mobile_number', ''),
	draft_search_name(d.values)`

// countryScope is $2 countries, $3 any country; recordScope is $1 branch and countryScope.
const (
	countryScope = ` AND ($3::boolean OR d.country = ANY($2::text[]))`
	recordScope  = ` AND ($1::text = '' OR d.branch = $1)` + countryScope
)

// The three searches (docs/search.md); each is read off its own index, which
// TestSearchesUseTheirIndexes checks against a seeded table.
const (
	// The branch is asked of the name part's copy of it only: asked of the draft too, the
	// planner took the two for independent filters, expected a handful of rows, and read
	// and sorted every draft of a common name (docs/search.md). RecordsByName checks each
	// draft's own branch as it reads it.
	recordsByNameSQL = `SELECT ` + summaryColumns + `, d.id_number,
		coalesce(d.values->>'primary_mobile_number', ''), p.part
		FROM draft_name_parts p JOIN drafts d ON d.id = p.draft_id JOIN users cu ON cu.id = d.created_by
		JOIN users uu ON uu.id = d.updated_by
		WHERE ($1::text = '' OR p.branch = $1) AND p.part LIKE name_fold($4) || '%' AND p.part >= $5
		AND (p.part > $5 OR p.draft_id < $6)` + countryScope + `
		ORDER BY p.part, p.draft_id DESC LIMIT $7`
	recordsByPhoneSQL = `SELECT ` + recordColumns + draftFrom + `
		WHERE draft_search_phone(d.values) LIKE '%' || $4 || '%' AND d.id < $5` + recordScope + `
		ORDER BY d.id DESC LIMIT $6`
	recordsByIDNumberSQL = `SELECT ` + recordColumns + draftFrom + `
		WHERE d.id_number LIKE '%' || $4 || '%' AND d.id < $5` + recordScope + `
		ORDER BY d.id DESC LIMIT $6`
)

// RecordsByName lists drafts with a part of their folded name (from any word on) that starts
// with prefix, in the order of those parts and, for one part, newest first; a draft two of
// whose parts match is listed once a page, and a draft outside the scope never (the branch
// a name part carries is its draft's, which the trigger keeps; checked again here, a part
// left stale could not show another branch's draft). prefix holds no LIKE wildcards: the
// caller checked it.
func RecordsByName(
	ctx context.Context, q Querier, scope RecordScope, prefix string, after NameCursor, limit int,
) ([]Record, error) {
	if after.ID == 0 {
		after.ID = maxID
	}
	out, err := collectRecords(ctx, q, recordsByNameSQL, scope, prefix, after.Name, after.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("store.RecordsByName: %w", err)
	}
	seen := map[int64]bool{}
	return slices.DeleteFunc(out, func(r Record) bool {
		dup := seen[r.ID]
		seen[r.ID] = true
		return dup || !scope.Includes(r.Branch, r.Country)
	}), nil
}

// RecordsByPhone lists drafts whose mobile number holds digits, newest first, older than afterID.
func RecordsByPhone(
	ctx context.Context, q Querier, scope RecordScope, digits string, afterID int64, limit int,
) ([]Record, error) {
	out, err := collectRecords(ctx, q, recordsByPhoneSQL, scope, digits, orMax(afterID), limit)
	if err != nil {
		return nil, fmt.Errorf("store.RecordsByPhone: %w", err)
	}
	return out, nil
}

// RecordsByIDNumber lists drafts whose normalised ID number holds part, newest first.
func RecordsByIDNumber(
	ctx context.Context, q Querier, scope RecordScope, part string, afterID int64, limit int,
) ([]Record, error) {
	out, err := collectRecords(ctx, q, recordsByIDNumberSQL, scope, part, orMax(afterID), limit)
	if err != nil {
		return nil, fmt.Errorf("store.RecordsByIDNumber: %w", err)
	}
	return out, nil
}

// maxID stands for "no cursor yet": every draft id is below it.
const maxID = int64(^uint64(0) >> 1)

func orMax(id int64) int64 {
	if id == 0 {
		return maxID
	}
	return id
}

func collectRecords(ctx context.Context, q Querier, sql string, scope RecordScope, args ...any) ([]Record, error) {
	countries := scope.Countries
	if countries == nil {
		countries = []string{} // NULL would make ANY() unknown, not false
	}
	// Planned with its values every time, never as a cached generic plan: with a parameter
	// in place of the pattern the planner cannot tell a rare fragment from a common one, and
	// walks the primary key backwards hoping to meet matches early, reading the whole table
	// for a rare one (TestSearchesUseTheirIndexes).
	rows, err := q.Query(
		ctx,
		sql,
		append([]any{pgx.QueryExecModeExec, scope.Branch, countries, scope.AnyCountry}, args...)...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Record, error) {
		var r Record
		err := row.Scan(append(summaryFields(&r.DraftSummary), &r.IDNumber, &r.Phone, &r.NameKey)...)
		return r, err
	})
}

// summaryFields are where the columns of summaryColumns are read into.
func summaryFields(s *DraftSummary) []any {
	return []any{&s.ID, &s.Country, &s.IDType, &s.Status, &s.FirstName, &s.LastName, &s.CreatedByName,
		&s.Branch, &s.CreatedAt, &s.UpdatedAt}
}
