package cdp_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
)

var (
	aeECRN        = regexp.MustCompile(`^784[0-9]{13}$`)
	myECRN        = regexp.MustCompile(`^458[0-9]{13}$`)
	cdpRequestID  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	unknownECRN   = "7840000000000000"
	zafarECRN     = "7841003233051516" // demo 784199012345676
	pendingECRN   = "7841003235214285" // demo 784198823456789
	investigation = "7841004455667788" // demo 784196645678903
)

// want is the part of a Result a contract row fixes.
type want struct {
	outcome cdp.Outcome
	status  int
	code    int
}

func check(t *testing.T, res cdp.Result, w want) {
	t.Helper()
	if res.Outcome != w.outcome || res.Status != w.status || res.Code != w.code {
		t.Fatalf("got %v (HTTP %d, code %d, %q, err %v); want %v (HTTP %d, code %d)",
			res.Outcome, res.Status, res.Code, res.Message, res.Err, w.outcome, w.status, w.code)
	}
}

// The lookup's answers as docs/cdp.md gives them ("Lookup", "Decisions, and how each is
// tested"), with every demo customer of its "Demo customers" table.
func TestLookupContract(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		row            string
		idType, number string
		want           want
	}{
		{"success, demo 784199012345676", "4", "784199012345676", want{cdp.Found, 200, 0}},
		{"customer not found", "4", "784199554586091", want{cdp.NotFound, 200, 45001}},
		{"subscription pending, demo 784198823456789", "4", "784198823456789", want{cdp.SubscriptionPending, 200, 45003}},
		{"bad request: check digit wrong", "4", "784199554586092", want{cdp.InvalidRequest, 200, 45005}},
		{"bad request: unknown id type", "99", "784199554586091", want{cdp.InvalidRequest, 200, 45005}},
		{"internal server error, demo 784195556789014", "4", "784195556789014", want{cdp.CDPError, 200, 45006}},
		{"under compliance investigation, demo 784196645678903", "4", "784196645678903", want{cdp.UnderInvestigation, 200, 45013}},
		{"blocked customer, demo 784197734567890", "4", "784197734567890", want{cdp.Blocked, 200, 45051}},
		{"not found, demo 784200167890126", "4", "784200167890126", want{cdp.NotFound, 200, 45001}},
		{"not found, demo 784199378901237", "4", "784199378901237", want{cdp.NotFound, 200, 45001}},
		{"MyKad found", "28", "900101145678", want{cdp.Found, 200, 0}},
		{"MyKad blocked", "28", "850615105432", want{cdp.Blocked, 200, 45051}},
	} {
		t.Run(tc.row, func(t *testing.T) {
			check(t, h.client.Lookup(t.Context(), tc.idType, tc.number), tc.want)
		})
	}
}

func TestLookupFoundCarriesTheCustomer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	res := h.client.Lookup(t.Context(), "4", "784199012345676")
	want := cdp.CustomerRecord{
		FirstName: "ZAFAR BASHIR", LastName: "BASHIR MASIH", DateOfBirth: "1985-04-12", AgentLocationID: "784101",
		PrimaryMobileNumber: "+971554747002", EmailID: "zafar.bashir@example.com",
		CustomerStatus: "ACTIVE", AMLScanStatus: "Accepted", IDStatus: "Active",
		IDDateOfExpiry: "2027-08-08T00:00:00.000+00:00",
	}
	if res.ECRN != zafarECRN || res.Customer != want {
		t.Fatalf("got ECRN %q %+v; want %q %+v", res.ECRN, res.Customer, zafarECRN, want)
	}
}

func TestCDPErrorKeepsCodeAndMessage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	res := h.client.Lookup(t.Context(), "4", "784195556789014")
	if res.Code != 45006 || res.Message != "Error while searching customer!" {
		t.Fatalf("got code %d message %q; want 45006 and the CDP's message", res.Code, res.Message)
	}
}

// The onboarding's answers as docs/cdp.md gives them ("Onboard", "Decisions, and how each
// is tested"), with every demo customer of its "Demo customers" table.
func TestOnboardContract(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	missingName := cdptest.AECustomer()
	missingName["first_name"] = ""
	badNationality := cdptest.MYCustomer()
	badNationality["nationality"] = "XX"
	for _, tc := range []struct {
		row  string
		cust cdp.Payload
		want want
		ecrn *regexp.Regexp
	}{
		{"success, AE", cdptest.AECustomer(), want{cdp.Accepted, 200, 0}, aeECRN},
		{"success, MY", cdptest.MYCustomer(), want{cdp.Accepted, 200, 0}, myECRN},
		{"under compliance investigation, demo 784200167890126", cdptest.SetID(cdptest.AECustomer(), "784200167890126"), want{cdp.UnderInvestigation, 406, 45013}, aeECRN},
		{"blocked customer, demo 784199378901237", cdptest.SetID(cdptest.AECustomer(), "784199378901237"), want{cdp.Blocked, 406, 45051}, regexp.MustCompile(`^$`)},
		{"already exists, demo 784199012345676", cdptest.SetID(cdptest.AECustomer(), "784199012345676"), want{cdp.AlreadyExists, 406, 45002}, regexp.MustCompile("^" + zafarECRN + "$")},
		{"invalid master data", badNationality, want{cdp.InvalidMasterData, 400, 45053}, regexp.MustCompile(`^$`)},
		{"mandatory field missing", missingName, want{cdp.MissingFields, 400, 40002}, regexp.MustCompile(`^$`)},
		{"internal server error, demo 784195556789014", cdptest.SetID(cdptest.AECustomer(), "784195556789014"), want{cdp.Unavailable, 502, 40001}, regexp.MustCompile(`^$`)},
	} {
		t.Run(tc.row, func(t *testing.T) {
			res := h.client.Onboard(t.Context(), tc.cust)
			check(t, res, tc.want)
			if !tc.ecrn.MatchString(res.ECRN) {
				t.Errorf("ECRN %q does not match %s", res.ECRN, tc.ecrn)
			}
		})
	}
}

