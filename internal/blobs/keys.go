package blobs

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"kycportal/internal/store"
)

// KeySize is the size of every key: AES-256.
const KeySize = 32

// ParseKey reads a key-encryption key written as 64 hexadecimal characters
// (`openssl rand -hex 32`).
func ParseKey(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != KeySize {
		return nil, errors.New("not 64 hexadecimal characters (openssl rand -hex 32 makes one)")
	}
	return b, nil
}

// NewKey makes a random key-encryption key, as ParseKey reads it.
func NewKey() string {
	b := make([]byte, KeySize)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// ParseKeyring builds a keyring from keys written as ParseKey reads them: the current one,
// then the previous ones; empty ones are left out.
func ParseKeyring(current string, previous ...string) (*Keyring, error) {
	var keys [][]byte
	for _, s := range append([]string{current}, previous...) {
		if s == "" {
			continue
		}
		k, err := ParseKey(s)
		if err != nil {
			return nil, fmt.Errorf("documents key: %w", err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 || current == "" {
		return nil, errors.New("documents key: none configured")
	}
	return NewKeyring(keys[0], keys[1:]...)
}

type kek struct {
	id   string
	aead cipher.AEAD
}

// Keyring holds the current key-encryption key, which wraps every new data key, and the
// previous ones, which still unwrap data keys until a rotation re-wraps them.
type Keyring struct {
	current kek
	byID    map[string]kek
}

// NewKeyring builds a keyring from the current key and any previous ones.
func NewKeyring(current []byte, previous ...[]byte) (*Keyring, error) {
	k := &Keyring{byID: map[string]kek{}}
	for i, key := range append([][]byte{current}, previous...) {
		e, err := newKEK(key)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			k.current = e
		}
		k.byID[e.id] = e
	}
	return k, nil
}

func newKEK(key []byte) (kek, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return kek{}, err
	}
	// The id names the key without revealing it: a hash of the key under a fixed label.
	sum := sha256.Sum256(append([]byte("kycportal documents key id\x00"), key...))
	return kek{id: hex.EncodeToString(sum[:8]), aead: aead}, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("blobs: a key has %d bytes, not %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// CurrentID names the key that wraps new data keys.
func (k *Keyring) CurrentID() string { return k.current.id }

// wrap encrypts a data key under the current key, bound to the blob it opens.
func (k *Keyring) wrap(blobKey string, dataKey []byte) (string, []byte) {
	return k.current.id, seal(k.current.aead, dataKey, []byte(blobKey))
}

// unwrap opens a data key wrapped under the key kekID.
func (k *Keyring) unwrap(blobKey, kekID string, wrapped []byte) ([]byte, error) {
	e, ok := k.byID[kekID]
	if !ok {
		return nil, fmt.Errorf("blobs: %s is wrapped by key %s, which is not configured "+
			"(PORTAL_DOCUMENTS_KEY or PORTAL_DOCUMENTS_PREVIOUS_KEY)", blobKey, kekID)
	}
	dataKey, err := open(e.aead, bytes.Clone(wrapped), []byte(blobKey)) // the caller's row stays as it was
	if err != nil {
		return nil, fmt.Errorf("blobs: the data key of %s does not open: %w", blobKey, err)
	}
	return dataKey, nil
}

// seal encrypts with a random nonce, which leads the result.
func seal(aead cipher.AEAD, plain, extra []byte) []byte {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, extra)
}

// open decrypts sealed in place: the plain text takes the place of the cipher text, so that
// reading a document makes no second copy of it.
func open(aead cipher.AEAD, sealed, extra []byte) ([]byte, error) {
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("too short")
	}
	n := aead.NonceSize()
	return aead.Open(sealed[n:n], sealed[:n], sealed[n:], extra)
}

// Ephemeral is a documents store in PostgreSQL under a random key that only this process
// knows: for tests and benchmarks, whose documents need not outlive them.
func Ephemeral() *Documents {
	keys, err := ParseKeyring(NewKey())
	if err != nil {
		panic(err) // a fresh key always parses
	}
	return &Documents{Store: store.PGBlobs{}, Keys: keys}
}
