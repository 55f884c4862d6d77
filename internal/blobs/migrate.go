package blobs

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"kycportal/internal/store"
)

// Moving is the store of a deployment whose blobs live, or lived, in PostgreSQL and now go
// to another store (To): writes go there, reads look there first and then in PostgreSQL,
// where the blobs that `portal blobs migrate` has not moved yet still are.
type Moving struct {
	To Store
}

// Put writes to the new store.
func (m Moving) Put(ctx context.Context, q store.Querier, key string, data []byte) error {
	return m.To.Put(ctx, q, key, data)
}

// Get reads from the new store, else from PostgreSQL.
func (m Moving) Get(ctx context.Context, q store.Querier, key string) ([]byte, error) {
	data, err := m.To.Get(ctx, q, key)
	if errors.Is(err, store.ErrNotFound) {
		return store.PGBlobs{}.Get(ctx, q, key)
	}
	return data, err
}

// Delete removes the blob from both stores.
func (m Moving) Delete(ctx context.Context, q store.Querier, key string) error {
	return errors.Join(m.To.Delete(ctx, q, key), store.PGBlobs{}.Delete(ctx, q, key))
}

// Sweep sweeps both stores.
func (m Moving) Sweep(ctx context.Context, q store.Querier, before time.Time) (int, error) {
	n, err := m.To.Sweep(ctx, q, before)
	pg, pgErr := store.PGBlobs{}.Sweep(ctx, q, before)
	return n + pg, errors.Join(err, pgErr)
}

// migrateBatch is how many keys Migrate reads at once.
const migrateBatch = 100

// Migrate moves every blob kept in PostgreSQL into to: it copies one, reads it back from
// to, compares the SHA-256 of both, and only then deletes the PostgreSQL row. Interrupted,
// it resumes where it stopped, since the rows left are what remains to move. moved is
// called after each blob; Migrate returns how many it moved.
func Migrate(ctx context.Context, db *store.DB, to Store, moved func(key string)) (int, error) {
	n := 0
	for {
		keys, err := store.FirstBlobKeys(ctx, db.Pool, migrateBatch)
		if err != nil || len(keys) == 0 {
			return n, err
		}
		for _, key := range keys {
			if err := move(ctx, db, to, key); err != nil {
				return n, err
			}
			n++
			moved(key)
		}
	}
}

func move(ctx context.Context, db *store.DB, to Store, key string) error {
	pg := store.PGBlobs{}
	data, err := pg.Get(ctx, db.Pool, key)
	if err != nil {
		return err
	}
	if err := to.Put(ctx, db.Pool, key, data); err != nil {
		return err
	}
	back, err := to.Get(ctx, db.Pool, key)
	if err != nil {
		return err
	}
	if sha256.Sum256(back) != sha256.Sum256(data) {
		return fmt.Errorf("blobs.Migrate: %s reads back different from what was written; its PostgreSQL copy is kept", key)
	}
	return pg.Delete(ctx, db.Pool, key)
}
