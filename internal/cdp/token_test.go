package cdp_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/cdp/sandbox"
)

// Tokens living 2 s, a sandbox clock 500 ms ahead of the client's (latency, skew), calls every
// 250 ms for 10 s: the early refresh means no call ever meets a 401.
func TestShortLivedTokensNeverFailACall(t *testing.T) {
	t.Parallel()
	var h *harness
	h = newHarness(t, withSandbox(func(c *sandbox.Config) {
		c.TokenTTL = 2 * time.Second
		c.Now = func() time.Time { return h.clock.Now().Add(500 * time.Millisecond) }
	}))
	for i := range 40 {
		if res := h.client.Lookup(t.Context(), "4", "784199012345676"); res.Outcome != cdp.Found {
			t.Fatalf("call %d: %v (%v)", i, res.Outcome, res.Err)
		}
		h.clock.Advance(250 * time.Millisecond)
	}
	if got := h.statuses(cdp.LookupPath); slices.Contains(got, 401) {
		t.Errorf("a call met a 401: %v", got)
	}
	if n := len(h.requests(cdp.TokenPath)); n < 5 {
		t.Errorf("%d token requests in 10 s of 2 s tokens; want the token replaced as it aged", n)
	}
}

func TestConcurrentCallsOnAnExpiredTokenMakeOneTokenRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withSandbox(func(c *sandbox.Config) { c.Latency = 20 * time.Millisecond }))
	h.client.Lookup(t.Context(), "4", "784199012345676")
	h.clock.Advance(301 * time.Second)
	h.forget()
	start := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]cdp.Result, 50)
	for i := range results {
		wg.Go(func() {
			<-start
			results[i] = h.client.Lookup(t.Context(), "4", "784199012345676")
		})
	}
	close(start)
	wg.Wait()
	for i, res := range results {
		if res.Outcome != cdp.Found {
			t.Fatalf("call %d: %v (%v)", i, res.Outcome, res.Err)
		}
	}
	if got := h.grants(); !slices.Equal(got, []string{"refresh_token"}) {
		t.Errorf("token requests %v; want exactly one refresh", got)
	}
}

// A CDP restart forgets every token: the refresh is refused and the password grant follows.
func TestRefusedRefreshFallsBackToPasswordGrant(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.client.Lookup(t.Context(), "4", "784199012345676")
	h.restart()
	h.clock.Advance(250 * time.Second) // due for an early refresh, not expired
	h.forget()
	if res := h.client.Lookup(t.Context(), "4", "784199012345676"); res.Outcome != cdp.Found {
		t.Fatalf("lookup: %v (%v)", res.Outcome, res.Err)
	}
	if got := h.grants(); !slices.Equal(got, []string{"refresh_token", "password"}) {
		t.Errorf("grants %v; want a refused refresh then a password grant", got)
	}
	if got := h.statuses(cdp.TokenPath); !slices.Equal(got, []int{400, 200}) {
		t.Errorf("token answers %v; want [400 200]", got)
	}
}

// A token the CDP stopped honouring before its time: one 401, one new token, one retry.
func TestAPI401GetsANewTokenAndOneRetry(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.client.Lookup(t.Context(), "4", "784199012345676")
	h.restart()
	h.forget()
	if res := h.client.Lookup(t.Context(), "4", "784199012345676"); res.Outcome != cdp.Found {
		t.Fatalf("lookup: %v (%v)", res.Outcome, res.Err)
	}
	if got := h.statuses(cdp.LookupPath); !slices.Equal(got, []int{401, 200}) {
		t.Errorf("lookup answers %v; want [401 200]", got)
	}
	if got := h.statuses(cdp.TokenPath); !slices.Equal(got, []int{400, 200}) {
		t.Errorf("token answers %v; want the refused refresh, then one new token", got)
	}
}

func TestUnavailableRetriesOnlyIdempotentCalls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		knob string
		set  func(*sandbox.Config)
		want want
	}{
		{"502 rate", func(c *sandbox.Config) { c.FailRate = 1 }, want{cdp.Unavailable, 502, 40001}},
		{"drop rate", func(c *sandbox.Config) { c.DropRate = 1 }, want{cdp.Unavailable, 0, 0}},
	} {
		t.Run(tc.knob, func(t *testing.T) {
			h := newHarness(t, withSandbox(tc.set))
			check(t, h.client.Lookup(t.Context(), "4", "784199012345676"), tc.want)
			check(t, h.client.GetCustomer(t.Context(), zafarECRN), tc.want)
			check(t, h.client.Onboard(t.Context(), cdptest.AECustomer()), tc.want)
			for path, n := range map[string]int{cdp.LookupPath: 3, cdp.CustomerPath + zafarECRN: 3, cdp.OnboardPath: 1} {
				if got := len(h.requests(path)); got != n {
					t.Errorf("%s sent %d times; want %d", path, got, n)
				}
			}
		})
	}
}

