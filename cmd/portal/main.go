// Command portal is the KYC agent portal: `portal serve` runs the web back office; the other
// subcommands administer it. Run `portal help` for the list.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

type command struct {
	run  func(ctx context.Context, args []string) error
	help string
}

var commands = map[string]command{
	"serve":       {runServe, "run the portal (the default)"},
	"migrate":     {runMigrate, "apply pending database migrations"},
	"user":        {runUser, "manage accounts: add, disable, enable, list, totp"},
	"branch":      {runBranch, "the branch registry: add, list, disable"},
	"audit":       {runAudit, "audit verify|checkpoint|prove|verify-pack: check and prove the audit log"},
	"retention":   {runRetention, "retention purge [--dry-run], hold, release, holds"},
	"cdp-sandbox": {runCDPSandbox, "run the CDP sandbox alone (--addr 127.0.0.1:9090)"},
	"seed":        {runSeed, "seed --customers N --audit N: synthetic data for demos and benchmarks"},
	"documents":   {runDocuments, "documents rotate-key: re-wrap every data key under PORTAL_DOCUMENTS_KEY"},
	"blobs":       {runBlobs, "blobs migrate --to s3 | sweep: move documents to S3; remove orphaned ones"},
	"config":      {runConfig, "config check: the effective configuration, secrets redacted"},
}

// errUsage marks a mistake in the command line: exit code 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:])
	switch {
	case err == nil:
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	name := "serve"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		printHelp()
		if name == "help" || name == "-h" || name == "--help" {
			return nil
		}
		return fmt.Errorf("%w: unknown command %q", errUsage, name)
	}
	return cmd.run(ctx, args)
}

func printHelp() {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(os.Stderr, "usage: portal <command> [flags]\n\ncommands:")
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-12s %s\n", n, commands[n].help)
	}
}
