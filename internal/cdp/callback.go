package cdp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// The AML alert closure callback (docs/cdp.md): the CDP POSTs an AlertClosure to the portal,
// signed with the shared CDP_CALLBACK_SECRET.
const (
	CallbackPath            = "/cdp/callbacks/aml-alert-closure"
	HeaderCallbackTimestamp = "X-CDP-Timestamp" // Unix seconds
	HeaderCallbackSignature = "X-CDP-Signature" // sha256=<hex HMAC-SHA256 of timestamp + "." + body>
	CallbackMaxSkew         = 5 * time.Minute
)

// AlertClosure is the callback's body: ecrn, aml_scan_status and customer_status as the
// contract evidences them; alert_id and closed_at when the CDP sends them.
type AlertClosure struct {
	ECRN           string     `json:"ecrn"`
	AMLScanStatus  string     `json:"aml_scan_status"`
	CustomerStatus string     `json:"customer_status"`
	AlertID        string     `json:"alert_id,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
}

var (
	ErrCallbackNoSecret  = errors.New("cdp callback: no callback secret configured")
	ErrCallbackStale     = errors.New("cdp callback: timestamp missing or more than 5 minutes away")
	ErrCallbackSignature = errors.New("cdp callback: signature does not match")
)

// SignCallback returns the two header values that sign body at time at.
func SignCallback(secret string, at time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(at.Unix(), 10)
	return timestamp, "sha256=" + hex.EncodeToString(callbackMAC(secret, timestamp, body))
}

// ReplayKey names one signed delivery: a hash of its timestamp and body. Within the allowed
// skew the same signed request can only be replayed whole, so the receiver refuses a key it
// has seen; outside it the timestamp is refused.
func ReplayKey(timestamp string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(timestamp + "."))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyCallback checks the headers of a callback received at now. The replay check is the
// receiver's, which keeps the ReplayKey of each delivery it applied.
func VerifyCallback(secret, timestamp, signature string, body []byte, now time.Time) error {
	if secret == "" {
		return ErrCallbackNoSecret
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	skew := int64(CallbackMaxSkew / time.Second)
	if err != nil || ts < now.Unix()-skew || ts > now.Unix()+skew {
		return ErrCallbackStale
	}
	got, err := hex.DecodeString(strings.TrimPrefix(signature, "sha256="))
	if err != nil || !strings.HasPrefix(signature, "sha256=") || !hmac.Equal(got, callbackMAC(secret, timestamp, body)) {
		return ErrCallbackSignature
	}
	return nil
}

func callbackMAC(secret, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp + "."))
	m.Write(body)
	return m.Sum(nil)
}
