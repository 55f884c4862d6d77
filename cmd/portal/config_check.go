package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"

	"kycportal/internal/cdp"
	"kycportal/internal/config"
)

// runConfig is `portal config check`: the configuration serve would run with, from the
// environment and _FILE secrets, each secret shown only as set or unset; or why serve
// would refuse it.
func runConfig(_ context.Context, args []string) error {
	if len(args) != 1 || args[0] != "check" {
		return fmt.Errorf("%w: portal config check (no other subcommand)", errUsage)
	}
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		return err
	}
	c, useSandbox, err := cdpConfig(cfg)
	if err != nil {
		return err
	}
	if cfg.AuditHMACKey == "" && !cfg.Embedded() {
		return errNoAuditKey
	}
	if cfg.DocumentsKey == "" && !cfg.Embedded() {
		return errNoDocumentsKey
	}
	printConfig(os.Stdout, cfg, c, useSandbox)
	return nil
}

func printConfig(w io.Writer, cfg config.Config, c cdp.Config, useSandbox bool) {
	database := "embedded cluster under " + cfg.DataDir
	if !cfg.Embedded() {
		database = redactDSN(cfg.DatabaseURL)
	}
	cdpAt := c.BaseURL
	if useSandbox {
		cdpAt, c = "the in-process sandbox, with its published test credentials", c.WithSandboxDefaults()
	}
	auditKey := secretState(cfg.AuditHMACKey)
	if cfg.AuditHMACKey == "" && cfg.Embedded() {
		auditKey = "kept in " + filepath.Join(cfg.DataDir, auditKeyFile)
	}
	signingKey := secretState(cfg.AuditSigningKey)
	if cfg.AuditSigningKey == "" && cfg.Embedded() {
		signingKey = "kept in " + filepath.Join(cfg.DataDir, signingKeyFile)
	}
	documentsKey := secretState(cfg.DocumentsKey)
	if cfg.DocumentsKey == "" && cfg.Embedded() {
		documentsKey = "kept in " + filepath.Join(cfg.DataDir, documentsKeyFile)
	}
	for _, kv := range [][2]string{
		{"DATABASE_URL", database},
		{"PORTAL_ADDR", cfg.Addr},
		{"PORTAL_METRICS_ADDR", orNone(cfg.MetricsAddr, "none: /metrics behind an admin login")},
		{"PORTAL_TLS_CERT", orNone(cfg.TLSCert, "none: plain HTTP behind a TLS proxy")},
		{"PORTAL_SESSION_IDLE", cfg.SessionIdle.String()},
		{"PORTAL_SESSION_ABSOLUTE", cfg.SessionAbsolute.String()},
		{"PORTAL_REQUIRE_TOTP", fmt.Sprint(cfg.RequireTOTP)},
		{"PORTAL_HASH_CONCURRENCY", fmt.Sprint(cfg.HashConcurrency)},
		{"PORTAL_SHUTDOWN_TIMEOUT", cfg.ShutdownTimeout.String()},
		{"PORTAL_LOG_LEVEL", cfg.LogLevel.String()},
		{"PORTAL_RETAIN_AUDIT_DAYS", fmt.Sprint(cfg.RetainAuditDays)},
		{"PORTAL_RETAIN_DISCARDED_DAYS", fmt.Sprint(cfg.RetainDiscardedDays)},
		{"PORTAL_EXPIRY_WINDOW_DAYS", fmt.Sprint(cfg.ExpiryWindowDays)},
		{"PORTAL_REVIEW_MONTHS", fmt.Sprintf("high %d, medium %d, low %d", cfg.ReviewMonths["high"],
			cfg.ReviewMonths["medium"], cfg.ReviewMonths["low"])},
		{"PORTAL_DEFAULT_TIME_ZONE", cfg.TimeZone.String()},
		{"PORTAL_AUDIT_HMAC_KEY", auditKey},
		{"PORTAL_AUDIT_SIGNING_KEY", signingKey},
		{"PORTAL_DOCUMENTS_KEY", documentsKey},
		{"PORTAL_DOCUMENTS_PREVIOUS_KEY", secretState(cfg.DocumentsPreviousKey)},
		{"PORTAL_BLOB_STORE", blobStore(cfg)},
		{"PORTAL_CDP_LOOKUP_LIMIT", fmt.Sprintf("%d per %s", cfg.CDPLookupLimit, cfg.CDPLookupWindow)},
		{"PORTAL_OIDC_ISSUER", orNone(cfg.OIDC.Issuer, "none: local passwords only")},
		{"PORTAL_OIDC_CLIENT_ID", cfg.OIDC.ClientID},
		{"PORTAL_OIDC_CLIENT_SECRET", secretState(cfg.OIDC.ClientSecret)},
		{"PORTAL_LOCAL_LOGIN", fmt.Sprint(cfg.LocalLogin)},
		{"PORTAL_BREAK_GLASS_ADMIN", orNone(cfg.BreakGlassAdmin, "none")},
		{"CDP_BASE_URL", cdpAt},
		{"CDP_CLIENT_ID", c.ClientID},
		{"CDP_CLIENT_SECRET", secretState(c.ClientSecret)},
		{"CDP_USERNAME", c.Username},
		{"CDP_PASSWORD", secretState(c.Password)},
		{"CDP_SCOPE", orNone(c.Scope, "none sent")},
		{"CDP_TIMEOUT", c.Timeout.String()},
		{"CDP_CALLBACK_SECRET", secretState(c.CallbackSecret)},
	} {
		fmt.Fprintf(w, "%-29s %s\n", kv[0], kv[1])
	}
}

func orNone(v, none string) string {
	if v == "" {
		return none
	}
	return v
}

// secretState says whether a secret is set, never what it is.
func secretState(v string) string {
	if v != "" {
		return "set (redacted)"
	}
	return "unset"
}

var dsnPassword = regexp.MustCompile(`(?i)(password=)[^&\s]*`)

// redactDSN hides the password of a URL or key=value connection string.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		dsn = u.Redacted()
	}
	return dsnPassword.ReplaceAllString(dsn, "${1}xxxxx")
}

// blobStore tells where documents are kept, the S3 credentials only as set or unset.
func blobStore(cfg config.Config) string {
	if cfg.BlobStore != "s3" {
		return "postgres: in the database"
	}
	c := cfg.S3
	return fmt.Sprintf("s3: bucket %s at %s (region %s, access key %s, secret key %s)", c.Bucket, c.Endpoint, c.Region,
		secretState(c.AccessKey), secretState(c.SecretKey))
}
