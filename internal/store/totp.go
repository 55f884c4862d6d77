package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ReplaceRecoveryCodes gives a user a new set of recovery code hashes (none: removes them).
func ReplaceRecoveryCodes(ctx context.Context, q Querier, userID int64, hashes [][]byte) error {
	if _, err := q.Exec(ctx, `DELETE FROM totp_recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("store.ReplaceRecoveryCodes(%d): %w", userID, err)
	}
	for _, h := range hashes {
		if _, err := q.Exec(ctx, `INSERT INTO totp_recovery_codes (user_id, code_hash)
			VALUES ($1, $2)`, userID, h); err != nil {
			return fmt.Errorf("store.ReplaceRecoveryCodes(%d): %w", userID, err)
		}
	}
	return nil
}

// UseRecoveryCode marks an unused code of the user as used; false when there is none such.
func UseRecoveryCode(ctx context.Context, q Querier, userID int64, hash []byte) (bool, error) {
	tag, err := q.Exec(ctx, `UPDATE totp_recovery_codes SET used_at = now()
		WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`, userID, hash)
	if err != nil {
		return false, fmt.Errorf("store.UseRecoveryCode(%d): %w", userID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// PlainTOTPSecret is a second-factor secret stored before secrets were encrypted.
type PlainTOTPSecret struct {
	UserID int64
	Secret string
}

// PlainTOTPSecrets lists the secrets not yet encrypted (without the sealed prefix).
func PlainTOTPSecrets(ctx context.Context, q Querier, sealedPrefix string) ([]PlainTOTPSecret, error) {
	rows, err := q.Query(ctx, `SELECT id, totp_secret FROM users
		WHERE totp_secret IS NOT NULL AND NOT starts_with(totp_secret, $1)`, sealedPrefix)
	if err != nil {
		return nil, fmt.Errorf("store.PlainTOTPSecrets: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[PlainTOTPSecret])
	if err != nil {
		return nil, fmt.Errorf("store.PlainTOTPSecrets: %w", err)
	}
	return list, nil
}
