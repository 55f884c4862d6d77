package cdp_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kycportal/internal/cdp"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigFromEnvDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := cdp.ConfigFromEnv(env(map[string]string{"CDP_BASE_URL": "https://drap-sandbox.digitnine.com"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Scope != cdp.DefaultScope || cfg.Timeout != 10*time.Second {
		t.Errorf("scope %q timeout %v; want the documented scope and 10s", cfg.Scope, cfg.Timeout)
	}
}

func TestConfigScopeNoneSendsNoScope(t *testing.T) {
	t.Parallel()
	cfg, err := cdp.ConfigFromEnv(env(map[string]string{"CDP_SCOPE": cdp.NoScope}))
	if err != nil || cfg.Scope != "" {
		t.Fatalf("scope %q, %v; want none", cfg.Scope, err)
	}
	h := newHarness(t, withClient(func(c *cdp.Config) { c.Scope = cfg.Scope }))
	h.client.Lookup(t.Context(), "4", "784199012345676")
	if form := h.requests(cdp.TokenPath)[0].form; form.Has("scope") {
		t.Errorf("password grant sent scope %q", form.Get("scope"))
	}
}

func TestConfigFromEnvReadsEverything(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := cdp.ConfigFromEnv(env(map[string]string{
		"CDP_BASE_URL": "http://127.0.0.1:9090", "CDP_CLIENT_ID": "id", "CDP_CLIENT_SECRET_FILE": secretFile,
		"CDP_USERNAME": "user", "CDP_PASSWORD": "pw", "CDP_SCOPE": "other", "CDP_TIMEOUT": "3s", "CDP_CALLBACK_SECRET": "cb",
	}))
	want := cdp.Config{BaseURL: "http://127.0.0.1:9090", ClientID: "id", ClientSecret: "from-file", Username: "user", Password: "pw", Scope: "other", Timeout: 3 * time.Second, CallbackSecret: "cb"}
	if err != nil || cfg != want {
		t.Fatalf("got %#v, %v", cfg, err)
	}
}

func TestConfigFromEnvRefusesMalformedValues(t *testing.T) {
	t.Parallel()
	secretFile := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(secretFile, []byte("\n"), 0o600); err != nil {
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
		"secret and its file":    {map[string]string{"CDP_PASSWORD": "a", "CDP_PASSWORD_FILE": secretFile}, "CDP_PASSWORD_FILE"},
		"missing file":           {map[string]string{"CDP_CLIENT_SECRET_FILE": "/nonexistent/secret"}, "CDP_CLIENT_SECRET_FILE"},
		"empty file":             {map[string]string{"CDP_CALLBACK_SECRET_FILE": secretFile}, "CDP_CALLBACK_SECRET_FILE"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := cdp.ConfigFromEnv(env(tc.vars))
			if err == nil || !strings.Contains(err.Error(), tc.mention) {
				t.Fatalf("error %v; want one naming %s", err, tc.mention)
			}
		})
	}
}

func TestConfigAcceptsSandboxAndEmptyBaseURL(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", cdp.SandboxBaseURL} {
		if _, err := cdp.ConfigFromEnv(env(map[string]string{"CDP_BASE_URL": v})); err != nil {
			t.Errorf("CDP_BASE_URL=%q: %v", v, err)
		}
	}
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	cfg := cdp.Config{BaseURL: "https://cdp", ClientID: "id", ClientSecret: "s3cret-client", Username: "user", Password: "s3cret-password", CallbackSecret: "s3cret-callback"}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cdp", cfg)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cdp", cfg)
	for _, out := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), logged.String()} {
		if strings.Contains(out, "s3cret") || !strings.Contains(out, "[redacted]") {
			t.Errorf("printed as %s", out)
		}
	}
	if s := (cdp.Config{}).String(); strings.Contains(s, "[redacted]") {
		t.Errorf("unset secrets shown as redacted: %s", s)
	}
}

func TestWithSandboxDefaultsFillsOnlyWhatIsUnset(t *testing.T) {
	t.Parallel()
	got := cdp.Config{ClientID: "mine", Password: "mine"}.WithSandboxDefaults()
	want := cdp.Config{ClientID: "mine", ClientSecret: cdp.SandboxClientSecret, Username: cdp.SandboxUsername, Password: "mine", CallbackSecret: cdp.SandboxCallbackSecret}
	if got != want {
		t.Errorf("got %#v", got)
	}
}

func TestNewRefusesAnUnusableConfig(t *testing.T) {
	t.Parallel()
	good := cdp.Config{BaseURL: "https://cdp.example"}.WithSandboxDefaults()
	for name, cfg := range map[string]cdp.Config{
		"sandbox marker": withBaseURL(good, cdp.SandboxBaseURL),
		"no base URL":    withBaseURL(good, ""),
		"no password":    withPassword(good, ""),
	} {
		if _, err := cdp.New(cfg, cdp.Options{}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := cdp.New(good, cdp.Options{}); err != nil {
		t.Errorf("good config refused: %v", err)
	}
}

func withBaseURL(c cdp.Config, u string) cdp.Config {
	c.BaseURL = u
	return c
}
