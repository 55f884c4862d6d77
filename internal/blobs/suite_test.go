package blobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/minio/minio-go/v7"

	"kycportal/internal/blobs/blobstest"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// The suite runs against every store: PostgreSQL, and the S3 server that make test starts
// on loopback (scripts/test.sh exports TEST_S3_*).

type storeCase struct {
	name string
	open func(t *testing.T) Store
}

func stores() []storeCase {
	return []storeCase{
		{"postgres", func(*testing.T) Store { return store.PGBlobs{} }},
		{"s3", func(t *testing.T) Store { return testS3(t) }},
	}
}

// testS3 is a bucket of its own on the test S3 server.
func testS3(t *testing.T) *S3 {
	t.Helper()
	srv := blobstest.S3(t)
	s, err := NewS3(context.Background(), S3Config{Endpoint: srv.Endpoint, Bucket: srv.Bucket, Region: "us-east-1",
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func eachStore(t *testing.T, test func(t *testing.T, db *store.DB, s Store)) {
	for _, c := range stores() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := c.open(t)
			test(t, testdb.Open(t), s)
		})
	}
}

func keyring(t *testing.T, keys ...string) *Keyring {
	t.Helper()
	k, err := ParseKeyring(keys[0], keys[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// put stores data through docs in a transaction of its own, committed.
func put(t *testing.T, db *store.DB, docs *Documents, data []byte) string {
	t.Helper()
	var key string
	err := db.InTx(context.Background(), func(tx pgx.Tx) (err error) {
		key, err = docs.Put(context.Background(), tx, data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return key
}

var photo = bytes.Repeat([]byte("a passport photo, say "), 1000)

func TestPutGetDelete(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db *store.DB, s Store) {
		ctx := context.Background()
		docs := &Documents{Store: s, Keys: keyring(t, NewKey())}
		key := put(t, db, docs, photo)
		got, err := docs.Get(ctx, db.Pool, key)
		if err != nil || !bytes.Equal(got, photo) {
			t.Fatalf("get: %d bytes, %v; want the %d put", len(got), err, len(photo))
		}
		stored, err := s.Get(ctx, db.Pool, key)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(stored); key != addressed+hex.EncodeToString(sum[:]) {
			t.Errorf("key %s is not the SHA-256 of the stored bytes", key)
		}
		if bytes.Contains(stored, []byte("passport")) {
			t.Error("the store holds the document in clear")
		}
		if again := put(t, db, docs, photo); again == key {
			t.Error("the same document twice was sealed alike: its data key is not its own")
		}
		if err := s.Delete(ctx, db.Pool, key); err != nil {
			t.Fatal(err)
		}
		if _, err := docs.Get(ctx, db.Pool, key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("get after delete: %v; want not found", err)
		}
	})
}

// TestGetAllReadsInOrder: several documents read at once come back in the order asked,
// a document stored before encryption as it is, and a missing one fails the read.
func TestGetAllReadsInOrder(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db *store.DB, s Store) {
		ctx := context.Background()
		docs := &Documents{Store: s, Keys: keyring(t, NewKey())}
		front, back := put(t, db, docs, photo), put(t, db, docs, []byte("the back of the card"))
		legacy := "legacy/" + NewKey()
		if err := s.Put(ctx, db.Pool, legacy, []byte("stored before encryption")); err != nil {
			t.Fatal(err)
		}
		got, err := docs.GetAll(ctx, db.Pool, []string{back, legacy, front})
		if err != nil || len(got) != 3 || string(got[0]) != "the back of the card" ||
			string(got[1]) != "stored before encryption" || !bytes.Equal(got[2], photo) {
			t.Fatalf("GetAll = %d documents, %v; want back, legacy, front", len(got), err)
		}
		if err := s.Delete(ctx, db.Pool, back); err != nil {
			t.Fatal(err)
		}
		if _, err := docs.GetAll(ctx, db.Pool, []string{front, back}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetAll with a deleted document: %v; want not found", err)
		}
	})
}

func TestEncryptionRefusesTamperingAndOtherKeys(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db *store.DB, s Store) {
		ctx := context.Background()
		docs := &Documents{Store: s, Keys: keyring(t, NewKey())}
		key := put(t, db, docs, photo)
		stranger := &Documents{Store: s, Keys: keyring(t, NewKey())}
		if _, err := stranger.Get(ctx, db.Pool, key); err == nil || !strings.Contains(err.Error(), "not configured") {
			t.Errorf("read under another key: %v; want a refusal naming the missing key", err)
		}
		stored, err := s.Get(ctx, db.Pool, key)
		if err != nil {
			t.Fatal(err)
		}
		stored[len(stored)-1] ^= 1
		if err := s.Delete(ctx, db.Pool, key); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, db.Pool, key, stored); err != nil {
			t.Fatal(err)
		}
		if _, err := docs.Get(ctx, db.Pool, key); err == nil {
			t.Error("a tampered document was opened")
		}
		if _, err := docs.Get(ctx, db.Pool, addressed+"00"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a content-addressed key without a data key: %v; want not found", err)
		}
	})
}

