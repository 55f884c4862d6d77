package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"kycportal/internal/cdp/sandbox"
	"kycportal/internal/config"
)

// runCDPSandbox is `portal cdp-sandbox [--addr 127.0.0.1:9090] [knobs]`: the CDP sandbox on
// its own until ctx ends. Every knob defaults to its CDP_SANDBOX_* variable (see --help).
func runCDPSandbox(ctx context.Context, args []string) error {
	settings, err := loadConfig(os.Getenv)
	if err != nil {
		return err
	}
	cfg := settings.Sandbox
	fs := flag.NewFlagSet("cdp-sandbox", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:9090", "listen address")
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: portal cdp-sandbox takes flags only, not %q", errUsage, fs.Arg(0))
	}
	sb, err := sandbox.New(cfg)
	if err != nil {
		return err
	}
	return listenAndServe(ctx, slog.Default(), config.Config{Addr: *addr, ShutdownTimeout: 10 * time.Second}, sb)
}
