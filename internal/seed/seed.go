// Package seed fills a portal database with deterministic synthetic data at bank scale:
// staff in 40 branches of four countries, a draft per customer (a submission for those
// submitted) and an audit trail whose hash chain verifies. Rows are made from their number
// alone and written with COPY; secondary indexes are dropped for the load and built once
// after it, all in one transaction, so an interrupted seed leaves nothing behind.
package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/store"
)

// Options say how much to make.
type Options struct {
	Customers   int64     // drafts, one per customer
	AuditEvents int64     // events appended to the trail
	Password    string    // of every seeded account
	AuditKey    []byte    // keys the ID-number hashes in search events (audit.IDRef)
	Log         io.Writer // progress and timings
}

// Phase is one step of a seed and how long it took.
type Phase struct {
	Name string
	Rows int64
	Took time.Duration
}

// ErrSeeded refuses to seed a database twice.
var ErrSeeded = errors.New("this database holds seeded accounts already")

// Run seeds db and returns its phases, the last being the total.
func Run(ctx context.Context, db *store.DB, o Options) ([]Phase, error) {
	start := time.Now()
	hash, err := auth.NewHasher(1).Hash(ctx, o.Password)
	if err != nil {
		return nil, err
	}
	l := &loader{o: o}
	l.bulk(ctx, db, func(tx pgx.Tx, firstDraft int64) {
		l.phase("users", int64(len(branches)*(agentsPerBranch+supervisorsPerBranch)+admins), func() (err error) {
			var seeded bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE
				username LIKE 'seed-%')`).Scan(&seeded); err != nil ||
				seeded {
				return errors.Join(err, ErrSeeded)
			}
			l.staff, err = insertStaff(ctx, tx, hash)
			return err
		})
		l.customers(ctx, tx, firstDraft)
	})
	if l.err == nil {
		l.done(Phase{Name: "total", Rows: o.Customers + o.AuditEvents, Took: time.Since(start)})
	}
	return l.phases, l.err
}

// LoadDrafts runs insert, which adds drafts of a test's own making, as the seed loads
// its own (see bulk): for a plan test that needs drafts of another shape at scale.
func LoadDrafts(ctx context.Context, db *store.DB, insert func(tx pgx.Tx) error) error {
	l := &loader{o: Options{Log: io.Discard}}
	l.bulk(ctx, db, func(tx pgx.Tx, _ int64) { l.phase("drafts", 0, func() error { return insert(tx) }) })
	return l.err
}

// loader runs the phases of a seed, stopping at the first error.
type loader struct {
	o      Options
	staff  staff
	phases []Phase
	err    error
}

// secondary are the tables whose secondary indexes are built after the load.
var secondary = []string{"drafts", "draft_name_parts", "submissions", "audit_events"}

// bulk runs load in one transaction with the secondary indexes dropped and the drafts'
// name-parts trigger off, then builds the indexes again from their definitions, fills the
// name parts of the new drafts in one statement, and analyzes: many times faster than
// maintaining each index and running the trigger row by row. load is given the id its
// first draft will have.
func (l *loader) bulk(ctx context.Context, db *store.DB, load func(tx pgx.Tx, firstDraft int64)) {
	l.err = db.InTx(ctx, func(tx pgx.Tx) error {
		// Index builds sort in memory when they can; the setting ends with the transaction.
		if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '1GB'`); err != nil {
			return err
		}
		var indexes []index
		var firstDraft int64
		l.phase("drop secondary indexes", 0, func() (err error) {
			if indexes, err = dropIndexes(ctx, tx, secondary); err != nil {
				return err
			}
			if err := pauseNameParts(ctx, tx); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) + 1 FROM drafts`).Scan(&firstDraft)
		})
		if l.err == nil {
			load(tx, firstDraft)
		}
		l.phase("draft name parts", 0, func() error { return fillNameParts(ctx, tx, firstDraft) })
		for _, ix := range indexes {
			l.phase("index "+ix.name, 0, func() error { return ix.build(ctx, tx) })
		}
		return l.err
	})
	l.phase("vacuum analyze", 0, func() error {
		_, err := db.Pool.Exec(ctx, `VACUUM (ANALYZE) users, drafts, draft_name_parts, submissions, audit_events`)
		return err
	})
}

// customers loads the drafts, their submissions and the audit trail.
func (l *loader) customers(ctx context.Context, tx pgx.Tx, firstDraft int64) {
	n := l.o.Customers
	if n > 0 {
		l.metered("drafts", n, func(m *meter) error { return copyDrafts(ctx, tx, l.staff, firstDraft, n, m) })
		l.metered("submissions", n, func(m *meter) error {
			_, err := copySubmissions(ctx, tx, l.staff, firstDraft, n, m)
			return err
		})
	}
	l.metered("audit events", l.o.AuditEvents, func(m *meter) error {
		g := &events{r: newRNG(), n: l.o.AuditEvents, customers: n, firstID: firstDraft, staff: l.staff, key: l.o.AuditKey}
		return audit.AppendAll(ctx, tx, l.o.AuditEvents, func(i int64) audit.Event {
			m.tick(i + 1)
			return g.event(i)
		})
	})
}

// phase runs f unless an earlier phase failed, and keeps its timing.
func (l *loader) phase(name string, rows int64, f func() error) {
	if l.err != nil {
		return
	}
	start := time.Now()
	if l.err = f(); l.err != nil {
		l.err = fmt.Errorf("seed: %s: %w", name, l.err)
		return
	}
	l.done(Phase{Name: name, Rows: rows, Took: time.Since(start)})
}

// done keeps a finished phase and writes its timing.
func (l *loader) done(p Phase) {
	l.phases = append(l.phases, p)
	fmt.Fprintf(l.o.Log, "seed: %-40s %10d rows %8.1f s\n", p.Name, p.Rows, p.Took.Seconds())
}

// metered is a phase of many rows, with progress every few seconds.
func (l *loader) metered(name string, rows int64, f func(*meter) error) {
	m := &meter{w: l.o.Log, name: name, total: rows, start: time.Now(), shown: time.Now()}
	l.phase(name, rows, func() error { return f(m) })
}

// meter writes the progress of a phase.
type meter struct {
	w            io.Writer
	name         string
	total        int64
	start, shown time.Time
}

func (m *meter) tick(done int64) {
	if done%4096 != 0 {
		return
	}
	if now := time.Now(); now.Sub(m.shown) >= 5*time.Second {
		m.shown = now
		fmt.Fprintf(m.w, "seed: %s %d/%d (%.0f%%, %.0f rows/s)\n", m.name, done, m.total,
			100*float64(done)/float64(m.total), float64(done)/now.Sub(m.start).Seconds())
	}
}
