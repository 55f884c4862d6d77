package cdp_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"kycportal/internal/cdp"
)

func TestConfigScopeNoneSendsNoScope(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withClient(func(c *cdp.Config) { c.Scope = "" }))
	h.client.Lookup(t.Context(), "4", "784199012345676")
	if form := h.requests(cdp.TokenPath)[0].form; form.Has("scope") {
		t.Errorf("password grant sent scope %q", form.Get("scope"))
	}
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	cfg := cdp.Config{
		BaseURL:        "https://cdp",
		ClientID:       "id",
		ClientSecret:   "s3cret-client",
		Username:       "user",
		Password:       "s3cret-password",
		CallbackSecret: "s3cret-callback",
	}
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
	want := cdp.Config{
		ClientID:       "mine",
		ClientSecret:   cdp.SandboxClientSecret,
		Username:       cdp.SandboxUsername,
		Password:       "mine",
		CallbackSecret: cdp.SandboxCallbackSecret,
	}
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
