package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kycportal/internal/app"
	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/config"
	"kycportal/internal/documents"
	"kycportal/internal/handlers"
	"kycportal/internal/packs"
	"kycportal/internal/search"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/worklist"
)

func runServe(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: portal serve takes no arguments; it reads its settings from the environment", errUsage)
	}
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		return err
	}
	cdpCfg, useSandbox, err := cdpConfig(cfg)
	if err != nil {
		return err // before any database work: a misconfigured deployment starts nothing
	}
	if cfg.AuditHMACKey == "" && !cfg.Embedded() {
		return errNoAuditKey
	}
	if cfg.AuditSigningKey == "" && !cfg.Embedded() {
		return errNoSigningKey
	}
	if cfg.DocumentsKey == "" && !cfg.Embedded() {
		return errNoDocumentsKey
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(log)
	db, closeDB, err := openDB(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer closeDB()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	log.Info("database ready", "migrations_applied", n, "embedded", cfg.Embedded())
	hasher := auth.NewHasher(cfg.HashConcurrency)
	auditKey, err := loadAuditKey(cfg)
	if err != nil {
		return err
	}
	signingKey, err := loadSigningKey(cfg)
	if err != nil {
		return err
	}
	secrets, err := loadSecrets(cfg)
	if err != nil {
		return err
	}
	if err := sealSecrets(ctx, log, db, secrets); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	sealer := &audit.Sealer{DB: db.Pool, Key: signingKey, Log: log, Metrics: audit.NewMetrics(reg)}
	go sealer.Run(ctx)
	cdpClient, err := newCDPClient(ctx, log, cfg, cdpCfg, useSandbox, reg)
	if err != nil {
		return err
	}
	if useSandbox {
		cdpCfg = cdpCfg.WithSandboxDefaults() // the callback secret the sandbox signs with
	}
	// One run is a lookup and an onboard at most, each bounded by the CDP timeout; a run
	// still marked running long after that died with its process and is rescued.
	jobTimeout := 2*cdpCfg.Timeout + 10*time.Second
	docs, err := openBlobs(ctx, cfg)
	if err != nil {
		return err
	}
	services, err := app.New(app.Options{DB: db, CDP: cdpClient, Log: log, Metrics: reg, Now: time.Now,
		Hasher: hasher, Packs: packs.Default(), Blobs: docs, Scanner: documents.NoScanner{},
		AuditKey: auditKey, AuditLog: signingKey, Rules: submission.DefaultRules, RequireTOTP: cfg.RequireTOTP,
		LookupLimit: search.Limit{Lookups: cfg.CDPLookupLimit, Window: cfg.CDPLookupWindow},
		SessionIdle: cfg.SessionIdle, SessionAbsolute: cfg.SessionAbsolute,
		Watch:   worklist.Rules{WindowDays: cfg.ExpiryWindowDays, ReviewMonths: cfg.ReviewMonths},
		Secrets: secrets, PasswordsOff: !cfg.LocalLogin, BreakGlassAdmin: cfg.BreakGlassAdmin, OIDC: cfg.OIDC,
		Worker: &app.WorkerOptions{Concurrency: submission.ServeConcurrency, Cooldown: submission.ServeCooldown,
			JobTimeout: jobTimeout, RescueAfter: 5 * jobTimeout}})
	if err != nil {
		return err
	}
	if cfg.Embedded() {
		if err := seedDemo(ctx, services.Branches, services.Accounts, cfg.DataDir); err != nil {
			return err
		}
	}
	stopQueue, err := startQueue(ctx, log, services.Queue, jobTimeout)
	if err != nil {
		return err
	}
	defer stopQueue()
	web, err := handlers.New(handlers.Deps{Services: services, DB: db, CDP: cdpClient, Log: log, Metrics: reg,
		Now: time.Now, TLS: cfg.TLS(), Sandbox: useSandbox, CallbackSecret: cdpCfg.CallbackSecret, AuditKey: auditKey,
		TimeZone: cfg.TimeZone})
	if err != nil {
		return err
	}
	go sweepSessions(ctx, log, db, cfg.SessionIdle)
	go sweepBlobs(ctx, log, db, docs.Store)
	if cfg.MetricsAddr != "" {
		go serveMetrics(ctx, log, cfg.MetricsAddr, reg)
	}
	return listenAndServe(ctx, log, cfg, web)
}

// sealSecrets encrypts second-factor secrets stored before PORTAL_SECRETS_KEY existed (a data
// migration that finds nothing to do once done), or warns that none can be enrolled.
func sealSecrets(ctx context.Context, log *slog.Logger, db *store.DB, secrets *auth.Sealer) error {
	if secrets == nil {
		log.Warn("PORTAL_SECRETS_KEY is not set: second factors cannot be enrolled, and those stored before stay unencrypted")
		return nil
	}
	n, err := auth.SealPlainSecrets(ctx, db, secrets)
	if n > 0 {
		log.Info("second-factor secrets encrypted at rest", "count", n)
	}
	return err
}

// newHTTPServer bounds every phase of a connection, so a slow client cannot hold one open.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second, // uploads of a few MB on a slow branch line
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// listenAndServe serves until ctx ends, then lets requests in flight finish.
func listenAndServe(ctx context.Context, log *slog.Logger, cfg config.Config, h http.Handler) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := newHTTPServer(h, log)
	scheme := "http"
	if cfg.TLS() {
		scheme = "https"
	}
	log.Info("portal listening", "url", scheme+"://"+ln.Addr().String())
	fmt.Fprintf(os.Stderr, "portal: listening on %s://%s (Ctrl-C stops it)\n", scheme, ln.Addr())
	done := make(chan error, 1)
	go func() {
		if cfg.TLS() {
			done <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			done <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func serveMetrics(ctx context.Context, log *slog.Logger, addr string, reg *prometheus.Registry) {
	srv := newHTTPServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), log)
	srv.Addr = addr
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Error("metrics server stopped", "error", err.Error())
	}
}

// sweepSessions deletes sessions idle for longer than the timeout; they would be refused
// anyway, this only keeps the table small.
func sweepSessions(ctx context.Context, log *slog.Logger, db *store.DB, idle time.Duration) {
	every(ctx, 5*time.Minute, func() {
		n, err := store.DeleteSessionsIdleSince(ctx, db.Pool, time.Now().Add(-idle))
		if err != nil {
			log.Warn("session sweep failed", "error", err.Error())
		} else if n > 0 {
			log.Info("expired sessions removed", "count", n)
		}
	})
}

// every runs fn every period until ctx ends.
func every(ctx context.Context, period time.Duration, fn func()) {
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			fn()
		}
	}
}
