// Package config is the one reader of the portal's settings from the environment, the CDP's
// and the sandbox's included. Every variable it reads is listed, with its default, in the
// README (a test holds the two together); a malformed value stops the portal with a message
// naming the variable.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the zone database inside the binary: the distroless image has none

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox"
)

// Config is the portal's configuration.
type Config struct {
	DatabaseURL         string         // DATABASE_URL; empty: the embedded private cluster
	DataDir             string         // PORTAL_DATA_DIR
	Addr                string         // PORTAL_ADDR
	MetricsAddr         string         // PORTAL_METRICS_ADDR; empty: /metrics behind admin login
	TLSCert, TLSKey     string         // PORTAL_TLS_CERT, PORTAL_TLS_KEY; both or neither
	SessionIdle         time.Duration  // PORTAL_SESSION_IDLE
	SessionAbsolute     time.Duration  // PORTAL_SESSION_ABSOLUTE
	RequireTOTP         bool           // PORTAL_REQUIRE_TOTP: supervisors and admins need a second factor
	HashConcurrency     int            // PORTAL_HASH_CONCURRENCY: password hashes computed at once
	ShutdownTimeout     time.Duration  // PORTAL_SHUTDOWN_TIMEOUT
	LogLevel            slog.Level     // PORTAL_LOG_LEVEL
	RetainAuditDays     int            // PORTAL_RETAIN_AUDIT_DAYS: audit events, at least 366
	RetainDiscardedDays int            // PORTAL_RETAIN_DISCARDED_DAYS: discarded drafts and their documents
	TimeZone            *time.Location // PORTAL_DEFAULT_TIME_ZONE: the branches' zone where none is known

	// The worklist's watch (docs/drafts.md).
	ExpiryWindowDays int            // PORTAL_EXPIRY_WINDOW_DAYS: expiries and reviews this close enter the worklist
	ReviewMonths     map[string]int // PORTAL_REVIEW_MONTHS_HIGH, _MEDIUM, _LOW: months between reviews by risk

	// Customer search (docs/search.md).
	AuditHMACKey    string        // PORTAL_AUDIT_HMAC_KEY or _FILE: keys the hash of ID numbers in the audit trail
	AuditSigningKey string        // PORTAL_AUDIT_SIGNING_KEY or _FILE: signs the audit log's checkpoints (docs/audit.md)
	SecretsKey      string        // PORTAL_SECRETS_KEY or _FILE: encrypts second-factor secrets at rest
	CDPLookupLimit  int           // PORTAL_CDP_LOOKUP_LIMIT: CDP lookups a user may make per window
	CDPLookupWindow time.Duration // PORTAL_CDP_LOOKUP_WINDOW

	CDP     cdp.Config     // CDP_*: how the portal reaches the CDP
	Sandbox sandbox.Config // CDP_SANDBOX_*: the sandbox's knobs, with the CDP_* credentials
	// Single sign-on (docs/deploy.md).
	OIDC            OIDC
	LocalLogin      bool   // PORTAL_LOCAL_LOGIN: false turns local passwords off, but for BreakGlassAdmin
	BreakGlassAdmin string // PORTAL_BREAK_GLASS_ADMIN: the one local admin still allowed without local login

	// Documents (docs/drafts.md).
	BlobStore            string // PORTAL_BLOB_STORE: postgres or s3
	S3                   S3     // PORTAL_S3_*: the bucket when BlobStore is s3
	DocumentsKey         string // PORTAL_DOCUMENTS_KEY or _FILE: 64 hex characters, wraps every data key
	DocumentsPreviousKey string // PORTAL_DOCUMENTS_PREVIOUS_KEY or _FILE: the key before, during a rotation
}

