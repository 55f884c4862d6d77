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
