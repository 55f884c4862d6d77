package perf

import (
	"context"
	"crypto/sha256"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
)

// The baseline of the append runs: the audit append as it was before the Merkle log,
// reconstructed here so that before and after run in the same harness, on the same
// cluster, in the same run (docs/performance.md). Each append took a transaction-level
// advisory lock, read the chain's end (the next id and the last row's hash), and inserted
// the row linked to it; the lock was held until the commit, so every audited transaction
// of the portal waited for the one before it.
//
// It writes to lockedTable, a copy of audit_events with its columns, constraints and
// indexes but without its triggers (the former table queued nothing), made for the run
// and dropped after it, so the sealer and the real log never see these rows.
const (
	lockedTable = "bench_locked_audit"
	lockedChain = 0x6b79635f61756469 // the former chain lock's key, "kyc_audi"
)

// createLockedTable makes the baseline's table, empty, and drops it when the test ends.
func (p *perf) createLockedTable() {
	_, err := p.db.Pool.Exec(p.ctx, `DROP TABLE IF EXISTS `+lockedTable+`;
		DROP SEQUENCE IF EXISTS `+lockedTable+`_id_seq;
		CREATE TABLE `+lockedTable+` (LIKE audit_events INCLUDING CONSTRAINTS INCLUDING INDEXES);
		CREATE SEQUENCE `+lockedTable+`_id_seq`)
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() {
		_, _ = p.db.Pool.Exec(
			context.Background(),
			`DROP TABLE IF EXISTS `+lockedTable+`; DROP SEQUENCE IF EXISTS `+lockedTable+`_id_seq`,
		)
	})
}

// lockedAppend is one append the former way, in its own transaction.
func lockedAppend(ctx context.Context, db audit.Beginner, writer, i int) error {
	r := audit.Row{Actor: benchWriter(writer), OccurredAt: time.Now().UTC().Truncate(time.Microsecond),
		Action: audit.DraftUpdated, EntityType: "draft", EntityID: strconv.Itoa(i),
		After: []byte(`{"current_city":"` + newCity(i) + `"}`), Outcome: audit.Success}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lockedChain)); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT nextval('`+lockedTable+`_id_seq'),
			coalesce((SELECT hash FROM `+lockedTable+` ORDER BY id DESC LIMIT 1), $1)`, make([]byte, sha256.Size)).
			Scan(&r.ID, &r.PrevHash)
		if err != nil {
			return err
		}
		h := sha256.New()
		h.Write(r.PrevHash)
		h.Write(r.Record())
		_, err = tx.Exec(ctx, `INSERT INTO `+lockedTable+` (id, occurred_at, actor_user_id, actor_username,
			actor_role, actor_branch, session_ref, request_id, client_ip, action, entity_type, entity_id,
			before, after, reason, outcome, prev_hash, hash)
			VALUES ($1, $2, nullif($3, 0), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			r.ID, r.OccurredAt, r.UserID, r.Username, r.Role, r.Branch, r.SessionRef, r.RequestID, r.ClientIP,
			string(r.Action), r.EntityType, r.EntityID, r.Before, r.After, r.Reason, r.Outcome, r.PrevHash, h.Sum(nil))
		return err
	})
}

// benchWriter is the actor of the append runs' writer w.
func benchWriter(w int) audit.Actor {
	return audit.Actor{Username: "bench-writer-" + strconv.Itoa(w), Role: "agent", Branch: "DXB-01"}
}
