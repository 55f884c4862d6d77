package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"kycportal/internal/config"
	"kycportal/internal/pgcluster"
	"kycportal/internal/store"
)

// embeddedDatabase is the database of the private cluster of `make run`.
const embeddedDatabase = "portal"

// openDB connects to DATABASE_URL or, in the embedded default, to the private cluster under
// the data folder, starting it when it is not running. close disconnects, and stops the
// cluster when this call started it or when stopCluster asks for it (serve owns it).
func openDB(ctx context.Context, cfg config.Config, stopCluster bool) (db *store.DB, close func(), err error) {
	url := cfg.DatabaseURL
	var cluster *pgcluster.Cluster
	if cfg.Embedded() {
		cluster, err = pgcluster.Start(ctx, filepath.Join(cfg.DataDir, "postgres"), pgcluster.Options{})
		if err != nil {
			return nil, nil, err
		}
		if err := cluster.EnsureDatabase(ctx, embeddedDatabase); err != nil {
			return nil, nil, err
		}
		url = cluster.URL(embeddedDatabase)
	}
	db, err = store.Open(ctx, url)
	if err != nil {
		return nil, nil, fmt.Errorf("database: %w", err)
	}
	return db, func() {
		db.Close()
		if cluster != nil && (cluster.Started || stopCluster) {
			if err := cluster.Stop(context.Background()); err != nil {
				fmt.Fprintln(os.Stderr, "portal:", err)
			} else {
				fmt.Fprintln(os.Stderr, "portal: database cluster stopped")
			}
		}
	}, nil
}

// loadConfig reads the environment, naming every malformed variable.
func loadConfig(getenv func(string) string) (config.Config, error) {
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return cfg, fmt.Errorf("configuration refused:\n%w", err)
	}
	return cfg, nil
}

// withDB runs fn with the configuration and database of an administrative command.
func withDB(ctx context.Context, fn func(config.Config, *store.DB) error) error {
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		return err
	}
	db, closeDB, err := openDB(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer closeDB()
	return fn(cfg, db)
}
