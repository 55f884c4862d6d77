package submission

import (
	"context"
	"errors"
	"testing"

	"kycportal/internal/cdp"
	"kycportal/internal/packs"
	"kycportal/internal/payload"
)

// TestSandboxOutcomes sends the sandbox's demo customers, one per onboarding outcome, over
// real HTTP and checks the state each ends in.
func TestSandboxOutcomes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	e.svc.Rules.MaxAttempts = 3
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	cases := []struct {
		name, number string
		want         State
		ecrn         string // "new": any; "": none
	}{
		{"accepted", emiratesID(900), Onboarded, "new"},
		// Fatima Hassan is none of the demo customers: never linked to one, a supervisor compares.
		{"already onboarded, another person", "784199012345676", NeedsAttention, ""},
		{"already onboarded, subscription pending: no record to compare", "784198823456789", NeedsAttention, ""},
		{"already onboarded and blocked, another person", "784197734567890", NeedsAttention, ""},
		{"already onboarded, under investigation, another person", "784196645678903", NeedsAttention, ""},
		{"created under investigation", "784200167890126", UnderInvestigation, "new"},
		{"blocked", "784199378901237", Rejected, ""},
		{"backend failure every time", "784195556789014", NeedsAttention, ""},
	}
	ids := map[string]int64{}
	for _, c := range cases {
		ids[c.name] = e.draft(c.number)
		if err := e.svc.Submit(context.Background(), e.agent, ids[c.name]); err != nil {
			t.Fatal(err)
		}
	}
	// The pre-flight refuses an ID front whose bytes are not a JPEG, as the CDP would ...
	missing := e.draftWithFront(emiratesID(901), &payload.File{ContentType: "image/jpeg", Data: []byte("not a picture")})
	var refused *PreflightError
	if err := e.svc.Submit(context.Background(), e.agent, missing); !errors.As(err, &refused) ||
		refused.Findings[0].Field != packs.DocIDFront {
		t.Fatalf("submit = %v; want the pre-flight to refuse the ID front", err)
	}
	// ... so the CDP's own refusal is seen by spoiling the stored front after the submit.
	missing = e.draft(emiratesID(902))
	if err := e.svc.Submit(context.Background(), e.agent, missing); err != nil {
		t.Fatal(err)
	}
	e.spoil(missing, packs.DocIDFront)
	e.startWorker(cdpSrv.client)
	var all []int64
	for _, id := range ids {
		all = append(all, id)
	}
	e.settled(append(all, missing))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := e.submission(ids[c.name])
			if s.State != c.want {
				t.Errorf("state %s, want %s", s.State, c.want)
			}
			if (c.ecrn == "new" && len(s.ECRN) != 16) || (c.ecrn != "new" && s.ECRN != c.ecrn) {
				t.Errorf("ECRN %q, want %q", s.ECRN, c.ecrn)
			}
		})
	}
	t.Run("missing field returned with the CDP's message on the field", func(t *testing.T) {
		s := e.submission(missing)
		if s.State != Returned || s.ReturnNote == nil || s.ReturnNote.By != "cdp" ||
			s.ReturnNote.Fields[packs.DocIDFront] == "" {
			t.Fatalf("state %s, note %+v; want returned with a message on id_front", s.State, s.ReturnNote)
		}
		d, err := e.svc.Drafts.View(context.Background(), e.agent, missing)
		if err != nil || d.Status != "open" {
			t.Errorf("draft status %q (%v), want open for the correction", d.Status, err)
		}
	})
}

// TestDecide is the outcome mapping, answer by answer, without a network.
func TestDecide(t *testing.T) {
	t.Parallel()
	res := func(o cdp.Outcome) cdp.Result { return cdp.Result{Outcome: o} }
	lookup := func(o cdp.Outcome) *cdp.Result { r := res(o); return &r }
	cases := []struct {
		name   string
		res    cdp.Result
		lk     *cdp.Result
		to     State
		lookup bool
	}{
		{"accepted", res(cdp.Accepted), nil, Onboarded, false},
		{"under investigation keeps the ECRN", res(cdp.UnderInvestigation), nil, UnderInvestigation, false},
		{"blocked is final", res(cdp.Blocked), nil, Rejected, false},
		{"invalid master data returns", res(cdp.InvalidMasterData), nil, Returned, false},
		{"missing fields return", res(cdp.MissingFields), nil, Returned, false},
		{"update failed needs attention", res(cdp.UpdateFailed), nil, NeedsAttention, false},
		{"auth failed retries, nothing registered", res(cdp.AuthFailed), nil, "", false},
		{"unavailable retries after a lookup", res(cdp.Unavailable), nil, "", true},
		{"unknown answer retries after a lookup", res(cdp.CDPError), nil, "", true},
		{"already exists without an ECRN to compare", res(cdp.AlreadyExists), nil, NeedsAttention, false},
		{"already exists without an ECRN, even if found", res(cdp.AlreadyExists), lookup(cdp.Found), NeedsAttention, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			to, lk := decide(c.res, c.lk)
			if to != c.to || lk != c.lookup {
				t.Errorf("decide = %q, %v; want %q, %v", to, lk, c.to, c.lookup)
			}
		})
	}
}

// spoil overwrites the stored bytes of a draft's document with text, behind the services'
// backs: what the CDP then receives is not what the pre-flight checked.
func (e *env) spoil(draftID int64, kind string) {
	e.t.Helper()
	_, err := e.db.Pool.Exec(context.Background(), `UPDATE blobs SET data = 'not a picture'
		WHERE key = (SELECT blob_key FROM draft_documents WHERE draft_id = $1 AND kind = $2 AND removed_at IS NULL)`, draftID, kind)
	if err != nil {
		e.t.Fatal(err)
	}
}