func TestRotateKeyRewrapsWithoutReencrypting(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db *store.DB, s Store) {
		ctx := context.Background()
		oldKey, newKey := NewKey(), NewKey()
		before := &Documents{Store: s, Keys: keyring(t, oldKey)}
		keys := []string{put(t, db, before, photo), put(t, db, before, []byte("a face"))}
		stored, err := s.Get(ctx, db.Pool, keys[0])
		if err != nil {
			t.Fatal(err)
		}
		rotating := keyring(t, newKey, oldKey)
		if n, err := rotating.Rotate(ctx, db); err != nil || n != 2 {
			t.Fatalf("rotate: %d, %v; want 2 re-wrapped", n, err)
		}
		if n, err := rotating.Rotate(ctx, db); err != nil || n != 0 {
			t.Errorf("a second rotation: %d, %v; want nothing left to do", n, err)
		}
		after := &Documents{Store: s, Keys: keyring(t, newKey)}
		if got, err := after.Get(ctx, db.Pool, keys[1]); err != nil || string(got) != "a face" {
			t.Errorf("read under the new key alone: %q, %v", got, err)
		}
		if _, err := before.Get(ctx, db.Pool, keys[0]); err == nil {
			t.Error("the old key alone still opens a re-wrapped document")
		}
		if again, _ := s.Get(ctx, db.Pool, keys[0]); !bytes.Equal(again, stored) {
			t.Error("the rotation rewrote the document's bytes")
		}
	})
}

func TestSweeperRemovesOnlyOldOrphans(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db *store.DB, s Store) {
		ctx := context.Background()
		docs := &Documents{Store: s, Keys: keyring(t, NewKey())}
		named := put(t, db, docs, photo)
		name(t, db, named)
		orphan := put(t, db, docs, []byte("a row that was purged"))
		var rolledBack string
		_ = db.InTx(ctx, func(tx pgx.Tx) (err error) {
			rolledBack, err = docs.Put(ctx, tx, []byte("an upload whose transaction failed"))
			return errors.Join(err, errors.New("roll back"))
		})
		if n, err := s.Sweep(ctx, db.Pool, time.Now().Add(-SweepGrace)); err != nil || n != 0 {
			t.Errorf("sweep within the grace period: %d, %v; want nothing removed", n, err)
		}
		if _, err := s.Get(ctx, db.Pool, orphan); err != nil {
			t.Fatalf("a young orphan went: %v", err)
		}
		if _, err := s.Sweep(ctx, db.Pool, time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{orphan, rolledBack} {
			if _, err := s.Get(ctx, db.Pool, key); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("orphan %s after the sweep: %v; want not found", key, err)
			}
		}
		if got, err := docs.Get(ctx, db.Pool, named); err != nil || !bytes.Equal(got, photo) {
			t.Errorf("the named document after the sweep: %v", err)
		}
	})
}

// name records a document of a new draft that names key.
func name(t *testing.T, db *store.DB, key string) {
	t.Helper()
	ctx := context.Background()
	var user, draft int64
	err := db.Pool.QueryRow(ctx, `INSERT INTO users (username, display_name, role, branch, password_hash)
		VALUES ('agent', 'A', 'agent', 'B', 'x') RETURNING id`).Scan(&user)
	if err == nil {
		draft, err = store.CreateDraft(ctx, db.Pool, store.DraftRow{Country: "AE", PackVersion: 1, IDType: "4",
			IDNumber: "784199012345676", IssuedCountry: "AE", Branch: "B", CreatedBy: user, CreatedAt: time.Now()})
	}
	if err == nil {
		_, err = store.AddDocument(ctx, db.Pool, store.Document{DraftID: draft, Kind: "face", ContentType: "image/jpeg",
			BlobKey: key, Size: len(photo), SHA256: []byte("h"), UploadedBy: user, UploadedAt: time.Now()})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestLegalHoldMapsToObjectLock: a bucket the portal creates has object lock, and a hold
// is set on, and lifted from, the object itself.
func TestLegalHoldMapsToObjectLock(t *testing.T) {
	t.Parallel()
	s := testS3(t)
	ctx := context.Background()
	if !s.Locking() {
		t.Fatal("the bucket the portal created has no object lock")
	}
	if err := s.Put(ctx, nil, "doc/held", photo); err != nil {
		t.Fatal(err)
	}
	for _, on := range []bool{true, false} {
		if err := s.Hold(ctx, "doc/held", on); err != nil {
			t.Fatal(err)
		}
		status, err := s.client.GetObjectLegalHold(ctx, s.bucket, "doc/held", minio.GetObjectLegalHoldOptions{})
		if err != nil || (*status == minio.LegalHoldEnabled) != on {
			t.Errorf("hold %v: status %v, %v", on, status, err)
		}
	}
}
