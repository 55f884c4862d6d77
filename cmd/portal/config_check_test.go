package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigCheck: every setting is shown, secrets from the environment or from files only
// as set, and a configuration serve would refuse is refused with the variable named.
func TestConfigCheck(t *testing.T) {
	t.Parallel()
	secretFile := filepath.Join(t.TempDir(), "cdp-password")
	if err := os.WriteFile(secretFile, []byte("file-held-cdp-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"db-pass-word", "an-audit-key-of-at-least-32-characters", "client-secret-value",
		"file-held-cdp-password", "callback-secret-value", strings.Repeat("ab", 32), "s3-secret-key-value"}
	env := []string{"DATABASE_URL=postgres://portal:db-pass-word@127.0.0.1:5432/portal?sslmode=disable",
		"PORTAL_AUDIT_HMAC_KEY=" + secrets[1], "CDP_BASE_URL=https://cdp.example.test", "CDP_CLIENT_ID=portal-app",
		"CDP_CLIENT_SECRET=" + secrets[2], "CDP_USERNAME=portal", "CDP_PASSWORD_FILE=" + secretFile,
		"CDP_CALLBACK_SECRET=" + secrets[4], "PORTAL_SESSION_IDLE=20m", "PORTAL_DOCUMENTS_KEY=" + secrets[5],
		"PORTAL_BLOB_STORE=s3", "PORTAL_S3_ENDPOINT=https://s3.example.test", "PORTAL_S3_BUCKET=kyc-documents",
		"PORTAL_S3_ACCESS_KEY=portal", "PORTAL_S3_SECRET_KEY=" + secrets[6]}
	out, code := portal(t, env, "", "config", "check")
	if code != 0 {
		t.Fatalf("config check: exit %d\n%s", code, out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("config check printed the secret %q:\n%s", s, out)
		}
	}
	for _, want := range []string{"postgres://portal:xxxxx@127.0.0.1:5432/portal", "PORTAL_SESSION_IDLE           20m0s",
		"CDP_PASSWORD                  set (redacted)", "PORTAL_AUDIT_HMAC_KEY         set (redacted)", "CDP_CLIENT_ID                 portal-app",
		"PORTAL_DOCUMENTS_KEY          set (redacted)", "s3: bucket kyc-documents at https://s3.example.test"} {
		if !strings.Contains(out, want) {
			t.Errorf("config check lacks %q:\n%s", want, out)
		}
	}
	if out, code := portal(t, []string{"DATABASE_URL=host=db password=db-pass-word"}, "", "config", "check"); code == 0 ||
		!strings.Contains(out, "CDP_BASE_URL") || strings.Contains(out, "db-pass-word") {
		t.Errorf("a configuration serve refuses: exit %d\n%s", code, out)
	}
}

func TestRedactDSN(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgres://u:secret@h/db":                "postgres://u:xxxxx@h/db",
		"postgres://h/db?user=u&password=secret":  "postgres://h/db?user=u&password=xxxxx",
		"host=h user=u password=secret dbname=db": "host=h user=u password=xxxxx dbname=db",
	} {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}
