// Package sandboxtest starts the CDP sandbox on loopback for tests and benchmarks that need
// a CDP answering over real HTTP, and gives them a client of it.
package sandboxtest

import (
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox"
)

// Client starts a sandbox with no knob turned, in this process on loopback until t ends,
// and returns a client of it that logs to log. timeout 0 keeps the client's default.
func Client(t testing.TB, log *slog.Logger, timeout time.Duration) *cdp.Client {
	t.Helper()
	sb, err := sandbox.New(sandbox.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	client, err := cdp.New(
		cdp.Config{BaseURL: srv.URL, Scope: cdp.DefaultScope, Timeout: timeout}.WithSandboxDefaults(),
		cdp.Options{Logger: log},
	)
	if err != nil {
		t.Fatal(err)
	}
	return client
}
