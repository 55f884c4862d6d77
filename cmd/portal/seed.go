package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"kycportal/internal/audit"
	"kycportal/internal/config"
	"kycportal/internal/seed"
	"kycportal/internal/store"
)

// runSeed fills the portal's database with synthetic data for demos and benchmarks.
func runSeed(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	customers := fs.Int64("customers", 1000, "customers to make, each with a draft (and a submission when submitted)")
	events := fs.Int64("audit", 10000, "audit events to append to the trail")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *customers < 0 || *events < 0 {
		return fmt.Errorf(
			"%w: portal seed [--customers N] [--audit N] (the accounts' password on stdin, else one is generated)",
			errUsage,
		)
	}
	password, generated, err := readPassword(os.Stdin)
	if err != nil {
		return err
	}
	return withDB(ctx, func(cfg config.Config, db *store.DB) error {
		if _, err := db.Migrate(ctx); err != nil {
			return err
		}
		key, err := loadAuditKey(cfg)
		if err != nil {
			return err
		}
		signingKey, err := loadSigningKey(cfg)
		if err != nil {
			return err
		}
		_, err = seed.Run(ctx, db, seed.Options{Customers: *customers, AuditEvents: *events, Password: password,
			AuditKey: key, Log: os.Stderr})
		if err == nil { // the events enter the tree now, not in the first minutes of serve
			_, err = audit.SealAll(ctx, db.Pool, signingKey, 100_000)
		}
		if err == nil && generated {
			fmt.Printf(
				"seeded accounts (seed-agent-dxb-01-01, seed-supervisor-dxb-01-01, seed-admin-1, …) share the password: %s\n",
				password,
			)
		}
		return err
	})
}
