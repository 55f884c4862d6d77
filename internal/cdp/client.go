package cdp

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The contract's paths, relative to CDP_BASE_URL.
const (
	TokenPath    = "/auth/realms/cdp/protocol/openid-connect/token" // #nosec G101 -- a URL path, not a credential
	LookupPath   = "/caas/api/v2/customer/validate"
	OnboardPath  = "/caas-lcm/api/v1/CAAS/onBoarding/customer"
	CustomerPath = "/caas/api/v2/customer/" // + ECRN
)

const (
	maxBody     = 1 << 20 // a longer answer is cut here and then fails to parse
	maxAttempts = 3
	retryBase   = 100 * time.Millisecond
)

// Options are the client's dependencies; the zero value is usable.
type Options struct {
	HTTPClient *http.Client          // default: one keeping idleConns connections; Config.Timeout bounds each call
	Registerer prometheus.Registerer // receives cdp_request_duration_seconds; nil: kept unregistered
	Logger     *slog.Logger          // default: slog.Default()
	Now        func() time.Time      // the clock that ages tokens; default: time.Now
}

// Client calls the CDP. Create one per process: it holds the token that all calls share.
type Client struct {
	cfg      Config
	http     *http.Client
	log      *slog.Logger
	now      func() time.Time
	duration *prometheus.HistogramVec
	tokenUp  prometheus.Gauge

	sem    chan struct{} // held while the token is read or fetched: one token request at a time
	tok    token         // guarded by sem
	health tokenHealth   // guarded by sem

	failingSince atomic.Int64 // unix nanoseconds of health.since while failing, else 0: read by pages
}

// New checks cfg and returns a client for it.
func New(cfg Config, opts Options) (*Client, error) {
	if err := checkClientConfig(cfg); err != nil {
		return nil, err
	}
	duration, err := register(opts.Registerer, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cdp_request_duration_seconds",
		Help:    "Duration of CDP calls, retries included, by endpoint and outcome.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20},
	}, []string{"endpoint", "outcome"}))
	if err != nil {
		return nil, err
	}
	tokenUp, err := register(opts.Registerer, prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "cdp_token_endpoint_up",
		Help: "1 while the CDP's token endpoint answers, 0 while it fails: no CDP call can be made. Alert on 0.",
	}))
	if err != nil {
		return nil, err
	}
	tokenUp.Set(1)
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	c := &Client{cfg: cfg, http: opts.HTTPClient, log: opts.Logger, now: opts.Now, duration: duration, tokenUp: tokenUp,
		sem: make(chan struct{}, 1)}
	if c.http == nil {
		c.http = &http.Client{Transport: keepingTransport()}
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

func checkClientConfig(cfg Config) error {
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("cdp: base URL %q is not an http(s) URL (start the sandbox and pass its address)", cfg.BaseURL)
	}
	var missing []error
	for _, v := range []struct{ name, value string }{
		{"CDP_CLIENT_ID", cfg.ClientID}, {"CDP_CLIENT_SECRET", cfg.ClientSecret}, {"CDP_USERNAME", cfg.Username}, {"CDP_PASSWORD", cfg.Password},
	} {
		if v.value == "" {
			missing = append(missing, fmt.Errorf("cdp: %s is not set", v.name))
		}
	}
	return errors.Join(missing...)
}

// register registers m on reg; a second client on the same registry shares the first's.
func register[M prometheus.Collector](reg prometheus.Registerer, m M) (M, error) {
	if reg == nil {
		return m, nil
	}
	err := reg.Register(m)
	var already prometheus.AlreadyRegisteredError
	if errors.As(err, &already) {
		if existing, ok := already.ExistingCollector.(M); ok {
			return existing, nil
		}
	}
	return m, err
}

type lookupRequest struct {
	IDNumber string `json:"idNumber"`
	IDType   string `json:"idType"`
}

// Lookup finds a customer by ID type (master-data code, "4" for an Emirates ID) and number.
func (c *Client) Lookup(ctx context.Context, idType, idNumber string) Result {
	return c.call(ctx, lookupEndpoint, http.MethodPost, LookupPath, lookupRequest{IDNumber: idNumber, IDType: idType})
}

// Onboard registers a new customer. It is never retried here: on Unavailable the customer may
// exist already, so the caller reconciles (Lookup) before sending again.
func (c *Client) Onboard(ctx context.Context, p Payload) Result {
	return c.call(ctx, onboardEndpoint, http.MethodPost, OnboardPath, p)
}

// Update sends the customer again under its ECRN. Never retried here, like Onboard.
func (c *Client) Update(ctx context.Context, ecrn string, p Payload) Result {
	if ecrn == "" {
		// Without an ECRN the CDP would read the request as an onboard and create a customer.
		return Result{Outcome: InvalidRequest, Err: errors.New("cdp: update without an ECRN")}
	}
	return c.call(ctx, updateEndpoint, http.MethodPost, OnboardPath, p.WithECRN(ecrn))
}