func TestOnboardAcceptedCarriesStatusesAndRequestID(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	res := h.client.Onboard(t.Context(), cdptest.AECustomer())
	if res.Customer.CustomerStatus != "ACTIVE" || res.Customer.AMLScanStatus != "Accepted" ||
		!cdpRequestID.MatchString(res.RequestID) {
		t.Fatalf("got %+v, request id %q", res.Customer, res.RequestID)
	}
}

func TestOnboardFailuresNameTheField(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := cdptest.AECustomer()
	c["first_name"] = ""
	if got := h.client.Onboard(t.Context(), c).Details; got["first_name"] != "is mandatory" || len(got) != 1 {
		t.Errorf("missing field details = %v; want first_name only", got)
	}
	c = cdptest.AECustomer()
	c["nationality"] = "XX"
	if got := h.client.Onboard(t.Context(), c).Details; got["nationality"] == "" || len(got) != 1 {
		t.Errorf("master data details = %v; want nationality only", got)
	}
}

func TestOnboardIsNeverRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	res := h.client.Onboard(t.Context(), cdptest.SetID(cdptest.AECustomer(), "784195556789014"))
	if !res.Retryable() || len(h.requests(cdp.OnboardPath)) != 1 {
		t.Fatalf(
			"retryable %v after %d onboard requests; want retryable after exactly 1",
			res.Retryable(),
			len(h.requests(cdp.OnboardPath)),
		)
	}
}

// What a later lookup, get and onboard answer after each demo onboard.
func TestOnboardThenLookup(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := t.Context()

	t.Run("accepted: found, and a second onboard already exists", func(t *testing.T) {
		first := h.client.Onboard(ctx, cdptest.AECustomer())
		found := h.client.Lookup(ctx, "4", "784199554586091")
		if found.Outcome != cdp.Found || found.ECRN != first.ECRN || found.Customer.FirstName != "Fatima" {
			t.Fatalf(
				"lookup after onboard = %v %q %q; want found under %q",
				found.Outcome,
				found.ECRN,
				found.Customer.FirstName,
				first.ECRN,
			)
		}
		again := h.client.Onboard(ctx, cdptest.AECustomer())
		if again.Outcome != cdp.AlreadyExists || again.ECRN != first.ECRN {
			t.Fatalf("second onboard = %v %q; want already exists under %q", again.Outcome, again.ECRN, first.ECRN)
		}
	})
	t.Run("under investigation: created, lookup says so, get finds it", func(t *testing.T) {
		created := h.client.Onboard(ctx, cdptest.SetID(cdptest.AECustomer(), "784200167890126"))
		check(t, h.client.Lookup(ctx, "4", "784200167890126"), want{cdp.UnderInvestigation, 200, 45013})
		got := h.client.GetCustomer(ctx, created.ECRN)
		if got.Outcome != cdp.Found || got.Customer.AMLScanStatus != "Under Investigation" {
			t.Fatalf("get = %v %q; want found under investigation", got.Outcome, got.Customer.AMLScanStatus)
		}
	})
	t.Run("blocked: not created", func(t *testing.T) {
		h.client.Onboard(ctx, cdptest.SetID(cdptest.AECustomer(), "784199378901237"))
		check(t, h.client.Lookup(ctx, "4", "784199378901237"), want{cdp.NotFound, 200, 45001})
	})
}

func TestUpdateContract(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := t.Context()
	t.Run("customer updation failure", func(t *testing.T) {
		check(t, h.client.Update(ctx, unknownECRN, cdptest.AECustomer()), want{cdp.UpdateFailed, 404, 45032})
	})
	t.Run("success: the change is kept", func(t *testing.T) {
		c := cdptest.SetID(cdptest.AECustomer(), "784199012345676")
		c["first_name"] = "ZAFAR"
		res := h.client.Update(ctx, zafarECRN, c)
		check(t, res, want{cdp.Accepted, 200, 0})
		if got := h.client.GetCustomer(ctx, zafarECRN); res.ECRN != zafarECRN || got.Customer.FirstName != "ZAFAR" {
			t.Fatalf("update answered ECRN %q, get shows %q; want %q and ZAFAR", res.ECRN, got.Customer.FirstName, zafarECRN)
		}
	})
	t.Run("without an ECRN: refused before sending", func(t *testing.T) {
		h.forget()
		res := h.client.Update(ctx, "", cdptest.AECustomer())
		if res.Outcome != cdp.InvalidRequest || len(h.requests(cdp.OnboardPath)) != 0 {
			t.Fatalf(
				"got %v after %d requests; want invalid request and none sent",
				res.Outcome,
				len(h.requests(cdp.OnboardPath)),
			)
		}
	})
}

