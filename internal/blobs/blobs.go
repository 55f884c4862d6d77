// Package blobs keeps the bytes of documents: in PostgreSQL (the embedded default) or in an
// S3 bucket, always encrypted under a data key of their own that a key-encryption key
// wraps (envelope encryption). docs/drafts.md tells why each piece is as it is.
package blobs

import (
	"context"
	"time"

	"kycportal/internal/store"
)

// Store keeps bytes under a key: store.PGBlobs or *S3. q is the transaction of the change
// the bytes belong to; a store outside PostgreSQL writes at once, before that change
// commits, and its sweeper removes what no committed row ends up naming.
type Store interface {
	Put(ctx context.Context, q store.Querier, key string, data []byte) error
	Get(ctx context.Context, q store.Querier, key string) ([]byte, error)
	Delete(ctx context.Context, q store.Querier, key string) error
	// Sweep removes blobs written before `before` that no document names.
	Sweep(ctx context.Context, q store.Querier, before time.Time) (int, error)
}

// SweepGrace is how old an unnamed blob must be before the sweeper removes it: far longer
// than any transaction that writes a blob lives, so a blob whose row has not committed
// yet is never taken for an orphan.
const SweepGrace = time.Hour
