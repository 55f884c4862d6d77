package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ErrNoSecretsKey refuses to store a second-factor secret when no key can encrypt it.
var ErrNoSecretsKey = errors.New(
	"no PORTAL_SECRETS_KEY is configured: second-factor secrets cannot be stored encrypted",
)

// sealedPrefix marks a secret encrypted by a Sealer (and the format's version).
const sealedPrefix = "v1:"

// Sealer encrypts second-factor secrets at rest: AES-256-GCM under the SHA-256 of the
// configured key, the account's id as additional data so a sealed secret cannot be moved to
// another account.
type Sealer struct{ aead cipher.AEAD }

// NewSealer makes the sealer of key (PORTAL_SECRETS_KEY, at least 32 characters).
func NewSealer(key string) (*Sealer, error) {
	sum := sha256.Sum256([]byte(key))
	block, err := aes.NewCipher(sum[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts the secret of account id. A nil Sealer refuses.
func (s *Sealer) Seal(id int64, secret string) (string, error) {
	if s == nil {
		return "", ErrNoSecretsKey
	}
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce) // never fails (crypto/rand)
	out := s.aead.Seal(nonce, nonce, []byte(secret), additionalData(id))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal made. A secret stored before encryption (no prefix) is returned as
// it is: serve seals those at start (SealPlainSecrets), so one is met only without a key.
func (s *Sealer) Open(id int64, stored string) (string, error) {
	body, sealed := strings.CutPrefix(stored, sealedPrefix)
	if !sealed {
		return stored, nil
	}
	if s == nil {
		return "", ErrNoSecretsKey
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", fmt.Errorf("auth: sealed secret of user %d is malformed", id)
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], additionalData(id))
	if err != nil {
		return "", fmt.Errorf("auth: sealed secret of user %d does not open under this key", id)
	}
	return string(plain), nil
}

func additionalData(id int64) []byte { return fmt.Appendf(nil, "totp:%d", id) }

// IsSealed tells whether a stored secret is encrypted.
func IsSealed(stored string) bool { return strings.HasPrefix(stored, sealedPrefix) }