// A call whose token cannot be had never left, so even onboard may try again; but the
// failure is remembered for a cool-down, so the retries ask the endpoint nothing more.
func TestTokenEndpointDownIsUnavailableAfterBoundedRetries(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withSandbox(func(c *sandbox.Config) { c.TokenFail = true }))
	for name, call := range map[string]func() cdp.Result{
		"lookup":  func() cdp.Result { return h.client.Lookup(t.Context(), "4", "784199012345676") },
		"onboard": func() cdp.Result { return h.client.Onboard(t.Context(), cdptest.AECustomer()) },
	} {
		h.clock.Advance(2 * time.Minute) // past any cool-down
		h.forget()
		if res := call(); res.Outcome != cdp.Unavailable || res.Status != 0 {
			t.Errorf("%s: got %v HTTP %d; want unavailable", name, res.Outcome, res.Status)
		}
		if got := h.statuses(cdp.TokenPath); !slices.Equal(got, []int{503}) {
			t.Errorf("%s: token answers %v; want one 503, the retries waiting out the cool-down", name, got)
		}
	}
}

// TestTokenEndpointDownMakesNoRetryStorm: 50 calls at once while the token endpoint fails
// make one token request; operators get one ERROR line, the gauge at 0 and the time it
// started; after the cool-down one request finds it back, and everything says so.
func TestTokenEndpointDownMakesNoRetryStorm(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withSandbox(func(c *sandbox.Config) { c.TokenFail = true }))
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if res := h.client.Lookup(t.Context(), "4", "784199012345676"); res.Outcome != cdp.Unavailable {
				t.Errorf("lookup while the token endpoint fails: %v", res.Outcome)
			}
		})
	}
	wg.Wait()
	failing := h.client.TokenFailingSince()
	t.Logf(
		"50 lookups: %d token requests, %d lookups sent",
		len(h.requests(cdp.TokenPath)),
		len(h.requests(cdp.LookupPath)),
	)
	if n := len(h.requests(cdp.TokenPath)); n != 1 || len(h.requests(cdp.LookupPath)) != 0 {
		t.Errorf("%d token requests, %d lookups sent; want 1 and 0", n, len(h.requests(cdp.LookupPath)))
	}
	if !failing.Equal(h.clock.Now()) || gauge(t, h, "cdp_token_endpoint_up") != 0 ||
		strings.Count(h.logText(), `"level":"ERROR"`) != 1 {
		t.Errorf(
			"operator signal: failing since %v, gauge %v, log:\n%s",
			failing,
			gauge(t, h, "cdp_token_endpoint_up"),
			h.logText(),
		)
	}
	h.sbCfg.TokenFail = false
	h.restart()
	h.clock.Advance(time.Second)
	if res := h.client.Lookup(t.Context(), "4", "784199012345676"); res.Outcome != cdp.Found {
		t.Fatalf("after the cool-down: %v (%v)", res.Outcome, res.Err)
	}
	if !h.client.TokenFailingSince().IsZero() || gauge(t, h, "cdp_token_endpoint_up") != 1 ||
		!strings.Contains(h.logText(), "token endpoint recovered") {
		t.Errorf(
			"recovery not signalled: since %v, gauge %v",
			h.client.TokenFailingSince(),
			gauge(t, h, "cdp_token_endpoint_up"),
		)
	}
}

func TestTimeoutBoundsTheWholeCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t,
		withSandbox(func(c *sandbox.Config) { c.Latency = time.Second }),
		withClient(func(c *cdp.Config) { c.Timeout = 100 * time.Millisecond }))
	start := time.Now()
	res := h.client.Lookup(t.Context(), "4", "784199012345676")
	if res.Outcome != cdp.Unavailable || !errors.Is(res.Err, context.DeadlineExceeded) {
		t.Fatalf("got %v (%v); want unavailable on the deadline", res.Outcome, res.Err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("call took %v with a 100 ms timeout", d)
	}
}

func (h *harness) logText() string { return h.logs.String() }

// gauge is the value of the unlabelled gauge name on the harness's registry.
func gauge(t *testing.T, h *harness, name string) float64 {
	t.Helper()
	families, err := h.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no gauge %s", name)
	return 0
}
