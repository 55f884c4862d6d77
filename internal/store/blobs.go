package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// PGBlobs keeps document bytes in PostgreSQL, written in the caller's transaction so that
// a document and the draft change it belongs to commit together.
type PGBlobs struct{}

// Put stores data under key.
func (PGBlobs) Put(ctx context.Context, q Querier, key string, data []byte) error {
	if _, err := q.Exec(ctx, `INSERT INTO blobs (key, data) VALUES ($1, $2)`, key, data); err != nil {
		return fmt.Errorf("store.PGBlobs.Put(%s): %w", key, err)
	}
	return nil
}

// Get reads the bytes stored under key.
func (PGBlobs) Get(ctx context.Context, q Querier, key string) ([]byte, error) {
	var data []byte
	err := q.QueryRow(ctx, `SELECT data FROM blobs WHERE key = $1`, key).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store.PGBlobs.Get(%s): %w", key, err)
	}
	return data, nil
}
