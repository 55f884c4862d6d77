package cdp_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox"
)

// TestConcurrentLookupsReuseConnections: the client keeps its connections to the CDP for
// the next lookups. With net/http's default of two idle connections a host, every wave of
// concurrent searches closed the rest and opened new ones (a TLS handshake each, against
// the real CDP).
func TestConcurrentLookupsReuseConnections(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.New(sandbox.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(sb)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := cdp.New(
		cdp.Config{BaseURL: srv.URL, Scope: cdp.DefaultScope}.WithSandboxDefaults(),
		cdp.Options{Logger: slog.New(slog.DiscardHandler)},
	)
	if err != nil {
		t.Fatal(err)
	}
	const concurrent = 16
	wave := func() {
		var wg sync.WaitGroup
		for range concurrent {
			wg.Go(func() {
				if res := c.Lookup(context.Background(), "4", "784200167890126"); res.Outcome != cdp.NotFound {
					t.Errorf("lookup: %+v", res)
				}
			})
		}
		wg.Wait()
	}
	for range 4 {
		wave()
	}
	// At most one a lookup in flight, and the token call's.
	if n := opened.Load(); n > concurrent+1 {
		t.Errorf("%d connections opened for 4 waves of %d lookups, want at most %d", n, concurrent, concurrent+1)
	}
}
