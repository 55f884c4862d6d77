package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/cdp/contract"
)

type testSandbox struct {
	*Sandbox
	clock *cdptest.Clock
}

func newTestSandbox(t *testing.T, set ...func(*Config)) testSandbox {
	t.Helper()
	clock := cdptest.NewClock(time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC))
	cfg := DefaultConfig()
	cfg.Now, cfg.Seed = clock.Now, 1
	for _, f := range set {
		f(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return testSandbox{s, clock}
}

// reply is a decoded response: its HTTP status and JSON body.
type reply struct {
	status int
	body   map[string]any
}

func (a reply) str(key string) string {
	s, _ := a.body[key].(string)
	return s
}

func (a reply) num(key string) float64 {
	n, _ := a.body[key].(float64)
	return n
}

func (s testSandbox) send(t *testing.T, method, path, bearer, contentType string, body []byte) reply {
	t.Helper()
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	a := reply{status: w.Code}
	if err := json.Unmarshal(w.Body.Bytes(), &a.body); err != nil {
		t.Fatalf("%s %s: HTTP %d, not JSON: %q", method, path, w.Code, w.Body.String())
	}
	return a
}

func (s testSandbox) tokenForm(t *testing.T, form url.Values) reply {
	t.Helper()
	return s.send(t, http.MethodPost, cdp.TokenPath, "", "application/x-www-form-urlencoded", []byte(form.Encode()))
}

func passwordForm() url.Values {
	return url.Values{
		"grant_type": {"password"}, "client_id": {cdp.SandboxClientID}, "client_secret": {cdp.SandboxClientSecret},
		"username": {cdp.SandboxUsername}, "password": {cdp.SandboxPassword}, "scope": {cdp.DefaultScope},
	}
}

func (s testSandbox) token(t *testing.T) string {
	t.Helper()
	a := s.tokenForm(t, passwordForm())
	if a.status != http.StatusOK {
		t.Fatalf("token: %d %v", a.status, a.body)
	}
	return a.str("access_token")
}

func (s testSandbox) postJSON(t *testing.T, path, bearer string, v any) reply {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return s.send(t, http.MethodPost, path, bearer, "application/json", b)
}

func (s testSandbox) lookup(t *testing.T, bearer, idType, number string) reply {
	t.Helper()
	return s.postJSON(t, cdp.LookupPath, bearer, map[string]string{"idType": idType, "idNumber": number})
}

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	s := newTestSandbox(t)
	with := func(key, value string) url.Values {
		f := passwordForm()
		f.Set(key, value)
		return f
	}
	duplicated := passwordForm()
	duplicated.Add("grant_type", "refresh_token") // as the contract's refresh sample reads
	for name, tc := range map[string]struct {
		form   url.Values
		status int
		err    string
	}{
		"password grant":          {passwordForm(), 200, ""},
		"password grant no scope": {with("scope", ""), 200, ""},
		"wrong client secret":     {with("client_secret", "x"), 401, "invalid_client"},
		"unknown client":          {with("client_id", "x"), 401, "invalid_client"},
		"wrong password":          {with("password", "x"), 401, "invalid_grant"},
		"wrong username":          {with("username", "x"), 401, "invalid_grant"},
		"other scope":             {with("scope", "openid"), 400, "invalid_scope"},
		"unsupported grant":       {with("grant_type", "client_credentials"), 400, "unsupported_grant_type"},
		"duplicated grant_type":   {duplicated, 400, "invalid_request"},
		"unknown refresh token":   {with("grant_type", "refresh_token"), 400, "invalid_grant"},
	} {
		t.Run(name, func(t *testing.T) {
			a := s.tokenForm(t, tc.form)
			if a.status != tc.status || a.str("error") != tc.err {
				t.Fatalf("got %d %v; want %d %q", a.status, a.body, tc.status, tc.err)
			}
		})
	}
}

