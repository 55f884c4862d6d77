package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kycportal/internal/audit"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// TestAuditVerifyPack: `portal audit verify-pack FILE --key PUBLICKEY` checks an evidence
// pack offline, with the public key that `portal audit public-key` prints, given as is or in
// a file; one byte changed, or another key, and it exits 1 saying so.
func TestAuditVerifyPack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.New(t)
	env := []string{"DATABASE_URL=" + url, signingKeyEnv}
	addBranch(t, env, "B")
	if out, code := portal(t, env, "", "audit", "seal"); code != 0 {
		t.Fatalf("seal: exit %d\n%s", code, out)
	}
	public, code := portal(t, env, "", "audit", "public-key")
	if code != 0 {
		t.Fatalf("public-key: exit %d\n%s", code, public)
	}
	public = strings.TrimSpace(public)
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := audit.LatestCheckpoint(ctx, db.Pool)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.Pool.QueryRow(ctx, `SELECT min(id) FROM audit_events`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	proof, err := audit.Prove(ctx, db.Pool, id, c)
	if err != nil {
		t.Fatal(err)
	}
	var pack bytes.Buffer
	if err := (audit.Pack{Checkpoint: c, Events: []audit.Proof{proof}, Payload: []byte(`{}`)}).Write(&pack); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "pack.zip")
	keyFile := filepath.Join(dir, "public.key")
	changed := filepath.Join(dir, "changed.zip")
	flipped := bytes.Clone(pack.Bytes())
	flipped[bytes.Index(flipped, []byte(`"event_id"`))+2] ^= 0x01
	for name, b := range map[string][]byte{file: pack.Bytes(), keyFile: []byte(public + "\n"), changed: flipped} {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{public, keyFile} {
		if out, code := portal(t, nil, "", "audit", "verify-pack", file, "--key", key); code != 0 ||
			!strings.Contains(out, "evidence pack verifies: 1 events") {
			t.Errorf("verify-pack --key %s: exit %d\n%s", key, code, out)
		}
	}
	other, err := audit.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := audit.ParseKey(other)
	if err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{"one byte changed": {changed, "--key", public}, "another key": {file, "--key", otherKey.Public()}} {
		if out, code := portal(t, nil, "", append([]string{"audit", "verify-pack"}, args...)...); code != 1 ||
			!strings.Contains(out, "does NOT verify") {
			t.Errorf("%s: exit %d\n%s", name, code, out)
		}
	}
}
