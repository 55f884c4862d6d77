package main

import (
	"context"
	"fmt"

	"kycportal/internal/audit"
	"kycportal/internal/config"
	"kycportal/internal/store"
)

func runAudit(ctx context.Context, args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return fmt.Errorf("%w: portal audit verify", errUsage)
	}
	return withDB(ctx, func(_ config.Config, db *store.DB) error {
		return verifyChain(ctx, db)
	})
}

func verifyChain(ctx context.Context, db *store.DB) error {
	res, err := audit.Verify(ctx, db.Pool, "")
	if err != nil {
		return err
	}
	if !res.OK() {
		fmt.Printf("audit chain BROKEN at event %d: %s (%d events verified before it)\n", res.BrokenID, res.Problem, res.Verified)
		return fmt.Errorf("audit chain broken at event %d", res.BrokenID)
	}
	fmt.Printf("audit chain intact: %d events verified\n", res.Verified)
	return nil
}
