package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/cdp/contract"
)

// The sandbox refuses exactly what the contract package finds, with the same paths and
// reasons: the portal's pre-flight check and the sandbox share one set of rules (the rule
// table itself is the contract package's test).
func TestOnboardAnswersTheContractsFindings(t *testing.T) {
	s := newTestSandbox(t)
	tok := s.token(t)
	for name, edit := range map[string]func(p cdp.Payload){
		"format":      func(p cdp.Payload) { p["first_name"], p["email_id"] = "", "fatima" },
		"master data": func(p cdp.Payload) { p["nationality"], p["salutation"] = "AQ", "SIR" },
		"both":        func(p cdp.Payload) { p["gender"], p["date_of_birth"] = "F", "2999-01-01" },
	} {
		t.Run(name, func(t *testing.T) {
			p := cdptest.Payload("ph-national")
			edit(p)
			body, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]any{}
			findings := contract.Check(body, s.cfg.Now())
			for _, f := range findings {
				if f.Code == findings[0].Code {
					want[f.Path] = f.Reason
				}
			}
			a := s.send(t, http.MethodPost, cdp.OnboardPath, tok, "application/json", body)
			if got, _ := a.body["details"].(map[string]any); a.status != 400 ||
				a.num("errorCode") != float64(findings[0].Code) ||
				!equal(got, want) {
				t.Fatalf("sandbox answered %d %v; the contract finds %v", a.status, a.body, findings)
			}
		})
	}
}

// Every realistic draft, national ID and passport of every pack, is onboarded.
func TestOnboardAcceptsEveryPackAndIDType(t *testing.T) {
	s := newTestSandbox(t)
	tok := s.token(t)
	for _, d := range cdptest.Drafts() {
		body, err := json.Marshal(cdptest.Payload(d.Name))
		if err != nil {
			t.Fatal(err)
		}
		if a := s.send(t, http.MethodPost, cdp.OnboardPath, tok, "application/json", body); a.status != 200 {
			t.Errorf("%s: %d %v", d.Name, a.status, a.body)
		}
		if l := s.lookup(t, tok, d.IDType, d.IDNumber); l.str("status") != "success" {
			t.Errorf("%s: lookup after onboarding: %v", d.Name, l.body)
		}
	}
}

func equal(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Every demo customer of the seed holds a number the contract accepts for its ID type, and
// the lookup answers from its state.
func TestDemoCustomersOfEveryPack(t *testing.T) {
	s := newTestSandbox(t)
	tok := s.token(t)
	sd, err := loadSeed()
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, c := range sd.Customers {
		types[c.IDType] = true
		if !contract.ValidIDNumber(c.IDType, c.IDNumber) {
			t.Errorf("%s: %s is not a valid number of ID type %s", c.Note, c.IDNumber, c.IDType)
		}
		l := s.lookup(t, tok, c.IDType, c.IDNumber)
		want := map[string]float64{statusBlocked: 45051}[c.Profile.CustomerStatus]
		if c.Profile.AMLScanStatus == amlInvestigation {
			want = 45013
		}
		if c.SubscriptionPending {
			want = 45003
		}
		if l.num("errorCode") != want {
			t.Errorf("%s: lookup %v", c.Note, l.body)
		}
	}
	for _, code := range []string{"1", "4", "28", "30", "40"} {
		if !types[code] {
			t.Errorf("no demo customer holds ID type %s", code)
		}
	}
}