// GetCustomer reads a customer by ECRN.
func (c *Client) GetCustomer(ctx context.Context, ecrn string) Result {
	return c.call(ctx, getEndpoint, http.MethodGet, CustomerPath+url.PathEscape(ecrn), nil)
}

// call runs one API call within Config.Timeout and records it once. It retries on
// Unavailable when the call is idempotent or its request never left (the token failed).
func (c *Client) call(ctx context.Context, ep endpoint, method, path string, body any) Result {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ensureRequestID(ctx), c.cfg.Timeout)
	defer cancel()
	var res Result
	attempts := 1
	if b, err := newBody(body); err != nil {
		res = unexpected(res, err)
	} else {
		attempts = retry(ctx, func() bool {
			var sent bool
			res, sent = c.once(ctx, ep, method, path, b)
			return res.Retryable() && (ep.idempotent || !sent)
		})
	}
	c.record(
		ctx,
		callLog{
			endpoint: ep.name,
			outcome:  res.Outcome.String(),
			failed:   res.Outcome.failed(),
			status:   res.Status,
			code:     res.Code,
			attempts: attempts,
			err:      res.Err,
		},
		start,
	)
	return res
}

// once is one attempt; sent reports whether the request reached the wire. A 401 means the CDP
// no longer honours our token: get another one and send again, once; a second 401 is
// AuthFailed, never a loop.
func (c *Client) once(ctx context.Context, ep endpoint, method, path string, body *body) (_ Result, sent bool) {
	access, err := c.accessToken(ctx, "")
	if err != nil {
		return tokenFailure(err), false
	}
	status, answer, err := c.send(ctx, method, path, body, access)
	if err == nil && status == http.StatusUnauthorized {
		if access, err = c.accessToken(ctx, access); err != nil {
			return tokenFailure(err), true
		}
		status, answer, err = c.send(ctx, method, path, body, access)
	}
	if err != nil {
		return Result{Outcome: Unavailable, Err: err}, true
	}
	return parse(ep, status, answer), true
}

// send makes one request; a nil body sends none.
func (c *Client) send(ctx context.Context, method, path string, body *body, access string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, nil)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Body, req.ContentLength = io.NopCloser(body.reader()), body.size()
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(body.reader()), nil }
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+access)
	return c.do(req)
}

// do sends req with the request id and reads at most maxBody of the answer. Transport errors
// lose their URL, which for get names an ECRN.
func (c *Client) do(req *http.Request) (int, []byte, error) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Request-ID", requestID(req.Context()))
	resp, err := c.http.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return resp.StatusCode, b, err
}

// retry runs attempt until it asks for no other, up to maxAttempts, sleeping an exponential
// backoff with jitter in between. It returns the attempts made.
func retry(ctx context.Context, attempt func() (again bool)) int {
	n := 1
	for attempt() && n < maxAttempts && sleep(ctx, backoff(n)) {
		n++
	}
	return n
}

// backoff is half the exponential step plus a random share of the other half.
func backoff(attempt int) time.Duration {
	step := retryBase << (attempt - 1)
	return step/2 + mathrand.N(step/2) // #nosec G404 -- jitter of a retry delay guards no secret
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

type callLog struct {
	endpoint, outcome string
	failed            bool // logged as a warning
	status, code      int
	attempts          int
	grant             string
	err               error
}

// record observes the call's duration and writes its one log line: no ID numbers, names,
// messages or tokens, only what identifies the call.
func (c *Client) record(ctx context.Context, l callLog, start time.Time) {
	d := time.Since(start)
	c.duration.WithLabelValues(l.endpoint, l.outcome).Observe(d.Seconds())
	attrs := []slog.Attr{
		slog.String("endpoint", l.endpoint),
		slog.String("outcome", l.outcome),
		slog.Int("status", l.status),
		slog.Int("attempts", l.attempts),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.String("request_id", requestID(ctx)),
	}
	if l.code != 0 {
		attrs = append(attrs, slog.Int("code", l.code))
	}
	if l.grant != "" {
		attrs = append(attrs, slog.String("grant", l.grant))
	}
	if l.err != nil {
		attrs = append(attrs, slog.String("error", l.err.Error()))
	}
	level := slog.LevelInfo
	if l.failed {
		level = slog.LevelWarn
	}
	c.log.LogAttrs(ctx, level, "cdp call", attrs...)
}

type requestIDKey struct{}

// WithRequestID makes calls made with ctx send id as X-Request-ID; without one a call makes its own.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func ensureRequestID(ctx context.Context) context.Context {
	if requestID(ctx) != "" {
		return ctx
	}
	return WithRequestID(ctx, rand.Text())
}

// idleConns is how many idle connections to the CDP the client keeps, about the portal's
// concurrent searches. net/http keeps two a host: under load the others were closed after
// each call and opened again for the next, a TLS handshake each (docs/performance.md).
const idleConns = 64

// keepingTransport is net/http's default transport keeping idleConns to the CDP.
func keepingTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = idleConns
	return t
}
