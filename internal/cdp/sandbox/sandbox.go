// Package sandbox is a CDP that speaks the partner contract over real HTTP, for `make run`,
// demos and the client's contract tests. Its answers come from data (seed.json) and a few knobs.
package sandbox

import (
	"errors"
	"flag"
	"fmt"
	mathrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kycportal/internal/cdp"
)

// Config is the sandbox's credentials and knobs.
type Config struct {
	CDP         cdp.Config    // the same CDP_* credentials as the client, sandbox defaults where unset
	TokenTTL    time.Duration // access token lifetime
	RefreshTTL  time.Duration // refresh token lifetime
	Latency     time.Duration // added before every contract answer
	FailRate    float64       // share of API calls answered 502/40001
	DropRate    float64       // share of API calls whose connection is closed unanswered
	TokenFail   bool          // the token endpoint answers 503
	CallbackURL string        // where closing an AML alert sends the signed callback
	StorePath   string        // JSON file that keeps customers across restarts; empty: memory only
	Seed        uint64        // fixes the fail/drop draws and new ECRNs; 0: a random seed

	Now        func() time.Time // default time.Now
	HTTPClient *http.Client     // sends the callback; default a client with a 10 s timeout
}

// DefaultConfig is the sandbox with no knob turned.
func DefaultConfig() Config {
	return Config{
		CDP:        cdp.Config{Scope: cdp.DefaultScope}.WithSandboxDefaults(),
		TokenTTL:   300 * time.Second,
		RefreshTTL: 30 * time.Minute,
	}
}

// RegisterFlags binds one flag per knob, defaulting to c's values.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	knob := func(name, usage string) string { return fmt.Sprintf("%s (env %s)", usage, EnvName(name)) }
	fs.DurationVar(&c.TokenTTL, "token-ttl", c.TokenTTL, knob("token-ttl", "access token lifetime"))
	fs.DurationVar(&c.RefreshTTL, "refresh-ttl", c.RefreshTTL, knob("refresh-ttl", "refresh token lifetime"))
	fs.DurationVar(&c.Latency, "latency", c.Latency, knob("latency", "delay added to every answer"))
	fs.Float64Var(&c.FailRate, "fail-rate", c.FailRate, knob("fail-rate", "share of API calls answered 502/40001, 0 to 1"))
	fs.Float64Var(
		&c.DropRate,
		"drop-rate",
		c.DropRate,
		knob("drop-rate", "share of API calls whose connection is dropped, 0 to 1"),
	)
	fs.BoolVar(&c.TokenFail, "token-fail", c.TokenFail, knob("token-fail", "make the token endpoint answer 503"))
	fs.StringVar(
		&c.CallbackURL,
		"callback-url",
		c.CallbackURL,
		knob("callback-url", "the portal's AML alert closure callback URL"),
	)
	fs.StringVar(&c.StorePath, "store", c.StorePath, knob("store", "JSON file keeping onboarded customers"))
	fs.Uint64Var(&c.Seed, "seed", c.Seed, knob("seed", "random seed for fail/drop draws and ECRNs, 0 for a random one"))
}

// EnvName is the environment variable of a knob: token-ttl → CDP_SANDBOX_TOKEN_TTL.
func EnvName(flagName string) string {
	return "CDP_SANDBOX_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (c Config) check() error {
	var errs []error
	if c.TokenTTL <= 0 || c.RefreshTTL <= 0 {
		errs = append(errs, errors.New("sandbox: token lifetimes must be positive"))
	}
	if c.FailRate < 0 || c.FailRate > 1 || c.DropRate < 0 || c.DropRate > 1 {
		errs = append(errs, errors.New("sandbox: fail and drop rates must be between 0 and 1"))
	}
	return errors.Join(errs...)
}

// Sandbox is the http.Handler of the fake CDP.
type Sandbox struct {
	cfg          Config
	mux          *http.ServeMux
	tokens       *tokens
	store        *store
	scripts      map[idKey]script
	ecrnPrefixes map[string]string // by issued country; others get "100"

	rngMu sync.Mutex
	rng   *mathrand.Rand

	onboards atomic.Int64 // onboard calls received, for StatsPath
}

// New loads the seed (and the store file, when set) and returns the sandbox.
func New(cfg Config) (*Sandbox, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = mathrand.Uint64() // #nosec G404 -- the sandbox's fault draws are repeatable from a seed by design; they guard nothing
	}
	sd, err := loadSeed()
	if err != nil {
		return nil, err
	}
	st, err := openStore(cfg.StorePath, sd.Customers)
	if err != nil {
		return nil, err
	}
	s := &Sandbox{
		cfg:          cfg,
		tokens:       newTokens(),
		store:        st,
		scripts:      sd.scriptsByID(),
		ecrnPrefixes: sd.ECRNPrefixes,
		rng:          mathrand.New(mathrand.NewPCG(seed, seed)),
	} // #nosec G404 -- as above
	s.routes()
	return s, nil
}

func (s *Sandbox) routes() {
	s.mux = http.NewServeMux()
	s.mux.Handle("POST "+cdp.TokenPath, s.delayed(http.HandlerFunc(s.token)))
	s.mux.Handle("POST "+cdp.LookupPath, s.api(s.lookup))
	s.mux.Handle("POST "+cdp.OnboardPath, s.api(s.onboard))
	s.mux.Handle("GET "+cdp.CustomerPath+"{ecrn}", s.api(s.getCustomer))
	s.mux.HandleFunc("POST "+AlertClosePath, s.closeAlert)
	s.mux.HandleFunc("GET "+StatsPath, s.stats)
}

func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// api wraps an API handler in the knobs and the bearer check, in the order a real gateway
// would meet them: the network, authentication, then the backend.
func (s *Sandbox) api(h http.HandlerFunc) http.Handler {
	return s.delayed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case s.draw(s.cfg.DropRate):
			drop(w)
		case !s.tokens.valid(bearer(r), s.cfg.Now()):
			writeUnauthorized(w, r, s.cfg.Now())
		case s.draw(s.cfg.FailRate):
			backendFailure.write(w)
		default:
			h(w, r)
		}
	}))
}

func (s *Sandbox) delayed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Latency > 0 {
			t := time.NewTimer(s.cfg.Latency)
			defer t.Stop()
			select {
			case <-t.C:
			case <-r.Context().Done():
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// draw reports true with probability rate; a zero rate draws nothing, keeping seeded runs stable.
func (s *Sandbox) draw(rate float64) bool {
	if rate <= 0 {
		return false
	}
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.Float64() < rate
}

func (s *Sandbox) randomBelow(n uint64) uint64 {
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.Uint64N(n)
}

// drop closes the connection without an answer, as a failing network or proxy would.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	_ = conn.Close() // the point is that nothing more is said
}
