package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/tlog"
)

// sealLock makes one sealer at a time, across replicas: a transaction-level advisory lock
// that only sealers take (appends take none), tried, never waited for.
const sealLock = 0x6b79635f7365616c // "kyc_seal"

// genesis is the prev_hash of the former chain's first row.
var genesis = make([]byte, sha256.Size)

// Sealed is what one batch did.
type Sealed struct {
	Events   int   // events given a position
	TreeSize int64 // the tree's size after the batch
	Skipped  bool  // another sealer held the lock
}

// Seal gives up to limit committed, unsealed events consecutive positions in the tree,
// oldest id first, stores their hashes and signs a checkpoint, in one transaction. When
// another sealer holds the lock it does nothing. Rows of the former hash chain are checked
// link by link as they are carried in; a broken link stops the sealing, naming the row.
func Seal(ctx context.Context, db Beginner, key *Key, limit int, now time.Time) (Sealed, error) {
	var res Sealed
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var leader bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(sealLock)).Scan(&leader); err != nil {
			return err
		}
		if !leader {
			res.Skipped = true
			return nil
		}
		var err error
		res, err = sealBatch(ctx, tx, key, limit, now)
		return err
	})
	if err != nil {
		return Sealed{}, fmt.Errorf("audit.Seal: %w", err)
	}
	return res, nil
}

func sealBatch(ctx context.Context, tx pgx.Tx, key *Key, limit int, now time.Time) (Sealed, error) {
	var size int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(position) + 1, 0) FROM audit_leaves`).Scan(&size); err != nil {
		return Sealed{}, err
	}
	rows, err := unsealed(ctx, tx, limit)
	if err != nil || len(rows) == 0 {
		return Sealed{TreeSize: size}, err
	}
	if err := checkLinks(ctx, tx, rows); err != nil {
		return Sealed{}, err
	}
	f := newFrontier(size, storedHashes{ctx, tx})
	if err := addLeaves(ctx, tx, f, rows, now); err != nil {
		return Sealed{}, err
	}
	if err := signTree(ctx, tx, key, f, now); err != nil {
		return Sealed{}, err
	}
	return Sealed{Events: len(rows), TreeSize: f.size}, nil
}

// addLeaves gives rows the next positions of the tree f, stores their hashes and takes
// them off the queue.
func addLeaves(ctx context.Context, tx pgx.Tx, f *frontier, rows []Row, now time.Time) error {
	leaves := make([][]any, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		position := f.size
		stored, err := f.add(tlog.RecordHash(r.Record()))
		if err != nil {
			return err
		}
		leaves[i], ids[i] = []any{position, r.ID, joinHashes(stored), now}, r.ID
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_leaves"}, []string{"position", "event_id", "hashes", "sealed_at"},
		pgx.CopyFromRows(leaves))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM audit_unsealed WHERE event_id = ANY($1)`, ids)
	return err
}

// signTree writes the signed checkpoint of the tree f.
func signTree(ctx context.Context, tx pgx.Tx, key *Key, f *frontier, now time.Time) error {
	root, err := tlog.TreeHash(f.size, f)
	if err != nil {
		return err
	}
	c, err := key.sign(f.size, root)
	if err != nil {
		return err
	}
	return saveCheckpoint(ctx, tx, c, now)
}

// rowColumns are audit_events' columns in the order scanRow reads them.
const rowColumns = `e.id, e.occurred_at, coalesce(e.actor_user_id, 0), e.actor_username, e.actor_role,
	e.actor_branch, e.session_ref, e.request_id, e.client_ip, e.action, e.entity_type, e.entity_id,
	e.before, e.after, e.reason, e.outcome, e.prev_hash, e.hash`

func scanRow(row pgx.Row) (Row, error) {
	var r Row
	err := row.Scan(r.fields()...)
	return r, err
}

