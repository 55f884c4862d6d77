// Package store holds every SQL statement of the portal but the audit trail's own, one
// file per aggregate. Methods wrap their errors with the method's name.
package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"kycportal/migrations"
)

// ErrNotFound is returned when the row asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique value is already taken.
var ErrConflict = errors.New("already exists")

// Querier is what both a pool and a transaction offer, so store methods run in either.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// DB is the portal's database.
type DB struct {
	Pool *pgxpool.Pool
}

// MinPoolConns is the pool's size unless the URL sets pool_max_conns. pgx's own default,
// four or one a core, is too few for the portal: a request runs several statements in turn,
// and under load the requests queued for a connection while PostgreSQL sat idle
// (docs/performance.md, "The audit log under load").
const MinPoolConns = 16

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, MinPoolConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	return &DB{Pool: pool}, nil
}

// Unavailable says whether err means the database is away, or went away under the request
// (a refused connection, a broken pipe, or its shutdown ending the connection, SQLSTATE
// 57P01-03), rather than refusing what was asked.
func Unavailable(err error) bool {
	var down *pgconn.ConnectError
	var lost *net.OpError
	var shutdown *pgconn.PgError
	return errors.As(err, &down) || errors.As(err, &lost) ||
		errors.As(err, &shutdown) && strings.HasPrefix(shutdown.Code, "57P")
}

// Close releases the pool.
func (db *DB) Close() { db.Pool.Close() }

// InTx runs fn in one transaction: committed when fn returns nil, rolled back otherwise.
func (db *DB) InTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.Pool, fn)
}

// InTxFrom is InTx with the transaction's first statements, which first queues, sent in
// its BEGIN's round trip (pgx's Batch.BeginTx); their callbacks have run when fn starts.
func (db *DB) InTxFrom(ctx context.Context, first func(b *pgx.Batch), fn func(tx pgx.Tx) error) error {
	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{})
	first(b)
	br := db.Pool.SendBatch(ctx, b)
	tx := br.Tx()
	defer func() { _ = tx.Rollback(ctx) }() // nothing once committed; returns the connection
	if err := br.Close(); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func (db *DB) migrator() (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, stdlib.OpenDBFromPool(db.Pool), migrations.FS,
		goose.WithSessionLocker(locker))
}

// Migrate applies every pending migration. Two processes starting at once take turns.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	p, err := db.migrator()
	if err != nil {
		return 0, fmt.Errorf("store.Migrate: %w", err)
	}
	defer p.Close()
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("store.Migrate: %w", err)
	}
	return len(res), nil
}

// Ready reports whether the database answers and its schema is current.
func (db *DB) Ready(ctx context.Context) error {
	p, err := db.migrator()
	if err != nil {
		return fmt.Errorf("store.Ready: %w", err)
	}
	defer p.Close()
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("store.Ready: %w", err)
	}
	if current != target {
		return fmt.Errorf("store.Ready: schema at version %d, binary expects %d", current, target)
	}
	return nil
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}

// lockedIf is the query sql, locking the rows it reads of table alias (all of them, for "")
// until the transaction ends when lock is set: two changes to one row are then judged one
// after the other.
func lockedIf(sql string, lock bool, alias string) string {
	switch {
	case !lock:
		return sql
	case alias == "":
		return sql + ` FOR UPDATE`
	}
	return sql + ` FOR UPDATE OF ` + alias
}
