package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// totpIssuer names the portal in authenticator apps.
const totpIssuer = "KYC agent portal"

// ErrWrongCode refuses an enrolment whose confirming code does not match the new secret.
var ErrWrongCode = errors.New("that code is not right: enter the code your app shows now")

// RecoveryCodes is how many one-time recovery codes an enrolment gives.
const RecoveryCodes = 10

// NewTOTPKey makes a new second-factor secret for username, not yet saved.
func NewTOTPKey(username string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: username})
}

// TOTPKey rebuilds the key of a secret kept during enrolment.
func TOTPKey(username, secret string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: username, Secret: decodeSecret(secret)})
}

func decodeSecret(secret string) []byte {
	b, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(secret, "="))
	return b
}

// QRCode draws key's otpauth:// address as a PNG, for the enrolment page.
func QRCode(key *otp.Key) ([]byte, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = png.Encode(&buf, img)
	return buf.Bytes(), err
}

// ConfirmTOTP saves secret as u's second factor once code shows the app holds it, encrypted,
// with new recovery codes (their hashes); it returns the codes, to be shown once.
func (s *Service) ConfirmTOTP(ctx context.Context, u store.User, secret, code string) ([]string, error) {
	if !s.validOTP(secret, code) {
		return nil, ErrWrongCode
	}
	sealed, err := s.Secrets.Seal(u.ID, secret)
	if err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err = audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		if err := store.SetTOTPSecret(ctx, tx, u.ID, sealed); err != nil {
			return audit.Event{}, err
		}
		return userEvent(
				audit.UserTOTPSet,
				u.ID,
				"enrolled by the user",
				nil,
				nil,
			), store.ReplaceRecoveryCodes(
				ctx,
				tx,
				u.ID,
				hashes,
			)
	})
	return codes, err
}

// newRecoveryCodes makes codes of 80 random bits, written as four groups of four, and their hashes.
func newRecoveryCodes() ([]string, [][]byte) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	codes, hashes := make([]string, RecoveryCodes), make([][]byte, RecoveryCodes)
	for i := range codes {
		b := make([]byte, 10)
		_, _ = rand.Read(b) // never fails (crypto/rand)
		c := strings.ToLower(enc.EncodeToString(b))
		codes[i] = c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
		hashes[i] = recoveryHash(codes[i])
	}
	return codes, hashes
}

// recoveryHash hashes a code as typed, without its dashes, spaces or case.
func recoveryHash(code string) []byte {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	h := sha256.Sum256([]byte(c))
	return h[:]
}

// CheckCode checks a code of u's authenticator app (or a recovery code) under the sign-in
// throttling, as CheckPassword does a password, recording failure when it is wrong: the
// step-up of a user who signed in through the identity provider and has no password.
func (s *Service) CheckCode(ctx context.Context, u store.User, code string, failure audit.Event) error {
	address := audit.ActorFrom(ctx).ClientIP
	if err := s.throttle(ctx, u.Username, address); err != nil {
		return err
	}
	ok := false
	if u.TOTPSecret != "" && code != "" && len(code) <= 24 {
		var err error
		if ok, err = s.secondFactor(ctx, u, code); err != nil {
			return err
		}
	}
	if !ok {
		failure.Reason = ErrBadCredentials.Error()
		return s.fail(ctx, u.Username, address, refusal{failure, ErrBadCredentials})
	}
	return store.ClearLoginFailures(ctx, s.DB.Pool, pairKey(u.Username, address))
}

// secondFactor checks a code of u's authenticator app, or else spends one of its recovery codes.
func (s *Service) secondFactor(ctx context.Context, u store.User, code string) (bool, error) {
	secret, err := s.Secrets.Open(u.ID, u.TOTPSecret)
	if err != nil {
		return false, err
	}
	if s.validOTP(secret, code) {
		return true, nil
	}
	if len(code) < 16 {
		return false, nil
	}
	return store.UseRecoveryCode(ctx, s.DB.Pool, u.ID, recoveryHash(code))
}

// SealPlainSecrets encrypts the second-factor secrets stored before encryption at rest; serve
// runs it at every start, after the migrations, and it finds nothing to do once done.
func SealPlainSecrets(ctx context.Context, db *store.DB, secrets *Sealer) (int, error) {
	if secrets == nil {
		return 0, nil
	}
	plain, err := store.PlainTOTPSecrets(ctx, db.Pool, sealedPrefix)
	if err != nil {
		return 0, err
	}
	for _, p := range plain {
		sealed, err := secrets.Seal(p.UserID, p.Secret)
		if err != nil {
			return 0, err
		}
		if err := store.SetTOTPSecret(ctx, db.Pool, p.UserID, sealed); err != nil {
			return 0, fmt.Errorf("seal the second factor of user %d: %w", p.UserID, err)
		}
	}
	return len(plain), nil
}
