package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/blobs"
	"kycportal/internal/blobs/blobstest"
	"kycportal/internal/config"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// TestRotateKeyThenMigrateToS3 runs both commands as an operator would: documents sealed
// under one key are re-wrapped under the next, then moved to S3 and read back there.
func TestRotateKeyThenMigrateToS3(t *testing.T) {
	t.Parallel()
	srv := blobstest.S3(t)
	ctx := context.Background()
	dsn := testdb.New(t)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	oldKey, newKey := blobs.NewKey(), blobs.NewKey()
	sealed := put(t, db, oldKey, "an ID front")

	env := []string{"DATABASE_URL=" + dsn, "PORTAL_DOCUMENTS_KEY=" + newKey}
	out, code := portal(t, env, "", "documents", "rotate-key")
	if code == 0 || !strings.Contains(out, "not configured") {
		t.Errorf("rotate-key without the previous key: exit %d\n%s", code, out)
	}
	out, code = portal(t, append(env, "PORTAL_DOCUMENTS_PREVIOUS_KEY="+oldKey), "", "documents", "rotate-key")
	if code != 0 || !strings.Contains(out, "1 data key(s) re-wrapped") {
		t.Fatalf("rotate-key: exit %d\n%s", code, out)
	}

	s3env := append(env, "PORTAL_BLOB_STORE=s3", "PORTAL_S3_ENDPOINT="+srv.Endpoint, "PORTAL_S3_BUCKET="+srv.Bucket,
		"PORTAL_S3_ACCESS_KEY="+srv.AccessKey, "PORTAL_S3_SECRET_KEY="+srv.SecretKey)
	if out, code := portal(t, s3env, "", "blobs", "migrate", "--to", "gcs"); code != 2 {
		t.Errorf("migrate to an unknown store: exit %d\n%s", code, out)
	}
	out, code = portal(t, s3env, "", "blobs", "migrate", "--to", "s3")
	if code != 0 || !strings.Contains(out, "1 moved to S3") {
		t.Fatalf("blobs migrate: exit %d\n%s", code, out)
	}
	cfg, err := config.FromEnv(func(k string) string { return envValue(s3env, k) })
	if err != nil {
		t.Fatal(err)
	}
	docs, err := openBlobs(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := docs.Get(ctx, db.Pool, sealed); err != nil || string(got) != "an ID front" {
		t.Errorf("after rotation and migration: %q, %v", got, err)
	}
	if keys, _ := store.FirstBlobKeys(ctx, db.Pool, 1); len(keys) != 0 {
		t.Errorf("PostgreSQL still holds %v", keys)
	}

	nameDocument(t, db, sealed)
	out, code = portal(t, s3env, "", "retention", "hold", "--country", "AE", "--id-type", "4",
		"--id-number", "784-1990-1234567-6", "--reason", "court order", "--by", "compliance")
	if code != 0 || !strings.Contains(out, "legal hold on on 1 object(s)") {
		t.Errorf("retention hold: exit %d\n%s", code, out)
	}
	out, code = portal(t, s3env, "", "retention", "release", "--reason", "case closed", "1")
	if code != 0 || !strings.Contains(out, "legal hold off on 1 object(s)") {
		t.Errorf("retention release: exit %d\n%s", code, out)
	}
}

// nameDocument records key as the ID front of a draft of the Emirates ID 784199012345676.
func nameDocument(t *testing.T, db *store.DB, key string) {
	t.Helper()
	ctx := context.Background()
	var user int64
	err := db.Pool.QueryRow(ctx, `INSERT INTO users (username, display_name, role, branch, password_hash)
		VALUES ('agent', 'A', 'agent', 'B', 'x') RETURNING id`).Scan(&user)
	if err != nil {
		t.Fatal(err)
	}
	draft, err := store.CreateDraft(ctx, db.Pool, store.DraftRow{Country: "AE", PackVersion: 1, IDType: "4",
		IDNumber: "784199012345676", IssuedCountry: "AE", Branch: "B", CreatedBy: user, CreatedAt: time.Now()})
	if err == nil {
		_, err = store.AddDocument(ctx, db.Pool, store.Document{DraftID: draft, Kind: "id_front", ContentType: "image/jpeg",
			BlobKey: key, Size: 11, SHA256: []byte("h"), UploadedBy: user, UploadedAt: time.Now()})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func put(t *testing.T, db *store.DB, key, data string) string {
	t.Helper()
	keys, err := blobs.ParseKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	err = db.InTx(context.Background(), func(tx pgx.Tx) (err error) {
		name, err = (&blobs.Documents{Store: store.PGBlobs{}, Keys: keys}).Put(context.Background(), tx, []byte(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func envValue(env []string, name string) string {
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}

// TestEmbeddedDocumentsKey: made once in the data folder, owner-only; a rotation keeps the
// old one as the previous key until it is done.
func TestEmbeddedDocumentsKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := loadKeyring(config.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, documentsKeyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, info)
	}
	if again, err := loadKeyring(config.Config{DataDir: dir}); err != nil || again.CurrentID() != first.CurrentID() {
		t.Fatalf("second run: %v; want the same key", err)
	}
	if err := newEmbeddedKey(dir); err != nil {
		t.Fatal(err)
	}
	rotating, err := loadKeyring(config.Config{DataDir: dir})
	if err != nil || rotating.CurrentID() == first.CurrentID() {
		t.Fatalf("after a new key: %v; want a new current key", err)
	}
	if err := newEmbeddedKey(dir); err != nil {
		t.Fatal(err)
	}
	if resumed, _ := loadKeyring(config.Config{DataDir: dir}); resumed.CurrentID() != rotating.CurrentID() {
		t.Error("a resumed rotation made yet another key")
	}
	if _, err := loadKeyring(config.Config{DatabaseURL: "postgres://db/portal", DataDir: dir}); err == nil {
		t.Error("a deployment with its own database got a key from the data folder")
	}
}

func TestServeNeedsADocumentsKeyWithADatabase(t *testing.T) {
	t.Parallel()
	env := []string{
		"DATABASE_URL=" + testdb.New(t),
		"CDP_BASE_URL=sandbox",
		"PORTAL_AUDIT_HMAC_KEY=" + strings.Repeat("k", 32),
		signingKeyEnv,
	}
	if out, code := portal(t, env, "", "serve"); code == 0 || !strings.Contains(out, "PORTAL_DOCUMENTS_KEY: required") {
		t.Errorf("serve without a documents key: exit %d\n%s", code, out)
	}
	if out, code := portal(t, append(env, "PORTAL_DOCUMENTS_KEY=abc"), "", "serve"); code == 0 ||
		!strings.Contains(out, "64 hexadecimal") {
		t.Errorf("serve with a short documents key: exit %d\n%s", code, out)
	}
}
