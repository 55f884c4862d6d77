package cdp_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/sandbox"
)

const secret = "callback-secret"

var signedAt = time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)

func TestVerifyCallback(t *testing.T) {
	t.Parallel()
	body := []byte(`{"ecrn":"7841004455667788","aml_scan_status":"Accepted"}`)
	ts, sig := cdp.SignCallback(secret, signedAt, body)
	for name, tc := range map[string]struct {
		secret, ts, sig string
		body            []byte
		now             time.Time
		want            error
	}{
		"signed now":           {secret, ts, sig, body, signedAt, nil},
		"5 minutes late":       {secret, ts, sig, body, signedAt.Add(5 * time.Minute), nil},
		"5 minutes early":      {secret, ts, sig, body, signedAt.Add(-5 * time.Minute), nil},
		"too late":             {secret, ts, sig, body, signedAt.Add(5*time.Minute + time.Second), cdp.ErrCallbackStale},
		"too early":            {secret, ts, sig, body, signedAt.Add(-5*time.Minute - time.Second), cdp.ErrCallbackStale},
		"no timestamp":         {secret, "", sig, body, signedAt, cdp.ErrCallbackStale},
		"body changed":         {secret, ts, sig, append(body, ' '), signedAt, cdp.ErrCallbackSignature},
		"timestamp changed":    {secret, strconv.FormatInt(signedAt.Unix()+1, 10), sig, body, signedAt, cdp.ErrCallbackSignature},
		"other secret":         {"other", ts, sig, body, signedAt, cdp.ErrCallbackSignature},
		"no sha256= prefix":    {secret, ts, sig[len("sha256="):], body, signedAt, cdp.ErrCallbackSignature},
		"not hex":              {secret, ts, "sha256=zz", body, signedAt, cdp.ErrCallbackSignature},
		"no secret configured": {"", ts, sig, body, signedAt, cdp.ErrCallbackNoSecret},
		"empty signature":      {secret, ts, "", body, signedAt, cdp.ErrCallbackSignature},
	} {
		t.Run(name, func(t *testing.T) {
			if err := cdp.VerifyCallback(tc.secret, tc.ts, tc.sig, tc.body, tc.now); !errors.Is(err, tc.want) {
				t.Fatalf("got %v; want %v", err, tc.want)
			}
		})
	}
}

// FuzzVerifyCallback: never a panic, and never an acceptance that the recipe of docs/cdp.md
// ("Our proposal to the CDP"), computed here on its own, would refuse. Hex is compared as
// bytes: its case carries nothing.
func FuzzVerifyCallback(f *testing.F) {
	f.Fuzz(func(t *testing.T, secret, ts, sig string, body []byte, nowUnix int64) {
		now := time.Unix(nowUnix, 0)
		if cdp.VerifyCallback(secret, ts, sig, body, now) != nil {
			return
		}
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(ts + "." + string(body)))
		got, hexErr := hex.DecodeString(strings.TrimPrefix(sig, "sha256="))
		sent, tsErr := strconv.ParseInt(ts, 10, 64)
		if secret == "" || !strings.HasPrefix(sig, "sha256=") || hexErr != nil || !bytes.Equal(got, m.Sum(nil)) ||
			tsErr != nil || now.Sub(time.Unix(sent, 0)).Abs() > 5*time.Minute {
			t.Fatalf("accepted secret %q ts %q sig %q at %v", secret, ts, sig, now)
		}
	})
}

// The sandbox's admin endpoint closes an alert: the portal receives a callback that verifies,
// and the customer's lookup follows the new status.
func TestAlertClosureCallback(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		received []cdp.AlertClosure
		verified []error
	)
	var h *harness
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := cdp.VerifyCallback(
			h.cdpCfg.CallbackSecret,
			r.Header.Get(cdp.HeaderCallbackTimestamp),
			r.Header.Get(cdp.HeaderCallbackSignature),
			body,
			h.clock.Now(),
		)
		var c cdp.AlertClosure
		if jerr := json.Unmarshal(body, &c); jerr != nil {
			err = errors.Join(err, jerr)
		}
		mu.Lock()
		received, verified = append(received, c), append(verified, err)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(portal.Close)
	h = newHarness(t, withSandbox(func(c *sandbox.Config) { c.CallbackURL = portal.URL + cdp.CallbackPath }))

	check(t, h.client.Lookup(t.Context(), "4", "784196645678903"), want{cdp.UnderInvestigation, 200, 45013})
	answer := closeAlert(t, h, `{"ecrn":"`+investigation+`","aml_scan_status":"Accepted","customer_status":"ACTIVE"}`)
	if answer.CallbackStatus != http.StatusOK {
		t.Fatalf("admin answer %+v", answer)
	}
	sent := cdp.AlertClosure{ECRN: investigation, AMLScanStatus: "Accepted", CustomerStatus: "ACTIVE"}
	if len(received) != 1 || verified[0] != nil || received[0] != sent {
		t.Fatalf("portal received %+v (verify: %v); want %+v", received, verified, sent)
	}
	check(t, h.client.Lookup(t.Context(), "4", "784196645678903"), want{cdp.Found, 200, 0})
}

type alertAnswer struct {
	CallbackStatus int `json:"callback_status"`
}

func closeAlert(t *testing.T, h *harness, body string) alertAnswer {
	t.Helper()
	resp, err := http.Post(h.cdpCfg.BaseURL+sandbox.AlertClosePath, "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a alertAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("admin endpoint: HTTP %d, %v", resp.StatusCode, err)
	}
	return a
}
