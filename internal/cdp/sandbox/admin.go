package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"kycportal/internal/cdp"
)

// AlertClosePath is the sandbox's admin endpoint, off the contract's paths. POST
// {"ecrn","aml_scan_status","customer_status","callback"}: the customer takes the statuses and
// the portal receives the signed AML alert closure callback, unless "callback" is false: a
// callback lost on its way, which the portal's checks of open cases must make up for.
const AlertClosePath = "/_sandbox/aml-alerts/close"

var (
	amlStatuses      = []string{"Accepted", "Under Investigation", "Rejected", "Failed", "N/A"}
	customerStatuses = []string{"ACTIVE", "KYC PENDING", "INACTIVE", "REJECTED", "BLOCKED"}
)

// alertClosed answers the admin call: what the portal's callback answered.
type alertClosed struct {
	CallbackStatus int    `json:"callback_status"` // 0: not delivered
	CallbackError  string `json:"callback_error,omitempty"`
}

func (s *Sandbox) closeAlert(w http.ResponseWriter, r *http.Request) {
	req := struct {
		ECRN           string `json:"ecrn"`
		AMLScanStatus  string `json:"aml_scan_status"`
		CustomerStatus string `json:"customer_status"`
		Callback       bool   `json:"callback"`
	}{AMLScanStatus: "Accepted", CustomerStatus: "ACTIVE", Callback: true}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		http.Error(w, `want JSON {"ecrn","aml_scan_status","customer_status"}`, http.StatusBadRequest)
		return
	}
	if !slices.Contains(amlStatuses, req.AMLScanStatus) || !slices.Contains(customerStatuses, req.CustomerStatus) {
		http.Error(
			w,
			fmt.Sprintf("aml_scan_status must be one of %q and customer_status one of %q", amlStatuses, customerStatuses),
			http.StatusBadRequest,
		)
		return
	}
	c, found, err := s.store.modify(req.ECRN, func(c *customer) {
		c.Profile.AMLScanStatus, c.Profile.CustomerStatus = req.AMLScanStatus, req.CustomerStatus
	})
	switch {
	case err != nil:
		http.Error(w, "sandbox store: "+err.Error(), http.StatusInternalServerError)
		return
	case !found:
		http.Error(w, "no customer with this ECRN", http.StatusNotFound)
		return
	}
	// The payload in the only shape the contract evidences: no alert id, no closing time.
	closure := cdp.AlertClosure{
		ECRN:           c.ECRN,
		AMLScanStatus:  c.Profile.AMLScanStatus,
		CustomerStatus: c.Profile.CustomerStatus,
	}
	var answer alertClosed
	if !req.Callback {
		answer.CallbackError = "not sent: the request asked for no callback"
	} else if answer.CallbackStatus, err = s.callback(r.Context(), closure); err != nil {
		answer.CallbackError = err.Error()
	}
	writeJSON(w, http.StatusOK, answer)
}

// callback sends the closure to the portal once, signed as docs/cdp.md says.
func (s *Sandbox) callback(ctx context.Context, closure cdp.AlertClosure) (int, error) {
	if s.cfg.CallbackURL == "" {
		return 0, errors.New("no callback URL configured (CDP_SANDBOX_CALLBACK_URL)")
	}
	body, err := json.Marshal(closure)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.CallbackURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	ts, sig := cdp.SignCallback(s.cfg.CDP.CallbackSecret, s.cfg.Now(), body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(cdp.HeaderCallbackTimestamp, ts)
	req.Header.Set(cdp.HeaderCallbackSignature, sig)
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, resp.Body.Close()
}

// StatsPath is the sandbox's count of what reached it, off the contract's paths: GET answers
// {"onboard_calls": N}, so that a benchmark with the sandbox in its own process can tell a
// customer sent twice.
const StatsPath = "/_sandbox/stats"

// Stats is what StatsPath answers.
type Stats struct {
	OnboardCalls int64 `json:"onboard_calls"`
}

func (s *Sandbox) stats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(Stats{OnboardCalls: s.onboards.Load()})
}
