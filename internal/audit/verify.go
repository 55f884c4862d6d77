package audit

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Result of checking the log. When something does not hold, Problem says what, and
// BrokenID and Position name the first event concerned (0 and -1 when the problem is a
// checkpoint's).
type Result struct {
	Verified   int64 // events whose content was recomputed and found in the tree
	TreeSize   int64 // leaves walked
	Checkpoint int64 // size of the latest checkpoint, all of whose hashes were checked
	Unsealed   int64 // events committed but not yet in the tree
	BrokenID   int64
	Position   int64
	Problem    string
}

// OK tells whether everything checked holds.
func (r Result) OK() bool { return r.Problem == "" }

func (r *Result) fail(id, position int64, format string, args ...any) {
	r.BrokenID = id
	r.Position = position
	r.Problem = fmt.Sprintf(format, args...)
}

// Verify walks the whole tree from its leaves: it recomputes each event's leaf from its
// row (with a branch, only that branch's events; the others by their stored leaf hash),
// recomputes every tree hash and compares it with the stored one, checks every
// checkpoint's signature against v and its root against the tree of its size, and looks
// for events that are neither in the tree nor waiting for it. It reads one snapshot.
func Verify(ctx context.Context, db Pool, branch string, v note.Verifier) (res Result, err error) {
	err = pgx.BeginTxFunc(ctx, db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			res, err = verify(ctx, tx, branch, v)
			return err
		})
	if err != nil {
		return res, fmt.Errorf("audit.Verify: %w", err)
	}
	return res, nil
}

func verify(ctx context.Context, tx pgx.Tx, branch string, v note.Verifier) (Result, error) {
	res := Result{Position: -1}
	checkpoints, err := openCheckpoints(ctx, tx, v, &res)
	if err != nil || !res.OK() {
		return res, err
	}
	var purgedUpTo int64
	err = tx.QueryRow(ctx, `SELECT coalesce(max(up_to_id), 0), (SELECT count(*) FROM audit_unsealed)
		FROM audit_anchors`).Scan(&purgedUpTo, &res.Unsealed)
	if err != nil {
		return res, err
	}
	w := &walk{res: &res, f: newFrontier(0, nil), checkpoints: checkpoints, branch: branch, purgedUpTo: purgedUpTo}
	if err := w.leaves(ctx, tx); err != nil || !res.OK() {
		return res, err
	}
	if len(checkpoints) > 0 && res.Checkpoint != checkpoints[len(checkpoints)-1].Size {
		c := checkpoints[len(checkpoints)-1]
		res.fail(0, -1, "checkpoint of size %d is larger than the tree (%d leaves): leaves were removed",
			c.Size, res.TreeSize)
		return res, nil
	}
	return res, orphans(ctx, tx, &res)
}