func TestTokenAnswerAndRefresh(t *testing.T) {
	t.Parallel()
	s := newTestSandbox(t)
	a := s.tokenForm(t, passwordForm())
	if a.str("token_type") != "bearer" || a.num("expires_in") != 300 || a.num("refresh_expires_in") != 1800 ||
		a.str("access_token") == "" {
		t.Fatalf("token reply %v", a.body)
	}
	refresh := url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {cdp.SandboxClientID},
		"client_secret": {cdp.SandboxClientSecret},
		"refresh_token": {a.str("refresh_token")},
	}
	s.clock.Advance(1799 * time.Second)
	if got := s.tokenForm(t, refresh); got.status != 200 || got.str("access_token") == a.str("access_token") {
		t.Fatalf("refresh within its lifetime: %d %v", got.status, got.body)
	}
	s.clock.Advance(time.Second)
	if got := s.tokenForm(t, refresh); got.status != 400 || got.str("error") != "invalid_grant" {
		t.Fatalf("refresh after its lifetime: %d %v", got.status, got.body)
	}
}

func TestTokenFailSwitch(t *testing.T) {
	t.Parallel()
	s := newTestSandbox(t, func(c *Config) { c.TokenFail = true })
	if a := s.tokenForm(t, passwordForm()); a.status != http.StatusServiceUnavailable {
		t.Fatalf("got %d", a.status)
	}
}

// The contract's Spring 401 for a token that is expired, unknown or missing.
func TestAPIRefusesBadTokensWithSpring401(t *testing.T) {
	t.Parallel()
	s := newTestSandbox(t, func(c *Config) { c.TokenTTL = time.Minute })
	expired := s.token(t)
	s.clock.Advance(time.Minute)
	for name, tc := range map[string]struct{ bearer, path, want string }{
		"expired": {expired, cdp.LookupPath, "/api/v2/customer/validate"},
		"unknown": {"not-a-token", cdp.OnboardPath, "/api/v1/CAAS/onBoarding/customer"},
		"missing": {"", cdp.LookupPath, "/api/v2/customer/validate"},
	} {
		t.Run(name, func(t *testing.T) {
			a := s.postJSON(t, tc.path, tc.bearer, map[string]string{"idType": "4", "idNumber": "784199012345676"})
			if a.status != 401 || a.num("status") != 401 || a.str("error") != "Unauthorized" || a.str("path") != tc.want ||
				a.str("timestamp") != "2025-03-03T09:01:00.000+00:00" {
				t.Fatalf("got %d %v", a.status, a.body)
			}
		})
	}
}

func TestLookupRefusesMalformedRequests(t *testing.T) {
	t.Parallel()
	s := newTestSandbox(t)
	tok := s.token(t)
	for name, body := range map[string]any{
		"extra field":   map[string]any{"idType": "4", "idNumber": "784199012345676", "country": "AE"},
		"number as int": map[string]any{"idType": "4", "idNumber": 784199012345676},
		"no id type":    map[string]any{"idNumber": "784199012345676"},
		"bad MyKad":     map[string]any{"idType": "28", "idNumber": "90010114567"},
	} {
		t.Run(name, func(t *testing.T) {
			if a := s.postJSON(t, cdp.LookupPath, tok, body); a.num("errorCode") != 45005 || a.num("statusCode") != 400 {
				t.Fatalf("got %v", a.body)
			}
		})
	}
}

// The demo numbers are valid Emirates IDs; the check is not a formality.
func TestDemoIDsHaveValidCheckDigits(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"784199012345676", "784198823456789", "784197734567890", "784196645678903", "784195556789014", "784200167890126", "784199378901237", "784199554586091"} {
		if !contract.ValidIDNumber("4", n) {
			t.Errorf("%s fails the Luhn check", n)
		}
	}
	for _, n := range []string{"784199012345675", "784199012345677", "", "78419901234567x"} {
		if contract.ValidIDNumber("4", n) {
			t.Errorf("%q passes the Luhn check", n)
		}
	}
}

