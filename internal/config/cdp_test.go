package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kycportal/internal/cdp"
)

func TestCDPDefaults(t *testing.T) {
	t.Parallel()
	c, err := FromEnv(env(map[string]string{"CDP_BASE_URL": "https://drap-sandbox.digitnine.com"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.CDP.Scope != cdp.DefaultScope || c.CDP.Timeout != 10*time.Second {
		t.Errorf("scope %q timeout %v; want the documented scope and 10s", c.CDP.Scope, c.CDP.Timeout)
	}
	if c, _ := FromEnv(env(map[string]string{"CDP_SCOPE": cdp.NoScope})); c.CDP.Scope != "" {
		t.Errorf("CDP_SCOPE=none gave scope %q, want none", c.CDP.Scope)
	}
}

func TestCDPReadsEverything(t *testing.T) {
	t.Parallel()
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := FromEnv(env(map[string]string{
		"CDP_BASE_URL": "http://127.0.0.1:9090", "CDP_CLIENT_ID": "id", "CDP_CLIENT_SECRET_FILE": secretFile,
		"CDP_USERNAME": "user", "CDP_PASSWORD": "pw", "CDP_SCOPE": "other", "CDP_TIMEOUT": "3s", "CDP_CALLBACK_SECRET": "cb",
	}))
	want := cdp.Config{BaseURL: "http://127.0.0.1:9090", ClientID: "id", ClientSecret: "from-file", Username: "user",
		Password: "pw", Scope: "other", Timeout: 3 * time.Second, CallbackSecret: "cb"}
	if err != nil || c.CDP != want {
		t.Fatalf("got %#v, %v", c.CDP, err)
	}
}

func TestCDPMalformedValuesAreNamed(t *testing.T) {
	t.Parallel()
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		vars    map[string]string
		mention string
	}{
		"timeout not a duration": {map[string]string{"CDP_TIMEOUT": "10"}, "CDP_TIMEOUT"},
		"timeout negative":       {map[string]string{"CDP_TIMEOUT": "-1s"}, "CDP_TIMEOUT"},
		"base URL not http":      {map[string]string{"CDP_BASE_URL": "ftp://cdp"}, "CDP_BASE_URL"},
		"base URL without host":  {map[string]string{"CDP_BASE_URL": "https://"}, "CDP_BASE_URL"},
		"secret and its file":    {map[string]string{"CDP_PASSWORD": "a", "CDP_PASSWORD_FILE": empty}, "CDP_PASSWORD"},
		"missing file":           {map[string]string{"CDP_CLIENT_SECRET_FILE": "/nonexistent/secret"}, "CDP_CLIENT_SECRET_FILE"},
		"empty file":             {map[string]string{"CDP_CALLBACK_SECRET_FILE": empty}, "CDP_CALLBACK_SECRET_FILE"},
		"empty audit key file":   {map[string]string{"PORTAL_AUDIT_HMAC_KEY_FILE": empty}, "PORTAL_AUDIT_HMAC_KEY_FILE"},
		"sandbox knob":           {map[string]string{"CDP_SANDBOX_TOKEN_TTL": "300"}, "CDP_SANDBOX_TOKEN_TTL"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := FromEnv(env(tc.vars))
			if err == nil || !strings.Contains(err.Error(), tc.mention) {
				t.Fatalf("error %v; want one naming %s", err, tc.mention)
			}
		})
	}
	for _, v := range []string{"", cdp.SandboxBaseURL} {
		if _, err := FromEnv(env(map[string]string{"CDP_BASE_URL": v})); err != nil {
			t.Errorf("CDP_BASE_URL=%q: %v", v, err)
		}
	}
}

func TestSandboxKnobs(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		"CDP_CLIENT_ID": "portal-app", "CDP_SANDBOX_TOKEN_TTL": "2s", "CDP_SANDBOX_LATENCY": "150ms",
		"CDP_SANDBOX_FAIL_RATE": "0.1", "CDP_SANDBOX_DROP_RATE": "0.05", "CDP_SANDBOX_TOKEN_FAIL": "true",
		"CDP_SANDBOX_CALLBACK_URL": "http://127.0.0.1:8080/cdp/callbacks/aml-alert-closure",
		"CDP_SANDBOX_STORE":        "/tmp/x.json", "CDP_SANDBOX_SEED": "9",
	}
	c, err := FromEnv(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	sb := c.Sandbox
	if sb.CDP.ClientID != "portal-app" || sb.CDP.Password != cdp.SandboxPassword || sb.TokenTTL != 2*time.Second ||
		sb.Latency != 150*time.Millisecond || sb.FailRate != 0.1 || sb.DropRate != 0.05 || !sb.TokenFail ||
		sb.CallbackURL != vars["CDP_SANDBOX_CALLBACK_URL"] || sb.StorePath != "/tmp/x.json" || sb.Seed != 9 {
		t.Fatalf("got %+v", sb)
	}
}
