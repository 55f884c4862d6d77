package blobs

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/store"
)

// addressed is the prefix of content-addressed keys: the SHA-256 of the stored bytes.
const addressed = "sha256/"

// Documents is the blob store the portal uses (drafts.BlobStore). Each document is sealed
// with AES-256-GCM under a random data key of its own and stored under the hash of the
// sealed bytes; the data key, wrapped by the keyring's current key, is written in the
// caller's transaction beside the document row.
type Documents struct {
	Store Store
	Keys  *Keyring
}

// Put seals data, stores it and returns its key.
func (d *Documents) Put(ctx context.Context, q store.Querier, data []byte) (string, error) {
	dataKey := make([]byte, KeySize)
	_, _ = rand.Read(dataKey) // never fails (crypto/rand)
	aead, err := newAEAD(dataKey)
	if err != nil {
		return "", err
	}
	sealed := seal(aead, data, nil)
	sum := sha256.Sum256(sealed)
	key := addressed + hex.EncodeToString(sum[:])
	kekID, wrapped := d.Keys.wrap(key, dataKey)
	if err := d.Store.Put(ctx, q, key, sealed); err != nil {
		return "", err
	}
	return key, store.AddDocumentKey(ctx, q, store.DocumentKey{BlobKey: key, KEKID: kekID, Wrapped: wrapped})
}

// Get reads and opens the document under key. A key that is not content-addressed was
// written before encryption, and is read as it is.
func (d *Documents) Get(ctx context.Context, q store.Querier, key string) ([]byte, error) {
	all, err := d.GetAll(ctx, q, []string{key})
	if err != nil {
		return nil, err
	}
	return all[0], nil
}

// GetAll reads and opens the documents under keys, in their order: their data keys in one
// query, and their bytes in one more where the store can (PostgreSQL). A submission's
// four documents took eight round trips one by one.
func (d *Documents) GetAll(ctx context.Context, q store.Querier, keys []string) ([][]byte, error) {
	wrapped, err := store.DocumentKeysOf(ctx, q, keys)
	if err != nil {
		return nil, err
	}
	sealed, err := d.read(ctx, q, keys)
	if err != nil {
		return nil, err
	}
	for i, key := range keys {
		k, ok := wrapped[key]
		switch {
		case !ok && strings.HasPrefix(key, addressed):
			return nil, fmt.Errorf("blobs: %s has no data key: %w", key, store.ErrNotFound)
		case ok:
			if sealed[i], err = d.open(k, sealed[i]); err != nil {
				return nil, err
			}
		}
	}
	return sealed, nil
}

// read reads the stored bytes under keys, in one call where the store reads many at once.
func (d *Documents) read(ctx context.Context, q store.Querier, keys []string) ([][]byte, error) {
	if many, ok := d.Store.(interface {
		GetAll(ctx context.Context, q store.Querier, keys []string) ([][]byte, error)
	}); ok {
		return many.GetAll(ctx, q, keys)
	}
	out := make([][]byte, len(keys))
	for i, key := range keys {
		var err error
		if out[i], err = d.Store.Get(ctx, q, key); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// open decrypts sealed, the bytes stored under k.BlobKey, in place.
func (d *Documents) open(k store.DocumentKey, sealed []byte) ([]byte, error) {
	dataKey, err := d.Keys.unwrap(k.BlobKey, k.KEKID, k.Wrapped)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(dataKey)
	if err != nil {
		return nil, err
	}
	data, err := open(aead, sealed, nil)
	if err != nil {
		return nil, fmt.Errorf("blobs: %s does not open under its data key: %w", k.BlobKey, err)
	}
	return data, nil
}

// rotateBatch is how many data keys one transaction of a rotation re-wraps.
const rotateBatch = 500

// Rotate re-wraps under the current key every data key wrapped by another; the documents
// themselves are not read. It returns how many it re-wrapped, and can be run again after
// an interruption.
func (k *Keyring) Rotate(ctx context.Context, db *store.DB) (int, error) {
	n := 0
	for {
		batch, err := store.DocumentKeysNotUnder(ctx, db.Pool, k.current.id, rotateBatch)
		if err != nil || len(batch) == 0 {
			return n, err
		}
		if err := db.InTx(ctx, func(tx pgx.Tx) error { return k.rewrap(ctx, tx, batch) }); err != nil {
			return n, err
		}
		n += len(batch)
	}
}

func (k *Keyring) rewrap(ctx context.Context, q store.Querier, batch []store.DocumentKey) error {
	for _, old := range batch {
		dataKey, err := k.unwrap(old.BlobKey, old.KEKID, old.Wrapped)
		if err != nil {
			return err
		}
		id, wrapped := k.wrap(old.BlobKey, dataKey)
		if err := store.RewrapDocumentKey(ctx, q, old, store.DocumentKey{BlobKey: old.BlobKey, KEKID: id, Wrapped: wrapped}); err != nil {
			return err
		}
	}
	return nil
}
