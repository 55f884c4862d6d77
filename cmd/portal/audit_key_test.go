package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kycportal/internal/config"
	"kycportal/internal/testdb"
)

func TestServeNeedsAnAuditKeyWithADatabase(t *testing.T) {
	t.Parallel()
	env := []string{"DATABASE_URL=" + testdb.New(t), "CDP_BASE_URL=sandbox"}
	if out, code := portal(t, env, "", "serve"); code == 0 || !strings.Contains(out, "PORTAL_AUDIT_HMAC_KEY: required") {
		t.Errorf("serve without an audit key: exit %d\n%s", code, out)
	}
	short := append(env, "PORTAL_AUDIT_HMAC_KEY=short")
	if out, code := portal(t, short, "", "serve"); code == 0 || !strings.Contains(out, "at least 32") {
		t.Errorf("serve with a short audit key: exit %d\n%s", code, out)
	}
}

// TestEmbeddedDefaultKeepsOneAuditKey: made once, owner-only, then read back unchanged; a
// configured key wins.
func TestEmbeddedDefaultKeepsOneAuditKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := loadAuditKey(config.Config{DataDir: dir})
	if err != nil || len(first) != 64 {
		t.Fatalf("first key: %q, %v; want 64 hex characters", first, err)
	}
	info, err := os.Stat(filepath.Join(dir, auditKeyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, info)
	}
	again, err := loadAuditKey(config.Config{DataDir: dir})
	if err != nil || string(again) != string(first) {
		t.Errorf("second run: %q, %v; want the first key", again, err)
	}
	set, err := loadAuditKey(config.Config{DataDir: dir, AuditHMACKey: "configured"})
	if err != nil || string(set) != "configured" {
		t.Errorf("configured key: %q, %v", set, err)
	}
}

// TestSigningKey: the embedded default makes the checkpoint signing key once, owner-only,
// and reads it back; a configured key wins; with a database and no key, serve refuses,
// naming the variable.
func TestSigningKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := loadSigningKey(config.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, signingKeyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, info)
	}
	again, err := loadSigningKey(config.Config{DataDir: dir})
	if err != nil || again.Public() != first.Public() {
		t.Errorf("second run: %v, %v; want the first key", again, err)
	}
	private := strings.TrimPrefix(signingKeyEnv, "PORTAL_AUDIT_SIGNING_KEY=")
	set, err := loadSigningKey(config.Config{DataDir: dir, AuditSigningKey: private})
	if err != nil || set.Public() == first.Public() {
		t.Errorf("configured key: %v, %v; want it, not the kept one", set, err)
	}
	if _, err := loadSigningKey(config.Config{DataDir: dir, AuditSigningKey: "not a key"}); err == nil ||
		!strings.Contains(err.Error(), "PORTAL_AUDIT_SIGNING_KEY") {
		t.Errorf("a malformed key: %v", err)
	}
	env := []string{"DATABASE_URL=" + testdb.New(t), "CDP_BASE_URL=sandbox", documentsKeyEnv,
		"PORTAL_AUDIT_HMAC_KEY=" + strings.Repeat("k", 32)}
	out, code := portal(t, env, "", "serve")
	if code == 0 || !strings.Contains(out, "PORTAL_AUDIT_SIGNING_KEY: required") {
		t.Errorf("serve without a signing key: exit %d\n%s", code, out)
	}
}