// openCheckpoints reads every checkpoint, checking its signature and that its columns say
// what its signed note says.
func openCheckpoints(ctx context.Context, tx pgx.Tx, v note.Verifier, res *Result) ([]Checkpoint, error) {
	rows, err := tx.Query(ctx, `SELECT tree_size, root_hash, note FROM audit_checkpoints ORDER BY tree_size`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Checkpoint
	for rows.Next() {
		var size int64
		var root []byte
		var text string
		if err := rows.Scan(&size, &root, &text); err != nil {
			return nil, err
		}
		c, err := OpenCheckpoint([]byte(text), v)
		if err != nil {
			res.fail(0, -1, "checkpoint of size %d: %v", size, err)
			return nil, nil
		}
		if c.Size != size || !sameRoot(c.Root, root) {
			res.fail(0, -1, "checkpoint of size %d: its columns differ from its signed note", size)
			return nil, nil
		}
		out = append(out, Checkpoint{Size: c.Size, Root: c.Root})
	}
	return out, rows.Err()
}

// walk recomputes the tree leaf by leaf.
type walk struct {
	res         *Result
	f           *frontier
	checkpoints []Checkpoint
	branch      string
	purgedUpTo  int64 // events up to this id may be gone: retention purged their content
}

func (w *walk) leaves(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT l.position, l.event_id, l.hashes, e.id IS NOT NULL,
			e.id IS NOT NULL AND ($1 = '' OR e.actor_branch = $1), `+nullableRowColumns+`
		FROM audit_leaves l LEFT JOIN audit_events e ON e.id = l.event_id ORDER BY l.position`, w.branch)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l leafRow
		if err := rows.Scan(l.fields()...); err != nil {
			return err
		}
		if !w.check(l) {
			return nil
		}
	}
	return rows.Err()
}

// leafRow is a leaf joined with its event, if the event is still there.
type leafRow struct {
	position, eventID int64
	hashes            []byte
	present, inScope  bool
	row               Row
}

func (l *leafRow) fields() []any {
	return append([]any{&l.position, &l.eventID, &l.hashes, &l.present, &l.inScope}, l.row.fields()...)
}

// nullableRowColumns are rowColumns for a row that may be absent (a LEFT JOIN).
const nullableRowColumns = `coalesce(e.id, 0), coalesce(e.occurred_at, 'epoch'), coalesce(e.actor_user_id, 0),
	coalesce(e.actor_username, ''), coalesce(e.actor_role, ''), coalesce(e.actor_branch, ''),
	coalesce(e.session_ref, ''), coalesce(e.request_id, ''), coalesce(e.client_ip, ''), coalesce(e.action, ''),
	coalesce(e.entity_type, ''), coalesce(e.entity_id, ''), e.before, e.after, coalesce(e.reason, ''),
	coalesce(e.outcome, ''), e.prev_hash, e.hash`

// check takes the next leaf; false when it does not hold (res says why).
func (w *walk) check(l leafRow) bool {
	res := w.res
	if l.position != w.f.size {
		res.fail(l.eventID, l.position, "position %d follows %d: leaves are missing", l.position, w.f.size-1)
		return false
	}
	stored, err := hashesOf(l.hashes)
	if err != nil {
		res.fail(l.eventID, l.position, "event %d: %v", l.eventID, err)
		return false
	}
	leaf := stored[0]
	switch {
	case !l.present && l.eventID > w.purgedUpTo:
		res.fail(l.eventID, l.position, "event %d (position %d) is missing from audit_events", l.eventID, l.position)
		return false
	case l.inScope:
		leaf = tlog.RecordHash(l.row.Record())
		if leaf != stored[0] {
			res.fail(l.eventID, l.position, "event %d (position %d): its content does not match its leaf", l.eventID, l.position)
			return false
		}
		res.Verified++
	}
	computed, err := w.f.add(leaf)
	if err != nil {
		res.fail(l.eventID, l.position, "event %d: %v", l.eventID, err)
		return false
	}
	if len(computed) != len(stored) || joinedDiffer(computed, stored) {
		res.fail(l.eventID, l.position, "event %d (position %d): the tree hashes stored with it are wrong",
			l.eventID, l.position)
		return false
	}
	res.TreeSize = w.f.size
	return w.checkpointAt()
}

// checkpointAt compares the checkpoint of the current size, if any, with the tree.
func (w *walk) checkpointAt() bool {
	for len(w.checkpoints) > 0 && w.checkpoints[0].Size == w.f.size {
		c := w.checkpoints[0]
		w.checkpoints = w.checkpoints[1:]
		root, err := tlog.TreeHash(c.Size, w.f)
		if err != nil || root != c.Root {
			w.res.fail(0, -1, "checkpoint of size %d does not match the tree of that size: "+
				"a leaf before it was rewritten", c.Size)
			return false
		}
		w.res.Checkpoint = c.Size
	}
	return true
}

func joinedDiffer(a, b []tlog.Hash) bool {
	for i := range a {
		if a[i] != b[i] {
			return true
		}
	}
	return false
}

// orphans finds an event that is neither in the tree nor queued: its queue entry was
// removed behind the sealer's back, and it would never be sealed.
func orphans(ctx context.Context, tx pgx.Tx, res *Result) error {
	var id int64
	err := tx.QueryRow(ctx, `SELECT e.id FROM audit_events e
		WHERE NOT EXISTS (SELECT 1 FROM audit_leaves l WHERE l.event_id = e.id)
		AND NOT EXISTS (SELECT 1 FROM audit_unsealed u WHERE u.event_id = e.id) ORDER BY e.id LIMIT 1`).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	res.fail(id, -1, "event %d is neither in the tree nor waiting to be sealed", id)
	return nil
}

// ErrInconsistent: a checkpoint kept elsewhere is not a prefix of the log as it stands.
var ErrInconsistent = errors.New("the log does not extend the kept checkpoint")

// Consistent checks that the tree of checkpoint latest extends the tree of kept, a copy
// an auditor or a witness saved earlier: tlog's consistency proof between the two, built
// from the stored hashes. A history rewritten after kept was taken fails, even when the
// rewriter could sign new checkpoints.
func Consistent(ctx context.Context, q Querier, kept, latest Checkpoint) error {
	switch {
	case kept.Size > latest.Size:
		return fmt.Errorf("%w: it has %d leaves, the log %d", ErrInconsistent, kept.Size, latest.Size)
	case kept.Size == latest.Size && kept.Root != latest.Root:
		return fmt.Errorf("%w: another root at the same size %d", ErrInconsistent, kept.Size)
	case kept.Size == latest.Size:
		return nil
	}
	proof, err := tlog.ProveTree(latest.Size, kept.Size, storedHashes{ctx, q})
	if err != nil {
		return fmt.Errorf("audit.Consistent: %w", err)
	}
	if err := tlog.CheckTree(proof, latest.Size, latest.Root, kept.Size, kept.Root); err != nil {
		return fmt.Errorf("%w: size %d to %d: %v", ErrInconsistent, kept.Size, latest.Size, err)
	}
	return nil
}