// The answers of a customer's record as docs/cdp.md gives them ("GetCustomer", "Decisions,
// and how each is tested").
func TestGetCustomerContract(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		row, ecrn string
		want      want
	}{
		{"success", zafarECRN, want{cdp.Found, 200, 0}},
		{"customer not found", unknownECRN, want{cdp.NotFound, 200, 45001}},
		{"customer not subscribed", pendingECRN, want{cdp.NotSubscribed, 200, 45003}},
	} {
		t.Run(tc.row, func(t *testing.T) {
			res := h.client.GetCustomer(t.Context(), tc.ecrn)
			check(t, res, tc.want)
			if tc.want.outcome == cdp.Found && (res.ECRN != tc.ecrn || res.Customer.FirstName != "ZAFAR BASHIR") {
				t.Errorf("got %q %q", res.ECRN, res.Customer.FirstName)
			}
		})
	}
}

// The "Authentication Failure" row of every table: the sandbox's Spring 401 to every API call.
// The client gets one new token and sends once more, then reports AuthFailed.
func TestAuthenticationFailureRows(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		row  string
		path string
		call func(*cdp.Client, *testing.T) cdp.Result
	}{
		{"lookup", cdp.LookupPath, func(c *cdp.Client, t *testing.T) cdp.Result { return c.Lookup(t.Context(), "4", "784199012345676") }},
		{"onboard", cdp.OnboardPath, func(c *cdp.Client, t *testing.T) cdp.Result { return c.Onboard(t.Context(), cdptest.AECustomer()) }},
		{"get customer", cdp.CustomerPath + zafarECRN, func(c *cdp.Client, t *testing.T) cdp.Result { return c.GetCustomer(t.Context(), zafarECRN) }},
	} {
		t.Run(tc.row, func(t *testing.T) {
			h := newHarness(t, withFront(stripBearer))
			check(t, tc.call(h.client, t), want{cdp.AuthFailed, 401, 0})
			if got := h.statuses(tc.path); !slices.Equal(got, []int{401, 401}) {
				t.Errorf("API answers %v; want exactly [401 401]", got)
			}
			if got := h.grants(); !slices.Equal(got, []string{"password", "refresh_token"}) {
				t.Errorf("token grants %v; want the first token and one new one", got)
			}
		})
	}
}

// The token grants as docs/cdp.md gives them ("Decisions, and how each is tested"), and
// invalid_grant on bad credentials.
func TestTokenContract(t *testing.T) {
	t.Parallel()
	t.Run("password grant sends the documented form with the scope", func(t *testing.T) {
		h := newHarness(t)
		h.client.Lookup(t.Context(), "4", "784199012345676")
		form := h.requests(cdp.TokenPath)[0].form
		for key, value := range map[string]string{
			"grant_type": "password", "client_id": cdp.SandboxClientID, "client_secret": cdp.SandboxClientSecret,
			"username": cdp.SandboxUsername, "password": cdp.SandboxPassword, "scope": cdp.DefaultScope,
		} {
			if form.Get(key) != value {
				t.Errorf("%s = %q; want %q", key, form.Get(key), value)
			}
		}
	})
	t.Run("refresh grant sends client credentials and the refresh token only", func(t *testing.T) {
		h := newHarness(t)
		h.client.Lookup(t.Context(), "4", "784199012345676")
		h.clock.Advance(250 * time.Second)
		h.forget()
		h.client.Lookup(t.Context(), "4", "784199012345676")
		form := h.requests(cdp.TokenPath)[0].form
		if form.Get("grant_type") != "refresh_token" || form.Get("refresh_token") == "" || form.Get("client_secret") == "" ||
			form.Has("password") ||
			form.Has("username") {
			t.Errorf("refresh form has keys %v", keys(form))
		}
	})
	t.Run("bad credentials: invalid_grant is AuthFailed, no API call", func(t *testing.T) {
		h := newHarness(t, withClient(func(c *cdp.Config) { c.Password = "wrong" }))
		check(t, h.client.Lookup(t.Context(), "4", "784199012345676"), want{cdp.AuthFailed, 401, 0})
		if len(h.requests(cdp.TokenPath)) != 1 || len(h.requests(cdp.LookupPath)) != 0 {
			t.Errorf(
				"%d token and %d lookup requests; want 1 and 0",
				len(h.requests(cdp.TokenPath)),
				len(h.requests(cdp.LookupPath)),
			)
		}
	})
}

func keys(v map[string][]string) []string {
	var out []string
	for k := range v {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
