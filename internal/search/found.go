package search

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"kycportal/internal/session"
	"kycportal/internal/store"
)

// MaxFound is how many customers a session keeps as found, the newest: the customer page
// opens only for them, so an ECRN cannot be guessed into a view.
const MaxFound = 10

// ErrNotFound: the session did not find that customer (or cannot read what it found).
var ErrNotFound = errors.New("search: not a customer this session found")

// Remember records that the session of scope found the customer ecrn by doc. The number is
// sealed under the scope's key, with the ECRN as associated data.
func (s *Service) Remember(ctx context.Context, scope session.Scope, ecrn string, doc Document) error {
	aead, err := sealer(scope)
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	f := store.FoundCustomer{ECRN: ecrn, Country: doc.Country, IDType: doc.IDType, IssuedCountry: doc.IssuedCountry,
		NumberSealed: aead.Seal(nonce, nonce, []byte(doc.Number), []byte(ecrn)), FoundAt: s.Now()}
	return store.RememberFound(ctx, s.DB.Pool, scope.ID, f, MaxFound)
}

// Found is the document by which the session of scope found the customer ecrn, or ErrNotFound.
func (s *Service) Found(ctx context.Context, scope session.Scope, ecrn string) (Document, error) {
	f, err := store.FoundByECRN(ctx, s.DB.Pool, scope.ID, ecrn)
	if errors.Is(err, store.ErrNotFound) {
		return Document{}, ErrNotFound
	}
	if err != nil {
		return Document{}, err
	}
	aead, err := sealer(scope)
	if err != nil {
		return Document{}, err
	}
	n := aead.NonceSize()
	if len(f.NumberSealed) < n {
		return Document{}, fmt.Errorf("%w: sealed number too short", ErrNotFound)
	}
	number, err := aead.Open(nil, f.NumberSealed[:n], f.NumberSealed[n:], []byte(ecrn))
	if err != nil {
		return Document{}, fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	return Document{Country: f.Country, IDType: f.IDType, IssuedCountry: f.IssuedCountry, Number: string(number)}, nil
}

func sealer(scope session.Scope) (cipher.AEAD, error) {
	block, err := aes.NewCipher(scope.Key[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
