package main

import (
	"context"
	"fmt"

	"kycportal/internal/config"
	"kycportal/internal/store"
)

func runMigrate(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: portal migrate takes no arguments", errUsage)
	}
	return withDB(ctx, func(_ config.Config, db *store.DB) error {
		n, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("%d migration(s) applied; schema is current\n", n)
		return nil
	})
}
