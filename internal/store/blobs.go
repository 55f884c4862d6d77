package store

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// GetAll reads the bytes stored under keys, in their order, in one query.
func (PGBlobs) GetAll(ctx context.Context, q Querier, keys []string) ([][]byte, error) {
	rows, err := q.Query(ctx, `SELECT key, data FROM blobs WHERE key = ANY($1)`, keys)
	if err != nil {
		return nil, fmt.Errorf("store.PGBlobs.GetAll: %w", err)
	}
	found := map[string][]byte{}
	var key string
	var data []byte
	_, err = pgx.ForEachRow(rows, []any{&key, &data}, func() error {
		found[key] = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store.PGBlobs.GetAll: %w", err)
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		if out[i] = found[k]; out[i] == nil {
			return nil, fmt.Errorf("store.PGBlobs.GetAll(%s): %w", k, ErrNotFound)
		}
	}
	return out, nil
}

// Delete removes the bytes under key; a key with none is no error.
func (PGBlobs) Delete(ctx context.Context, q Querier, key string) error {
	if _, err := q.Exec(ctx, `DELETE FROM blobs WHERE key = $1`, key); err != nil {
		return fmt.Errorf("store.PGBlobs.Delete(%s): %w", key, err)
	}
	return nil
}

// namedBy is true for a blob key that a document row names, as its file or thumbnail.
const namedBy = `(EXISTS (SELECT 1 FROM draft_documents d WHERE d.blob_key = %[1]s)
	OR EXISTS (SELECT 1 FROM draft_documents d WHERE d.thumb_key = %[1]s))`

// Sweep removes blobs written before `before` that no document names: what a transaction
// that rolled back, or a purge, left behind. It returns how many went.
func (PGBlobs) Sweep(ctx context.Context, q Querier, before time.Time) (int, error) {
	tag, err := q.Exec(ctx, `DELETE FROM blobs b WHERE b.created_at < $1 AND NOT `+fmt.Sprintf(namedBy, "b.key"), before)
	if err != nil {
		return 0, fmt.Errorf("store.PGBlobs.Sweep: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// Unnamed returns the keys of keys that no document names.
func Unnamed(ctx context.Context, q Querier, keys []string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT k FROM unnest($1::text[]) AS k WHERE NOT `+fmt.Sprintf(namedBy, "k"), keys)
	if err != nil {
		return nil, fmt.Errorf("store.Unnamed: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store.Unnamed: %w", err)
	}
	return out, nil
}

// FirstBlobKeys lists the first limit keys of the blobs kept in PostgreSQL.
func FirstBlobKeys(ctx context.Context, q Querier, limit int) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT key FROM blobs ORDER BY key LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store.FirstBlobKeys: %w", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store.FirstBlobKeys: %w", err)
	}
	return keys, nil
}

// DocumentKey is the data key of one blob, wrapped by the key-encryption key KEKID.
type DocumentKey struct {
	BlobKey string
	KEKID   string
	Wrapped []byte
}

// AddDocumentKey records the wrapped data key of a blob.
func AddDocumentKey(ctx context.Context, q Querier, k DocumentKey) error {
	_, err := q.Exec(ctx, `INSERT INTO document_keys (blob_key, kek_id, wrapped) VALUES ($1, $2, $3)`,
		k.BlobKey, k.KEKID, k.Wrapped)
	if err != nil {
		return fmt.Errorf("store.AddDocumentKey(%s): %w", k.BlobKey, err)
	}
	return nil
}

// DocumentKeysOf returns the wrapped data keys of blobs, by blob key; a blob stored before
// encryption has none.
func DocumentKeysOf(ctx context.Context, q Querier, blobKeys []string) (map[string]DocumentKey, error) {
	rows, err := q.Query(ctx, `SELECT blob_key, kek_id, wrapped FROM document_keys WHERE blob_key = ANY($1)`, blobKeys)
	if err != nil {
		return nil, fmt.Errorf("store.DocumentKeysOf: %w", err)
	}
	out := map[string]DocumentKey{}
	var k DocumentKey
	_, err = pgx.ForEachRow(rows, []any{&k.BlobKey, &k.KEKID, &k.Wrapped}, func() error {
		out[k.BlobKey] = k
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store.DocumentKeysOf: %w", err)
	}
	return out, nil
}

// DocumentKeysNotUnder lists up to limit data keys wrapped by a key other than kekID.
func DocumentKeysNotUnder(ctx context.Context, q Querier, kekID string, limit int) ([]DocumentKey, error) {
	rows, err := q.Query(ctx, `SELECT blob_key, kek_id, wrapped FROM document_keys WHERE kek_id <> $1
		ORDER BY blob_key LIMIT $2`, kekID, limit)
	if err != nil {
		return nil, fmt.Errorf("store.DocumentKeysNotUnder: %w", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DocumentKey])
	if err != nil {
		return nil, fmt.Errorf("store.DocumentKeysNotUnder: %w", err)
	}
	return keys, nil
}

// RewrapDocumentKey replaces the wrapping of a data key, if it is still the one read
// (from): two rotations at once cannot overwrite each other.
func RewrapDocumentKey(ctx context.Context, q Querier, from, to DocumentKey) error {
	_, err := q.Exec(ctx, `UPDATE document_keys SET kek_id = $3, wrapped = $4 WHERE blob_key = $1 AND kek_id = $2`,
		from.BlobKey, from.KEKID, to.KEKID, to.Wrapped)
	if err != nil {
		return fmt.Errorf("store.RewrapDocumentKey(%s): %w", from.BlobKey, err)
	}
	return nil
}