// S3 names the bucket that keeps documents when PORTAL_BLOB_STORE is s3.
type S3 struct {
	Endpoint  string // PORTAL_S3_ENDPOINT: http:// or https:// address
	Bucket    string // PORTAL_S3_BUCKET
	Region    string // PORTAL_S3_REGION
	AccessKey string // PORTAL_S3_ACCESS_KEY or _FILE
	SecretKey string // PORTAL_S3_SECRET_KEY or _FILE
}

// Embedded tells whether the portal runs its own private database.
func (c Config) Embedded() bool { return c.DatabaseURL == "" }

// TLS tells whether the portal serves HTTPS itself.
func (c Config) TLS() bool { return c.TLSCert != "" }

// FromEnv reads the configuration through getenv (os.Getenv in production).
func FromEnv(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		DatabaseURL:         p.str("DATABASE_URL", ""),
		DataDir:             p.str("PORTAL_DATA_DIR", ".data"),
		Addr:                p.addr("PORTAL_ADDR", "127.0.0.1:8080"),
		MetricsAddr:         p.addr("PORTAL_METRICS_ADDR", ""),
		TLSCert:             p.str("PORTAL_TLS_CERT", ""),
		TLSKey:              p.str("PORTAL_TLS_KEY", ""),
		SessionIdle:         p.duration("PORTAL_SESSION_IDLE", 30*time.Minute),
		TimeZone:            p.zone("PORTAL_DEFAULT_TIME_ZONE", "UTC"),
		SessionAbsolute:     p.duration("PORTAL_SESSION_ABSOLUTE", 12*time.Hour),
		RequireTOTP:         p.boolean("PORTAL_REQUIRE_TOTP", false),
		HashConcurrency:     p.positive("PORTAL_HASH_CONCURRENCY", 4),
		ShutdownTimeout:     p.duration("PORTAL_SHUTDOWN_TIMEOUT", 15*time.Second),
		LogLevel:            p.level("PORTAL_LOG_LEVEL", slog.LevelInfo),
		RetainAuditDays:     p.positive("PORTAL_RETAIN_AUDIT_DAYS", 5*365+2),
		RetainDiscardedDays: p.positive("PORTAL_RETAIN_DISCARDED_DAYS", 30),
	}
	c.ExpiryWindowDays = p.positive("PORTAL_EXPIRY_WINDOW_DAYS", 60)
	c.ReviewMonths = map[string]int{"high": p.positive("PORTAL_REVIEW_MONTHS_HIGH", 12),
		"medium": p.positive("PORTAL_REVIEW_MONTHS_MEDIUM", 24), "low": p.positive("PORTAL_REVIEW_MONTHS_LOW", 60)}
	c.AuditHMACKey = p.longSecret("PORTAL_AUDIT_HMAC_KEY")
	c.AuditSigningKey = p.secret("PORTAL_AUDIT_SIGNING_KEY")
	c.SecretsKey = p.longSecret("PORTAL_SECRETS_KEY")
	c.CDPLookupLimit = p.positive("PORTAL_CDP_LOOKUP_LIMIT", 60)
	c.CDPLookupWindow = p.duration("PORTAL_CDP_LOOKUP_WINDOW", time.Minute)
	c.BlobStore = p.oneOf("PORTAL_BLOB_STORE", "postgres", "s3")
	c.S3 = p.s3(c.BlobStore == "s3")
	c.DocumentsKey = p.documentsKey("PORTAL_DOCUMENTS_KEY")
	c.DocumentsPreviousKey = p.documentsKey("PORTAL_DOCUMENTS_PREVIOUS_KEY")
	c.OIDC = p.oidc()
	c.LocalLogin = p.boolean("PORTAL_LOCAL_LOGIN", true)
	c.BreakGlassAdmin = p.str("PORTAL_BREAK_GLASS_ADMIN", "")
	if c.OIDC.Enabled() && c.SecretsKey == "" && !c.Embedded() {
		p.fail(
			"PORTAL_SECRETS_KEY",
			"is required with PORTAL_OIDC_ISSUER: sessions keep the provider's tokens encrypted under it",
		)
	}
	if !c.LocalLogin && !c.OIDC.Enabled() {
		p.fail("PORTAL_LOCAL_LOGIN", "false needs PORTAL_OIDC_ISSUER: nobody could sign in")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		p.fail("PORTAL_TLS_CERT and PORTAL_TLS_KEY", "set both or neither")
	}
	if c.SessionIdle > c.SessionAbsolute {
		p.fail("PORTAL_SESSION_IDLE", "must not exceed PORTAL_SESSION_ABSOLUTE")
	}
	c.CDP = p.cdp()
	c.Sandbox = p.sandbox(c.CDP)
	return c, errors.Join(p.errs...)
}

