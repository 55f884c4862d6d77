package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// IDRef names an identity-document number in the trail without holding it: its last four
// characters, which agents read back to a customer, and an HMAC-SHA256 under a server key,
// so that every event about one number is found by hashing the number again with the same
// key (the audit_events_id_hmac index). Without the key the hash cannot be tried against
// guessed numbers, which a plain hash of a 15-digit number could.
type IDRef struct {
	Last4 string `json:"id_last4"`
	HMAC  string `json:"id_hmac"`
}

// NewIDRef refers to a normalised number under key.
func NewIDRef(key []byte, number string) IDRef {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(number))
	return IDRef{Last4: number[max(0, len(number)-4):], HMAC: hex.EncodeToString(m.Sum(nil))}
}
