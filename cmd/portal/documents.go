package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kycportal/internal/blobs"
	"kycportal/internal/config"
	"kycportal/internal/store"
)

// errNoDocumentsKey keeps a production deployment from encrypting documents under a key
// nobody keeps: they would be lost with it.
var errNoDocumentsKey = errors.New("configuration refused:\nPORTAL_DOCUMENTS_KEY: required when DATABASE_URL is set " +
	"(or PORTAL_DOCUMENTS_KEY_FILE; 64 hexadecimal characters, e.g. from `openssl rand -hex 32`)")

// The embedded default keeps its documents keys in the data folder, owner-only; the
// previous one exists only while a rotation is under way.
const (
	documentsKeyFile         = "documents.key"
	documentsPreviousKeyFile = "documents-previous.key"
)

// loadKeyring is the configured documents keys or, in the embedded default, the ones kept
// in the data folder (the current one made on the first run).
func loadKeyring(cfg config.Config) (*blobs.Keyring, error) {
	current, previous := cfg.DocumentsKey, cfg.DocumentsPreviousKey
	if current == "" {
		if !cfg.Embedded() {
			return nil, errNoDocumentsKey
		}
		kept, err := keptSecret(filepath.Join(cfg.DataDir, documentsKeyFile), newDocumentsKey)
		if err != nil {
			return nil, err
		}
		current = string(kept)
		if previous, err = readKeyFile(filepath.Join(cfg.DataDir, documentsPreviousKeyFile)); err != nil {
			return nil, err
		}
	}
	return blobs.ParseKeyring(current, previous)
}

// readKeyFile reads a key file; a missing one is an empty key.
func readKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- a fixed name in the configured data folder
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	return strings.TrimSpace(string(b)), err
}

// openBlobs is the documents' store of the configuration: encrypted, in PostgreSQL or S3.
func openBlobs(ctx context.Context, cfg config.Config) (*blobs.Documents, error) {
	keys, err := loadKeyring(cfg)
	if err != nil {
		return nil, err
	}
	var raw blobs.Store = store.PGBlobs{}
	if cfg.BlobStore == "s3" {
		s3, err := openS3(ctx, cfg)
		if err != nil {
			return nil, err
		}
		raw = blobs.Moving{To: s3}
	}
	return &blobs.Documents{Store: raw, Keys: keys}, nil
}

func openS3(ctx context.Context, cfg config.Config) (*blobs.S3, error) {
	c := cfg.S3
	return blobs.NewS3(ctx, blobs.S3Config{Endpoint: c.Endpoint, Bucket: c.Bucket, Region: c.Region,
		AccessKey: c.AccessKey, SecretKey: c.SecretKey})
}

// sweepBlobs removes orphaned blobs every hour, for as long as the portal serves.
func sweepBlobs(ctx context.Context, log *slog.Logger, db *store.DB, s blobs.Store) {
	every(ctx, time.Hour, func() {
		n, err := s.Sweep(ctx, db.Pool, time.Now().Add(-blobs.SweepGrace))
		if err != nil {
			log.Warn("blob sweep failed", "error", err.Error())
		}
		if n > 0 {
			log.Info("orphaned blobs removed", "count", n)
		}
	})
}

// runDocuments is `portal documents rotate-key`.
func runDocuments(ctx context.Context, args []string) error {
	if len(args) != 1 || args[0] != "rotate-key" {
		return fmt.Errorf("%w: portal documents rotate-key", errUsage)
	}
	return withDB(ctx, func(cfg config.Config, db *store.DB) error {
		if cfg.DocumentsKey == "" && cfg.Embedded() {
			if err := newEmbeddedKey(cfg.DataDir); err != nil {
				return err
			}
		}
		keys, err := loadKeyring(cfg)
		if err != nil {
			return err
		}
		n, err := keys.Rotate(ctx, db)
		fmt.Printf("documents: %d data key(s) re-wrapped under key %s\n", n, keys.CurrentID())
		if err != nil || cfg.DocumentsKey != "" {
			return err
		}
		return os.Remove(filepath.Join(cfg.DataDir, documentsPreviousKeyFile))
	})
}

// newEmbeddedKey makes a new current key in the data folder and keeps the old one as the
// previous key, unless a rotation that was interrupted already did.
func newEmbeddedKey(dir string) error {
	current, previous := filepath.Join(dir, documentsKeyFile), filepath.Join(dir, documentsPreviousKeyFile)
	if _, err := os.Stat(previous); err == nil {
		return nil
	}
	if err := os.Rename(current, previous); err != nil {
		return err
	}
	_, err := keptSecret(current, newDocumentsKey)
	return err
}

func newDocumentsKey() (string, error) { return blobs.NewKey(), nil }

// runBlobs is `portal blobs migrate --to s3` and `portal blobs sweep`.
func runBlobs(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: portal blobs migrate --to s3 | sweep", errUsage)
	}
	switch args[0] {
	case "migrate":
		return blobsMigrate(ctx, args[1:])
	case "sweep":
		return withDB(ctx, func(cfg config.Config, db *store.DB) error {
			docs, err := openBlobs(ctx, cfg)
			if err != nil {
				return err
			}
			n, err := docs.Store.Sweep(ctx, db.Pool, time.Now().Add(-blobs.SweepGrace))
			fmt.Printf("blobs: %d orphan(s) removed\n", n)
			return err
		})
	}
	return fmt.Errorf("%w: unknown blobs command %q", errUsage, args[0])
}

func blobsMigrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("blobs migrate", flag.ContinueOnError)
	to := fs.String("to", "", "the store to move PostgreSQL's blobs to: s3")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *to != "s3" {
		return fmt.Errorf("%w: portal blobs migrate --to s3 (the only store to move to)", errUsage)
	}
	return withDB(ctx, func(cfg config.Config, db *store.DB) error {
		if cfg.BlobStore != "s3" {
			return errors.New("blobs migrate: set PORTAL_BLOB_STORE=s3 and the PORTAL_S3_* settings (docs/deploy.md)")
		}
		s3, err := openS3(ctx, cfg)
		if err != nil {
			return err
		}
		n, err := blobs.Migrate(ctx, db, s3, func(string) {})
		fmt.Printf("blobs: %d moved to S3, each read back and compared\n", n)
		return err
	})
}

// holdObjects mirrors the legal holds on a customer onto the objects of their documents,
// when these are in an S3 bucket with object lock: held while any active hold names them.
func holdObjects(ctx context.Context, cfg config.Config, db *store.DB, h store.LegalHold) error {
	if cfg.BlobStore != "s3" {
		return nil
	}
	s3, err := openS3(ctx, cfg)
	if err != nil {
		return err
	}
	keys, held, err := store.HeldBlobs(ctx, db.Pool, h)
	for _, key := range keys {
		if err != nil {
			break
		}
		err = s3.Hold(ctx, key, held)
	}
	if err == nil && len(keys) > 0 {
		state := "off"
		if held {
			state = "on"
		}
		fmt.Printf("object lock: legal hold %s on %d object(s)\n", state, len(keys))
	}
	return err
}
