package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Branch is a record of the branch registry.
type Branch struct {
	Code          string // DXB-01
	Name          string
	Country       string // ISO 3166-1 alpha-2
	TimeZone      string // IANA, Asia/Dubai
	CDPLocationID string // the CDP's agent_location_id; empty until an admin sets it
	Channel       string // the CDP's channel
	Active        bool
	UpdatedAt     time.Time
}

const branchColumns = `code, name, country, time_zone, cdp_location_id, channel, active, updated_at`

func scanBranch(row pgx.Row) (Branch, error) {
	var b Branch
	err := row.Scan(&b.Code, &b.Name, &b.Country, &b.TimeZone, &b.CDPLocationID, &b.Channel, &b.Active, &b.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, ErrNotFound
	}
	return b, err
}

// AddBranch registers b; ErrConflict when its code is taken. An empty channel is the
// registry's default (migration 00040).
func AddBranch(ctx context.Context, q Querier, b Branch) error {
	sql := `INSERT INTO branches (code, name, country, time_zone, cdp_location_id, active, channel)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	args := []any{b.Code, b.Name, b.Country, b.TimeZone, b.CDPLocationID, b.Active, b.Channel}
	if b.Channel == "" {
		sql = `INSERT INTO branches (code, name, country, time_zone, cdp_location_id, active)
			VALUES ($1, $2, $3, $4, $5, $6)`
		args = args[:6]
	}
	_, err := q.Exec(ctx, sql, args...)
	if isUniqueViolation(err) {
		return fmt.Errorf("store.AddBranch(%q): %w", b.Code, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store.AddBranch(%q): %w", b.Code, err)
	}
	return nil
}

// UpdateBranch rewrites every field of the branch with b's code.
func UpdateBranch(ctx context.Context, q Querier, b Branch) error {
	tag, err := q.Exec(ctx, `UPDATE branches SET name = $2, country = $3, time_zone = $4, cdp_location_id = $5,
		channel = $6, active = $7, updated_at = now() WHERE code = $1`,
		b.Code, b.Name, b.Country, b.TimeZone, b.CDPLocationID, b.Channel, b.Active)
	if err == nil && tag.RowsAffected() == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store.UpdateBranch(%q): %w", b.Code, err)
	}
	return nil
}

// BranchByCode finds a branch; lock holds it until the transaction ends.
func BranchByCode(ctx context.Context, q Querier, code string, lock bool) (Branch, error) {
	sql := lockedIf(`SELECT `+branchColumns+` FROM branches WHERE code = $1`, lock, "")
	b, err := scanBranch(q.QueryRow(ctx, sql, code))
	if err != nil {
		return b, fmt.Errorf("store.BranchByCode(%q): %w", code, err)
	}
	return b, nil
}

// Branches lists the registry by code.
func Branches(ctx context.Context, q Querier) ([]Branch, error) {
	rows, err := q.Query(ctx, `SELECT `+branchColumns+` FROM branches ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("store.Branches: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Branch, error) { return scanBranch(r) })
	if err != nil {
		return nil, fmt.Errorf("store.Branches: %w", err)
	}
	return out, nil
}
