package cdp

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"
)

// DefaultScope is the scope the CDP document lists for the access-token request.
const DefaultScope = "api://3a3f52a1-1b64-4c27-81f0-50a6ca01324d/customer"

// NoScope as CDP_SCOPE sends the password grant without a scope, as working clients do.
const NoScope = "none"

// DefaultTimeout bounds one client call end to end: token, attempts and backoff included.
const DefaultTimeout = 10 * time.Second

// SandboxBaseURL is the CDP_BASE_URL value that asks the portal to run the sandbox in-process.
const SandboxBaseURL = "sandbox"

// The sandbox defaults: the credentials both the sandbox and a client pointed at it use when
// the environment sets none. They are published in docs/cdp.md and guard nothing real.
const (
	SandboxClientID       = "cdp_app"
	SandboxClientSecret   = "sandbox-client-secret"
	SandboxUsername       = "portal"
	SandboxPassword       = "sandbox-password"
	SandboxCallbackSecret = "sandbox-callback-secret"
)

// Config is how the portal reaches the CDP.
type Config struct {
	BaseURL        string // CDP_BASE_URL: empty or "sandbox" are left to the caller to interpret
	ClientID       string // CDP_CLIENT_ID
	ClientSecret   string // CDP_CLIENT_SECRET or CDP_CLIENT_SECRET_FILE
	Username       string // CDP_USERNAME
	Password       string // CDP_PASSWORD or CDP_PASSWORD_FILE
	Scope          string // CDP_SCOPE; DefaultScope when unset, none sent when "none"
	Timeout        time.Duration
	CallbackSecret string // CDP_CALLBACK_SECRET or CDP_CALLBACK_SECRET_FILE
}

// ConfigFromEnv reads the CDP_* variables through getenv (os.Getenv in production).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		BaseURL:  strings.TrimSpace(getenv("CDP_BASE_URL")),
		ClientID: getenv("CDP_CLIENT_ID"),
		Username: getenv("CDP_USERNAME"),
		Scope:    getenv("CDP_SCOPE"),
		Timeout:  DefaultTimeout,
	}
	switch cfg.Scope {
	case "":
		cfg.Scope = DefaultScope
	case NoScope:
		cfg.Scope = ""
	}
	if err := checkBaseURL(cfg.BaseURL); err != nil {
		return Config{}, err
	}
	if v := getenv("CDP_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("CDP_TIMEOUT=%q: want a positive duration such as 10s", v)
		}
		cfg.Timeout = d
	}
	var errs []error
	for _, s := range []struct {
		name string
		dst  *string
	}{
		{"CDP_CLIENT_SECRET", &cfg.ClientSecret},
		{"CDP_PASSWORD", &cfg.Password},
		{"CDP_CALLBACK_SECRET", &cfg.CallbackSecret},
	} {
		v, err := secret(getenv, s.name)
		*s.dst = v
		errs = append(errs, err)
	}
	return cfg, errors.Join(errs...)
}

func checkBaseURL(raw string) error {
	if raw == "" || raw == SandboxBaseURL {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("CDP_BASE_URL=%q: want an http(s) URL such as https://drap-sandbox.digitnine.com, or %q", raw, SandboxBaseURL)
	}
	return nil
}

// secret reads name, or the file named by name_FILE; setting both is a mistake worth refusing.
func secret(getenv func(string) string, name string) (string, error) {
	value, file := getenv(name), getenv(name+"_FILE")
	if file == "" {
		return value, nil
	}
	if value != "" {
		return "", fmt.Errorf("%s and %s_FILE are both set: keep one", name, name)
	}
	b, err := os.ReadFile(file) // #nosec G304 -- the operator names the secret's file (_FILE): reading it is the point
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", fmt.Errorf("%s_FILE: %s is empty", name, file)
	}
	return v, nil
}

// WithSandboxDefaults fills every unset credential with the published sandbox default.
func (c Config) WithSandboxDefaults() Config {
	for _, f := range []struct {
		dst *string
		def string
	}{
		{&c.ClientID, SandboxClientID},
		{&c.ClientSecret, SandboxClientSecret},
		{&c.Username, SandboxUsername},
		{&c.Password, SandboxPassword},
		{&c.CallbackSecret, SandboxCallbackSecret},
	} {
		if *f.dst == "" {
			*f.dst = f.def
		}
	}
	return c
}

// String shows the configuration with every secret replaced by whether it is set.
func (c Config) String() string {
	return fmt.Sprintf("cdp.Config{BaseURL:%q ClientID:%q ClientSecret:%s Username:%q Password:%s Scope:%q Timeout:%s CallbackSecret:%s}",
		c.BaseURL, c.ClientID, redact(c.ClientSecret), c.Username, redact(c.Password), c.Scope, c.Timeout, redact(c.CallbackSecret))
}

// GoString keeps %#v from printing the secrets that String hides.
func (c Config) GoString() string { return c.String() }

// LogValue keeps slog's JSON handler, which does not call String, from printing them.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

func redact(s string) string {
	if s == "" {
		return "unset"
	}
	return "[redacted]"
}
