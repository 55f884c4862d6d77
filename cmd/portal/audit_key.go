package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/config"
)

// errNoAuditKey keeps a production deployment from hashing ID numbers under a key nobody
// keeps: the audit trail's references to them would be lost with it.
var errNoAuditKey = errors.New("configuration refused:\nPORTAL_AUDIT_HMAC_KEY: required when DATABASE_URL is set " +
	"(or PORTAL_AUDIT_HMAC_KEY_FILE; at least 32 characters, e.g. from `openssl rand -hex 32`)")

// auditKeyFile holds the key of the embedded default, made on the first run, owner-only.
const auditKeyFile = "audit-hmac.key"

// errNoSigningKey: checkpoints signed by a key nobody keeps could not be checked later.
var errNoSigningKey = errors.New("configuration refused:\n" +
	"PORTAL_AUDIT_SIGNING_KEY: required when DATABASE_URL is set " +
	"(or PORTAL_AUDIT_SIGNING_KEY_FILE; `portal audit keygen` makes one)")

// signingKeyFile holds the audit log's signing key of the embedded default, owner-only.
const signingKeyFile = "audit-signing.key"

// loadSigningKey is the configured checkpoint signing key or, in the embedded default, the
// one kept in the data folder, made on the first run.
func loadSigningKey(cfg config.Config) (*audit.Key, error) {
	private := cfg.AuditSigningKey
	if private == "" {
		if !cfg.Embedded() {
			return nil, errNoSigningKey
		}
		b, err := keptSecret(filepath.Join(cfg.DataDir, signingKeyFile), audit.NewKey)
		if err != nil {
			return nil, err
		}
		private = string(b)
	}
	key, err := audit.ParseKey(private)
	if err != nil {
		return nil, fmt.Errorf("configuration refused:\nPORTAL_AUDIT_SIGNING_KEY: %w", err)
	}
	return key, nil
}

// loadAuditKey is the configured key or, in the embedded default, the one kept in the data
// folder: the same on every run, so that later hashes still match earlier ones.
func loadAuditKey(cfg config.Config) ([]byte, error) {
	if cfg.AuditHMACKey != "" {
		return []byte(cfg.AuditHMACKey), nil
	}
	return keptSecret(filepath.Join(cfg.DataDir, auditKeyFile), randomHexKey)
}

// randomHexKey is 32 random bytes in hex.
func randomHexKey() (string, error) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b), nil
}

// secretsKeyFile holds the key that encrypts second-factor secrets in the embedded default.
const secretsKeyFile = "secrets.key"

// loadSecrets is the sealer of second-factor secrets: under PORTAL_SECRETS_KEY or, in the
// embedded default, a key made once into the data folder; nil with DATABASE_URL and no key
// (then no second factor can be enrolled, and serve says so).
func loadSecrets(cfg config.Config) (*auth.Sealer, error) {
	key := cfg.SecretsKey
	if key == "" && cfg.Embedded() {
		b, err := keptSecret(filepath.Join(cfg.DataDir, secretsKeyFile), randomHexKey)
		if err != nil {
			return nil, err
		}
		key = string(b)
	}
	if key == "" {
		return nil, nil
	}
	return auth.NewSealer(key)
}

// keptSecret reads the secret kept at path or, the first time, makes one and keeps it,
// owner-only.
func keptSecret(path string, newSecret func() (string, error)) ([]byte, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- a fixed name in the configured data folder
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return []byte(strings.TrimSpace(string(b))), err
	}
	key, err := newSecret()
	if err != nil {
		return nil, err
	}
	// O_EXCL: two first runs at once cannot each keep their own key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- as above
	if err != nil {
		return nil, err
	}
	defer f.Close()
	_, err = f.WriteString(key + "\n")
	return []byte(key), err
}
