package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kycportal/internal/pgcluster"
	"kycportal/internal/session"
)

// TestDatabaseRestartUnderLoad stops PostgreSQL under a steady load and starts it again:
// /readyz turns red then green, requests meanwhile get the generic "temporarily
// unavailable" page (503) and no internals, and the portal recovers without a restart of its own.
func TestDatabaseRestartUnderLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Not t.TempDir: the cluster runs as postgres, which cannot enter a 0700 folder of
	// root's. A folder of its own per run lets two test runs on one machine coexist.
	dir, err := os.MkdirTemp("", "kycportal-restart-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // #nosec G302 -- postgres must traverse it; it holds no secret
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cluster, err := pgcluster.Start(ctx, dir, pgcluster.Options{Fast: true, Port: 5436})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop(context.Background()) })
	if err := cluster.EnsureDatabase(ctx, "portal"); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	serveUntilHealthy(t, []string{"DATABASE_URL=" + cluster.URL("portal"), "PORTAL_ADDR=" + addr,
		"CDP_BASE_URL=sandbox", "PORTAL_AUDIT_HMAC_KEY=" + strings.Repeat("k", 32), signingKeyEnv, documentsKeyEnv}, addr)
	base := "http://" + addr

	var ok, failed, leaked, unanswered atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				// A returning visitor's cookie: its session is looked up in the database.
				req, _ := http.NewRequest(http.MethodGet, base+"/login", nil)
				req.AddCookie(&http.Cookie{Name: session.CookieName, Value: "a-session-that-ended"})
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					unanswered.Add(1)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch {
				case resp.StatusCode == 200:
					ok.Add(1)
				case resp.StatusCode == 503 && strings.Contains(string(body), `data-testid="request-id"`) &&
					!strings.Contains(string(body), "SQLSTATE") && !strings.Contains(string(body), "socket"):
					failed.Add(1) // the generic page, with its reference
				default:
					leaked.Add(1)
				}
			}
		})
	}
	waitFor(t, "requests served", func() bool { return ok.Load() > 20 })
	if err := cluster.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "/readyz red", func() bool { return status(base+"/readyz") == 503 })
	waitFor(t, "requests refused while the database is down", func() bool { return failed.Load() > 0 })
	if _, err := pgcluster.Start(ctx, dir, pgcluster.Options{Fast: true, Port: 5436}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "/readyz green again", func() bool { return status(base+"/readyz") == 200 })
	before := ok.Load()
	waitFor(t, "requests served again", func() bool { return ok.Load() > before+20 })
	close(stop)
	wg.Wait()
	t.Logf("served %d, refused with the generic page %d, other answers %d, unanswered %d",
		ok.Load(), failed.Load(), leaked.Load(), unanswered.Load())
	if leaked.Load() != 0 || unanswered.Load() != 0 {
		t.Errorf(
			"%d answers were not the login page nor the generic error page; %d got no answer",
			leaked.Load(),
			unanswered.Load(),
		)
	}
}

func status(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitFor polls cond until it holds, for at most 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
