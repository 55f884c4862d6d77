package main

import (
	"context"
	"fmt"
	"os"
)

func runMigrate(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: portal migrate takes no arguments", errUsage)
	}
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		return err
	}
	db, closeDB, err := openDB(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer closeDB()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("%d migration(s) applied; schema is current\n", n)
	return nil
}
