package cdp

import (
	"fmt"
	"log/slog"
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
	return fmt.Sprintf(
		"cdp.Config{BaseURL:%q ClientID:%q ClientSecret:%s Username:%q Password:%s Scope:%q Timeout:%s CallbackSecret:%s}",
		c.BaseURL,
		c.ClientID,
		redact(c.ClientSecret),
		c.Username,
		redact(c.Password),
		c.Scope,
		c.Timeout,
		redact(c.CallbackSecret),
	)
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
