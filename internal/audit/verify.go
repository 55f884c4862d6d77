package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Result of walking the chain. BrokenID is the first row whose link fails, 0 when none.
type Result struct {
	Verified int64
	BrokenID int64
	Problem  string
}

// OK tells whether the whole chain holds.
func (r Result) OK() bool { return r.BrokenID == 0 }

// Verify recomputes every link of the trail, the first one against the genesis or, after a
// retention purge, against the anchor the purge kept; with a branch, only the links of that branch's
// events, each against its true predecessor in the whole chain, so that a supervisor can check
// their scope without seeing other branches' rows.
//
// It reads one snapshot (a repeatable-read, read-only transaction), so rows appended
// meanwhile do not confuse it.
func Verify(ctx context.Context, db interface {
	BeginTx(context.Context, pgx.TxOptions) (pgx.Tx, error)
}, branch string) (res Result, err error) {
	err = pgx.BeginTxFunc(ctx, db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) (err error) {
			res, err = verify(ctx, tx, branch)
			return err
		})
	return res, err
}

func verify(ctx context.Context, tx pgx.Tx, branch string) (Result, error) {
	var res Result
	rows, err := tx.Query(ctx, `SELECT * FROM (
		SELECT id, occurred_at, coalesce(actor_user_id, 0), actor_username, actor_role, actor_branch,
			session_ref, request_id, client_ip, action, entity_type, entity_id, before, after, reason,
			outcome, prev_hash, hash,
			coalesce(lag(hash) OVER (ORDER BY id),
				(SELECT hash FROM audit_anchors ORDER BY up_to_id DESC LIMIT 1), $1) AS true_prev
		FROM audit_events) chain
		WHERE $2 = '' OR actor_branch = $2 ORDER BY id`, genesis, branch)
	if err != nil {
		return res, fmt.Errorf("audit.Verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r row
		var action string
		var before, after, truePrev []byte
		var at time.Time
		if err := rows.Scan(&r.ID, &at, &r.UserID, &r.Username, &r.Role, &r.Branch, &r.SessionRef,
			&r.RequestID, &r.ClientIP, &action, &r.EntityType, &r.EntityID, &before, &after,
			&r.Reason, &r.Outcome, &r.PrevHash, &r.Hash, &truePrev); err != nil {
			return res, fmt.Errorf("audit.Verify: %w", err)
		}
		r.Action, r.OccurredAt = Action(action), at.UTC()
		r.Before, r.After = rawOrNil(before), rawOrNil(after)
		switch {
		case !bytes.Equal(r.PrevHash, truePrev):
			return Result{Verified: res.Verified, BrokenID: r.ID, Problem: "prev_hash does not match the row before"}, nil
		case !bytes.Equal(r.hash(), r.Hash):
			return Result{Verified: res.Verified, BrokenID: r.ID, Problem: "content does not match its hash"}, nil
		}
		res.Verified++
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("audit.Verify: %w", err)
	}
	return res, nil
}

func rawOrNil(b []byte) any {
	if b == nil {
		return nil
	}
	return json.RawMessage(b)
}
