package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// FoundCustomer is a customer a session found by ID: the search package's own row. The ID
// number is sealed: only a request carrying the session's cookie can open it.
type FoundCustomer struct {
	ECRN          string
	Country       string
	IDType        string
	IssuedCountry string
	NumberSealed  []byte
	FoundAt       time.Time
}

// RememberFound records that the session found f, newest first, keeping the session's
// newest keep customers and dropping the rest.
func RememberFound(ctx context.Context, q Querier, sessionHash []byte, f FoundCustomer, keep int) error {
	_, err := q.Exec(ctx, `WITH saved AS (
			INSERT INTO search_found (session_hash, ecrn, country, id_type, issued_country, number_sealed, found_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (session_hash, ecrn) DO UPDATE SET country = excluded.country, id_type = excluded.id_type,
				issued_country = excluded.issued_country, number_sealed = excluded.number_sealed, found_at = excluded.found_at)
		DELETE FROM search_found WHERE session_hash = $1 AND ecrn <> $2 AND ecrn NOT IN (
			SELECT ecrn FROM search_found WHERE session_hash = $1 AND ecrn <> $2 ORDER BY found_at DESC, ecrn LIMIT $8)`,
		sessionHash, f.ECRN, f.Country, f.IDType, f.IssuedCountry, f.NumberSealed, f.FoundAt, keep-1)
	if err != nil {
		return fmt.Errorf("store.RememberFound: %w", err)
	}
	return nil
}

// FoundByECRN is the customer ecrn as the session found it, or ErrNotFound.
func FoundByECRN(ctx context.Context, q Querier, sessionHash []byte, ecrn string) (FoundCustomer, error) {
	f := FoundCustomer{ECRN: ecrn}
	err := q.QueryRow(ctx, `SELECT country, id_type, issued_country, number_sealed, found_at
		FROM search_found WHERE session_hash = $1 AND ecrn = $2`, sessionHash, ecrn).
		Scan(&f.Country, &f.IDType, &f.IssuedCountry, &f.NumberSealed, &f.FoundAt)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return f, fmt.Errorf("store.FoundByECRN: %w", err)
	}
	return f, nil
}
