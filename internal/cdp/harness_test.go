package cdp_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/cdp/sandbox"
)

// harness is a client talking to the sandbox over real HTTP, with a record of every request
// the sandbox was sent.
type harness struct {
	t      *testing.T
	clock  *cdptest.Clock
	sbCfg  sandbox.Config
	cdpCfg cdp.Config
	front  func(http.Handler) http.Handler // stands between the client and the sandbox
	sb     atomic.Pointer[sandbox.Sandbox]
	client *cdp.Client
	reg    *prometheus.Registry
	logs   bytes.Buffer // slog handlers serialise their writes

	mu   sync.Mutex
	seen []*seenRequest // registered before the sandbox answers: a dropped connection closes first
}

type seenRequest struct {
	path, requestID string
	bearer          string     // the access token presented
	form            url.Values // token requests only
	status          int        // 0: the connection was dropped
}

type option func(*harness)

func withSandbox(f func(*sandbox.Config)) option { return func(h *harness) { f(&h.sbCfg) } }
func withClient(f func(*cdp.Config)) option      { return func(h *harness) { f(&h.cdpCfg) } }
func withFront(f func(http.Handler) http.Handler) option {
	return func(h *harness) { h.front = f }
}

func newHarness(t *testing.T, opts ...option) *harness {
	t.Helper()
	h := &harness{
		t:     t,
		clock: cdptest.NewClock(time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)),
		reg:   prometheus.NewRegistry(),
	}
	h.sbCfg = sandbox.DefaultConfig()
	h.sbCfg.Now, h.sbCfg.Seed = h.clock.Now, 1
	h.cdpCfg = cdp.Config{Scope: cdp.DefaultScope, Timeout: 5 * time.Second}.WithSandboxDefaults()
	h.front = func(next http.Handler) http.Handler { return next }
	for _, o := range opts {
		o(h)
	}
	h.restart()
	current := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.sb.Load().ServeHTTP(w, r) })
	srv := httptest.NewServer(h.record(h.front(current)))
	t.Cleanup(srv.Close)
	h.cdpCfg.BaseURL = srv.URL
	h.client = h.newClient(h.cdpCfg)
	return h
}

func (h *harness) newClient(cfg cdp.Config) *cdp.Client {
	h.t.Helper()
	c, err := cdp.New(
		cfg,
		cdp.Options{Registerer: h.reg, Logger: slog.New(slog.NewJSONHandler(&h.logs, nil)), Now: h.clock.Now},
	)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// restart replaces the sandbox with a fresh one, as a CDP restart would: every token is lost.
func (h *harness) restart() {
	h.t.Helper()
	sb, err := sandbox.New(h.sbCfg)
	if err != nil {
		h.t.Fatal(err)
	}
	h.sb.Store(sb)
}

func (h *harness) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen := seenRequest{
			path:      r.URL.Path,
			requestID: r.Header.Get("X-Request-ID"),
			bearer:    strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "),
		}
		if r.URL.Path == cdp.TokenPath {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			seen.form, _ = url.ParseQuery(string(body))
		}
		h.mu.Lock()
		h.seen = append(h.seen, &seen)
		h.mu.Unlock()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		h.mu.Lock()
		seen.status = rec.status
		h.mu.Unlock()
	})
}

// requests are those sent to path since the last forget.
func (h *harness) requests(path string) []seenRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []seenRequest
	for _, s := range h.seen {
		if s.path == path {
			out = append(out, *s)
		}
	}
	return out
}

func (h *harness) statuses(path string) []int {
	var out []int
	for _, s := range h.requests(path) {
		out = append(out, s.status)
	}
	return out
}

func (h *harness) grants() []string {
	var out []string
	for _, s := range h.requests(cdp.TokenPath) {
		out = append(out, s.form.Get("grant_type"))
	}
	return out
}

// bearers are the access tokens the client presented.
func (h *harness) bearers() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, s := range h.seen {
		if s.bearer != "" {
			out = append(out, s.bearer)
		}
	}
	return out
}

func (h *harness) forget() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen = nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection for the sandbox's drop knob.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// stripBearer removes the token from API calls, so the sandbox answers every one with 401.
func stripBearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != cdp.TokenPath {
			r.Header.Del("Authorization")
		}
		next.ServeHTTP(w, r)
	})
}