// fields are the scan targets of rowColumns.
func (r *Row) fields() []any {
	return []any{&r.ID, &r.OccurredAt, &r.UserID, &r.Username, &r.Role, &r.Branch, &r.SessionRef,
		&r.RequestID, &r.ClientIP, &r.Action, &r.EntityType, &r.EntityID, &r.Before, &r.After,
		&r.Reason, &r.Outcome, &r.PrevHash, &r.Hash}
}

// unsealed reads the oldest queued events. No row lock: the seal lock, held until the
// transaction ends, already keeps every other sealer out.
func unsealed(ctx context.Context, tx pgx.Tx, limit int) ([]Row, error) {
	rows, err := tx.Query(ctx, `SELECT `+rowColumns+` FROM audit_unsealed u JOIN audit_events e ON e.id = u.event_id
		ORDER BY u.event_id LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Row, error) { return scanRow(r) })
}

// ErrBrokenChain: a row of the former hash chain does not hold; it is not sealed.
var ErrBrokenChain = errors.New("the former audit hash chain is broken")

// checkLinks verifies the rows of the former chain in a batch, each against its true
// predecessor: the chained row before it, else the anchor a purge kept, else the genesis.
func checkLinks(ctx context.Context, tx pgx.Tx, rows []Row) error {
	var prev []byte
	for _, r := range rows {
		if r.Hash == nil {
			continue
		}
		if prev == nil {
			err := tx.QueryRow(ctx, `SELECT coalesce(
				(SELECT hash FROM audit_events WHERE hash IS NOT NULL AND id < $1 ORDER BY id DESC LIMIT 1),
				(SELECT hash FROM audit_anchors WHERE up_to_id < $1 ORDER BY up_to_id DESC LIMIT 1), $2)`,
				r.ID, genesis).Scan(&prev)
			if err != nil {
				return err
			}
		}
		switch {
		case !bytes.Equal(r.PrevHash, prev):
			return fmt.Errorf("%w at event %d: prev_hash does not match the row before", ErrBrokenChain, r.ID)
		case !bytes.Equal(r.chainHash(), r.Hash):
			return fmt.Errorf("%w at event %d: content does not match its hash", ErrBrokenChain, r.ID)
		}
		prev = r.Hash
	}
	return nil
}

// SealAll seals until no event waits, in batches of limit: after a bulk load.
func SealAll(ctx context.Context, db Beginner, key *Key, limit int) (int64, error) {
	for {
		res, err := Seal(ctx, db, key, limit, time.Now())
		if err != nil {
			return 0, err
		}
		if res.Skipped {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if res.Events < limit {
			return res.TreeSize, nil
		}
	}
}

// Sealer seals on a timer; every replica runs one and the lock picks who seals each batch.
type Sealer struct {
	DB       Pool
	Key      *Key
	Log      *slog.Logger
	Interval time.Duration // at most this long between batches; 200 ms when zero
	Batch    int           // events per batch at most; 5,000 when zero
	Metrics  *Metrics      // nil: none

	warned        time.Time // the last lag warning
	failure       string    // the last error logged, and when
	failureLogged time.Time
}

// failed logs a sealing error: a new one at once, the same one again at most once a
// minute (a broken former chain fails every batch until someone looks).
func (s *Sealer) failed(err error) {
	if err.Error() == s.failure && time.Since(s.failureLogged) < time.Minute {
		return
	}
	s.failure, s.failureLogged = err.Error(), time.Now()
	s.Log.Error("audit sealer failed", "error", err.Error())
}

// Run seals until ctx ends. A full batch is followed at once by the next.
func (s *Sealer) Run(ctx context.Context) {
	interval, batch := s.Interval, s.Batch
	if interval == 0 {
		interval = 200 * time.Millisecond
	}
	if batch == 0 {
		batch = 5000
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		res, err := Seal(ctx, s.DB, s.Key, batch, time.Now())
		if err != nil && ctx.Err() == nil {
			s.failed(err)
		}
		s.observe(ctx)
		if err == nil && res.Events == batch {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