func TestStoreFileKeepsCustomersAcrossRestarts(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/cdp-sandbox.json"
	first := newTestSandbox(t, func(c *Config) { c.StorePath = path })
	payload, err := json.Marshal(cdptest.MYCustomer())
	if err != nil {
		t.Fatal(err)
	}
	created := first.send(t, http.MethodPost, cdp.OnboardPath, first.token(t), "application/json", payload)
	ecrn, _ := created.body["data"].(map[string]any)["ecrn"].(string)

	second := newTestSandbox(t, func(c *Config) { c.StorePath = path })
	tok := second.token(t)
	found := second.lookup(t, tok, "28", "910203145566")
	if got, _ := found.body["data"].(map[string]any)["ecrn"].(string); got != ecrn || ecrn == "" {
		t.Fatalf("after restart lookup gives %v; want ECRN %q", found.body, ecrn)
	}
	again := second.send(t, http.MethodPost, cdp.OnboardPath, tok, "application/json", payload)
	if again.status != 406 || again.num("errorCode") != 45002 || !strings.Contains(again.str("message"), ecrn) {
		t.Fatalf("second onboard after restart: %d %v", again.status, again.body)
	}
	if seeded := second.lookup(t, tok, "4", "784199012345676"); seeded.str("status") != "success" {
		t.Fatalf("seed customers lost after restart: %v", seeded.body)
	}
}

// The same seed gives the same 502s and the same ECRNs; the rate is honoured roughly.
func TestSeedMakesKnobsRepeatable(t *testing.T) {
	t.Parallel()
	run := func() (statuses []float64, ecrn string) {
		s := newTestSandbox(t, func(c *Config) { c.Seed, c.FailRate = 7, 0.5 })
		tok := s.token(t)
		for range 40 {
			statuses = append(statuses, s.lookup(t, tok, "4", "784199012345676").num("statusCode"))
		}
		s.cfg.FailRate = 0
		payload, _ := json.Marshal(cdptest.AECustomer())
		a := s.send(t, http.MethodPost, cdp.OnboardPath, tok, "application/json", payload)
		ecrn, _ = a.body["data"].(map[string]any)["ecrn"].(string)
		return statuses, ecrn
	}
	first, firstECRN := run()
	second, secondECRN := run()
	failed := 0
	for i := range first {
		if first[i] != second[i] {
			t.Fatalf("run 1 %v, run 2 %v", first, second)
		}
		if first[i] == 502 {
			failed++
		}
	}
	if failed < 8 || failed > 32 || firstECRN != secondECRN || !strings.HasPrefix(firstECRN, "784") ||
		len(firstECRN) != 16 {
		t.Errorf("%d of 40 failed at rate 0.5; ECRNs %q and %q", failed, firstECRN, secondECRN)
	}
}

func TestAlertCloseAdmin(t *testing.T) {
	t.Parallel()
	s := newTestSandbox(t)
	for name, tc := range map[string]struct {
		body, mention string
		status        int
	}{
		"unknown ECRN":    {`{"ecrn":"7840000000000000"}`, "no customer", 404},
		"unknown status":  {`{"ecrn":"7841004455667788","aml_scan_status":"Cleared"}`, "aml_scan_status", 400},
		"not JSON":        {`ecrn=7841004455667788`, "want JSON", 400},
		"no callback URL": {`{"ecrn":"7841004455667788"}`, "CDP_SANDBOX_CALLBACK_URL", 200},
		"callback off":    {`{"ecrn":"7841004455667788","callback":false}`, "not sent", 200},
	} {
		t.Run(name, func(t *testing.T) {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, AlertClosePath, strings.NewReader(tc.body)))
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.mention) {
				t.Fatalf("got %d %s", w.Code, w.Body)
			}
		})
	}
	// Closed without a callback URL, the alert still changed the customer.
	if a := s.lookup(t, s.token(t), "4", "784196645678903"); a.str("status") != "success" {
		t.Errorf("lookup after closure: %v", a.body)
	}
}

