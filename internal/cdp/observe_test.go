package cdp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
)

func TestDurationHistogramByEndpointAndOutcome(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.client.Lookup(t.Context(), "4", "784199012345676")
	h.client.Lookup(t.Context(), "4", "784199554586091")
	second := h.newClient(h.cdpCfg) // a second client on the same registry shares the histogram
	second.GetCustomer(t.Context(), zafarECRN)
	got := histogramCounts(t, h.reg)
	for labels, n := range map[string]uint64{
		"lookup/found": 1, "lookup/not_found": 1, "get_customer/found": 1, "token/ok": 2,
	} {
		if got[labels] != n {
			t.Errorf("%s: %d observations; want %d (all: %v)", labels, got[labels], n, got)
		}
	}
}

func histogramCounts(t *testing.T, reg *prometheus.Registry) map[string]uint64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	for _, f := range families {
		if f.GetName() != "cdp_request_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			counts[labels["endpoint"]+"/"+labels["outcome"]] = m.GetHistogram().GetSampleCount()
		}
	}
	return counts
}

func TestRequestIDReachesEveryRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.client.Lookup(cdp.WithRequestID(t.Context(), "req-42"), "4", "784199012345676")
	h.client.Lookup(t.Context(), "4", "784199012345676")
	seen := h.requests(cdp.TokenPath)[0].requestID
	lookups := h.requests(cdp.LookupPath)
	if seen != "req-42" || lookups[0].requestID != "req-42" {
		t.Errorf("token request id %q, lookup %q; want req-42 on both", seen, lookups[0].requestID)
	}
	if id := lookups[1].requestID; id == "" || id == "req-42" {
		t.Errorf("a call without one sent request id %q; want a fresh one", id)
	}
	if !strings.Contains(h.logs.String(), `"request_id":"req-42"`) {
		t.Error("the log line does not carry the request id")
	}
}

// Every kind of call, including failures, leaves one log line each, and none of them holds a
// secret, a token, an ID number, a name, a contact or an ECRN.
func TestLogLinesHoldNoSecretsOrPersonalData(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := t.Context()
	ae := cdptest.AECustomer()
	aeID := cdptest.DraftNamed("ae-national").IDNumber
	accepted := h.client.Onboard(ctx, ae)
	calls := []cdp.Result{
		accepted,
		h.client.Lookup(ctx, "4", aeID),
		h.client.GetCustomer(ctx, accepted.ECRN),
		h.client.Update(ctx, accepted.ECRN, ae),
		h.client.Onboard(ctx, ae), // already exists: the ECRN is in the message
		h.client.Lookup(ctx, "4", "784199012345676"),
		h.newClient(withPassword(h.cdpCfg, "wrong-password")).Lookup(ctx, "4", "784196645678903"),
	}
	h.restart() // the next call meets a 401 and a refused refresh
	calls = append(calls, h.client.Lookup(ctx, "4", "784197734567890"))

	var forbidden []string
	for _, s := range h.requests(cdp.TokenPath) {
		forbidden = append(forbidden, s.form.Get("refresh_token"), s.form.Get("client_secret"), s.form.Get("password"))
	}
	forbidden = append(forbidden, h.bearers()...)
	forbidden = append(
		forbidden,
		"wrong-password",
		cdp.SandboxUsername,
		ae["first_name"].(string),
		ae["last_name"].(string),
		ae["email_id"].(string),
		ae["primary_mobile_number"].(string),
		aeID,
		"784199012345676",
		"784196645678903",
		"784197734567890",
		"ZAFAR",
		accepted.ECRN,
		zafarECRN,
	)
	lines := strings.Split(strings.TrimSpace(h.logs.String()), "\n")
	apiLines := 0
	for _, line := range lines {
		for _, f := range forbidden {
			if f != "" && strings.Contains(line, f) {
				t.Errorf("log line holds %q: %s", f, line)
			}
		}
		var rec struct{ Endpoint string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("unreadable log line %q: %v", line, err)
		}
		if rec.Endpoint != "token" {
			apiLines++
		}
	}
	if apiLines != len(calls) {
		t.Errorf("%d API log lines for %d calls", apiLines, len(calls))
	}
}

func withPassword(c cdp.Config, password string) cdp.Config {
	c.Password = password
	return c
}
