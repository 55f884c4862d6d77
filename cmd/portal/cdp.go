package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox"
	"kycportal/internal/config"
)

// errNoCDP keeps a production deployment from talking to a sandbox by accident.
var errNoCDP = errors.New("configuration refused:\nCDP_BASE_URL: required when DATABASE_URL is set " +
	"(the CDP's address, or \"sandbox\" for a test deployment)")

// cdpConfig reads the CDP settings and says whether the sandbox stands in for the CDP: in
// the embedded default, or when CDP_BASE_URL is "sandbox".
func cdpConfig(cfg config.Config) (cdp.Config, bool, error) {
	c := cfg.CDP
	switch c.BaseURL {
	case "":
		if !cfg.Embedded() {
			return c, false, errNoCDP
		}
		return c, true, nil
	case cdp.SandboxBaseURL:
		return c, true, nil
	}
	return c, false, nil
}

// startSandbox serves the CDP sandbox in-process on a loopback port until ctx ends and
// returns the client configuration that reaches it. Customers it onboards are kept under the
// data folder in the embedded default, so a second `make run` still finds them.
func startSandbox(ctx context.Context, log *slog.Logger, cfg config.Config, c cdp.Config) (cdp.Config, error) {
	sbCfg := cfg.Sandbox
	if cfg.Embedded() && sbCfg.StorePath == "" {
		sbCfg.StorePath = filepath.Join(cfg.DataDir, "cdp-sandbox.json")
	}
	if cfg.Embedded() && sbCfg.CallbackURL == "" {
		sbCfg.CallbackURL = ownCallbackURL(cfg)
	}
	sb, err := sandbox.New(sbCfg)
	if err != nil {
		return c, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return c, err
	}
	srv := newHTTPServer(sb, log)
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("CDP sandbox stopped", "error", err.Error())
		}
	}()
	log.Info("CDP sandbox in use", "addr", ln.Addr().String())
	c.BaseURL = "http://" + ln.Addr().String()
	return c.WithSandboxDefaults(), nil
}

// newCDPClient connects the portal to the CDP, or to the sandbox standing in for it.
func newCDPClient(
	ctx context.Context, log *slog.Logger, cfg config.Config, c cdp.Config, useSandbox bool, reg prometheus.Registerer,
) (*cdp.Client, error) {
	if useSandbox {
		var err error
		if c, err = startSandbox(ctx, log, cfg, c); err != nil {
			return nil, err
		}
	}
	return cdp.New(c, cdp.Options{Registerer: reg, Logger: log})
}

// ownCallbackURL is the portal's AML alert closure route at its own listening address.
func ownCallbackURL(cfg config.Config) string {
	scheme := "http"
	if cfg.TLS() {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + cdp.CallbackPath
}
