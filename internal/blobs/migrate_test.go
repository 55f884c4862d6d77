package blobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// TestMigrateInterruptedAndResumed moves documents from PostgreSQL to S3, stops after two,
// reads every document meanwhile, and resumes to the end.
func TestMigrateInterruptedAndResumed(t *testing.T) {
	t.Parallel()
	s3 := testS3(t)
	db := testdb.Open(t)
	keys := keyring(t, NewKey())
	inPG := &Documents{Store: store.PGBlobs{}, Keys: keys}
	want := map[string][]byte{}
	for i := range 5 {
		data := fmt.Appendf(nil, "document %d", i)
		want[put(t, db, inPG, data)] = data
	}
	legacy := []byte("a document from before encryption")
	if err := (store.PGBlobs{}).Put(context.Background(), db.Pool, "doc/legacy", legacy); err != nil {
		t.Fatal(err)
	}
	want["doc/legacy"] = legacy

	ctx, cancel := context.WithCancel(context.Background())
	n, err := Migrate(ctx, db, s3, func(string) {
		if len(pgKeys(t, db)) == len(want)-2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Fatalf("interrupted migration: %d moved, %v; want 2 and the cancellation", n, err)
	}
	moving := &Documents{Store: Moving{To: s3}, Keys: keys}
	readAll(t, db, moving, want)

	n, err = Migrate(context.Background(), db, s3, func(string) {})
	if err != nil || n != len(want)-2 {
		t.Fatalf("resumed migration: %d moved, %v; want %d", n, err, len(want)-2)
	}
	if left := pgKeys(t, db); len(left) != 0 {
		t.Errorf("PostgreSQL still holds %v", left)
	}
	readAll(t, db, &Documents{Store: s3, Keys: keys}, want)
}

func pgKeys(t *testing.T, db *store.DB) []string {
	t.Helper()
	keys, err := store.FirstBlobKeys(context.Background(), db.Pool, 100)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func readAll(t *testing.T, db *store.DB, docs *Documents, want map[string][]byte) {
	t.Helper()
	for key, data := range want {
		if got, err := docs.Get(context.Background(), db.Pool, key); err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: %q, %v; want %q", key, got, err, data)
		}
	}
}