func TestNewRefusesKnobsOutOfRange(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.FailRate = 1.5
	if _, err := New(cfg); err == nil {
		t.Error("a fail rate above 1 was accepted")
	}
}

// The sandbox answers in the contract's exact shapes, key spelling included: the client's
// tolerance must not hide a sandbox that drifts from the source.
func TestAnswersKeepTheContractsShape(t *testing.T) {
	t.Parallel()
	s := newTestSandbox(t)
	tok := s.token(t)
	onboard := func(number string) reply {
		b, err := json.Marshal(cdptest.SetID(cdptest.AECustomer(), number))
		if err != nil {
			t.Fatal(err)
		}
		return s.send(t, http.MethodPost, cdp.OnboardPath, tok, "application/json", b)
	}
	investigated := onboard("784200167890126")
	ecrn := strings.TrimSuffix(
		strings.TrimPrefix(investigated.str("message"), "Customer created with ECRN "),
		" and is under compliance investigation",
	)
	accepted := onboard("784199554586091")
	data, _ := accepted.body["data"].(map[string]any)
	for name, tc := range map[string]struct {
		got    reply
		status int
		want   string
	}{
		"lookup not found":   {s.lookup(t, tok, "4", "784199554586092"), 200, `{"status":"failure","statusCode":400,"errorCode":45005,"message":"Invalid Lookup request"}`},
		"lookup blocked":     {s.lookup(t, tok, "4", "784197734567890"), 200, `{"status":"failure","statusCode":406,"errorCode":45051,"message":"Customer is blocked"}`},
		"onboard blocked":    {onboard("784199378901237"), 406, `{"status":"failed","statusCode":406,"errorCode":45051,"message":"Customer is blocked"}`},
		"onboard backend":    {onboard("784195556789014"), 502, `{"status":"failed","statusCode":502,"errorCode":40001,"message":"Backend Technical Problem"}`},
		"onboard exists":     {onboard("784199012345676"), 406, `{"status":"failed","statusCode":406,"errorCode":45002,"message":"Customer already exists with ECRN 7841003233051516"}`},
		"onboard compliance": {investigated, 406, `{"status":"failed","statusCode":406,"error_code":45013,"message":"Customer created with ECRN ` + ecrn + ` and is under compliance investigation"}`},
		"onboard success":    {accepted, 200, `{"status":"success","statusCode":200,"requestId":"` + accepted.str("requestId") + `","data":{"ecrn":"` + fmt.Sprint(data["ecrn"]) + `","customer_status":"ACTIVE","aml_scan_status":"Accepted","pep":false,"aml_category":"2"}}`},
		"get customer":       {s.send(t, http.MethodGet, cdp.CustomerPath+"4580012345678901", tok, "application/json", nil), 200, `{"status":"success","statusCode":200,"message":"Successfully Processed","data":{"ecrn":"4580012345678901","first_name":"NUR AISYAH","middle_name":"BINTI","last_name":"AHMAD","date_of_birth":"1990-01-01","agent_location_id":"458101","primary_mobile_number":"+60123456789","email_id":"nur.aisyah@example.com","customer_status":"ACTIVE","aml_scan_status":"Accepted","id_status":"Active","id_date_of_expiry":"2029-01-01T00:00:00.000+00:00"}}`},
	} {
		t.Run(name, func(t *testing.T) {
			var want map[string]any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if tc.got.status != tc.status || !reflect.DeepEqual(tc.got.body, want) {
				t.Fatalf("got HTTP %d %v\nwant HTTP %d %v", tc.got.status, tc.got.body, tc.status, want)
			}
		})
	}
	if len(ecrn) != 16 || !strings.HasPrefix(ecrn, "784") {
		t.Errorf("compliance message names ECRN %q", ecrn)
	}
}