// Variables are the names of every variable the portal reads, in the order it reads them.
func Variables() []string {
	var names []string
	_, _ = FromEnv(func(name string) string {
		names = append(names, name)
		return ""
	})
	return names
}

type parser struct {
	getenv func(string) string
	errs   []error
}

func (p *parser) fail(name, why string) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s", name, why))
}

func (p *parser) str(name, def string) string {
	if v := strings.TrimSpace(p.getenv(name)); v != "" {
		return v
	}
	return def
}

func (p *parser) addr(name, def string) string {
	v := p.str(name, def)
	if v == "" {
		return v
	}
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		p.fail(name, fmt.Sprintf("%q is not host:port", v))
	}
	return v
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(name, fmt.Sprintf("%q is not a positive duration such as 30m", v))
		return def
	}
	return d
}

func (p *parser) zone(name, def string) *time.Location {
	v := p.str(name, def)
	loc, err := time.LoadLocation(v)
	if err != nil || v == "Local" {
		p.fail(name, fmt.Sprintf("%q is not a time zone name such as Asia/Dubai", v))
		return time.UTC
	}
	return loc
}

func (p *parser) boolean(name string, def bool) bool {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, fmt.Sprintf("%q is not true or false", v))
	}
	return b
}

func (p *parser) positive(name string, def int) int {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		p.fail(name, fmt.Sprintf("%q is not a positive whole number", v))
		return def
	}
	return n
}

func (p *parser) level(name string, def slog.Level) slog.Level {
	v := p.str(name, "")
	if v == "" {
		return def
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		p.fail(name, fmt.Sprintf("%q is not one of debug, info, warn, error", v))
		return def
	}
	return l
}

// oneOf reads a choice among values, the first being the default.
func (p *parser) oneOf(name string, values ...string) string {
	v := p.str(name, values[0])
	if !slices.Contains(values, v) {
		p.fail(name, fmt.Sprintf("%q is not one of %s", v, strings.Join(values, ", ")))
		return values[0]
	}
	return v
}

// s3 reads the bucket's settings; all but the region are required when used.
func (p *parser) s3(used bool) S3 {
	s := S3{Endpoint: p.str("PORTAL_S3_ENDPOINT", ""), Bucket: p.str("PORTAL_S3_BUCKET", ""),
		Region: p.str("PORTAL_S3_REGION", "us-east-1"), AccessKey: p.secret("PORTAL_S3_ACCESS_KEY"),
		SecretKey: p.secret("PORTAL_S3_SECRET_KEY")}
	if !used {
		return s
	}
	for name, v := range map[string]string{"PORTAL_S3_ENDPOINT": s.Endpoint, "PORTAL_S3_BUCKET": s.Bucket,
		"PORTAL_S3_ACCESS_KEY": s.AccessKey, "PORTAL_S3_SECRET_KEY": s.SecretKey} {
		if v == "" {
			p.fail(name, "required when PORTAL_BLOB_STORE is s3")
		}
	}
	if u, err := url.Parse(s.Endpoint); s.Endpoint != "" &&
		(err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		p.fail("PORTAL_S3_ENDPOINT", fmt.Sprintf("%q is not an http:// or https:// address", s.Endpoint))
	}
	return s
}
