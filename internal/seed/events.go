package seed

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

const eventStream = 3

// events makes the audit trail: n events over the seeded two years, about the seeded
// customers, in the proportions of a working day (autosaves dominate).
type events struct {
	r         rng
	n         int64
	customers int64
	firstID   int64 // the first seeded draft's id
	staff     staff
	key       []byte // audit.IDRef's key
}

// kinds are the actions seeded, each with its weight per thousand events.
var kinds = []struct {
	weight int
	make   func(g *events, c int64, e *audit.Event)
}{
	{400, (*events).draftUpdated},
	{100, (*events).draftViewed},
	{100, (*events).customerSearched},
	{80, (*events).recordsSearched},
	{50, (*events).draftCreated},
	{50, (*events).documentUploaded},
	{45, (*events).login},
	{30, (*events).logout},
	{30, moved(audit.SubmissionSubmitted, "draft", "awaiting_approval")},
	{20, moved(audit.SubmissionApproved, "awaiting_approval", "approved")},
	{20, moved(audit.SubmissionQueued, "approved", "queued")},
	{20, moved(audit.SubmissionSending, "queued", "sending")},
	{20, (*events).cdpAttempt},
	{20, (*events).cdpOutcome},
	{10, (*events).auditViewed},
	{5, (*events).accessDenied},
}

// event is event i: its time grows with i, so the chain is in time order.
func (g *events) event(i int64) audit.Event {
	r := g.r.at(eventStream, i)
	e := audit.Event{OccurredAt: epoch.Add(time.Duration(float64(span) * float64(i) / float64(g.n)))}
	c, pick := r.Int64N(max(g.customers, 1)), r.IntN(1000)
	if g.customers == 0 { // no customers to be about: staff sign in
		g.login(c, &e)
	}
	for _, k := range kinds {
		if pick -= k.weight; pick < 0 && g.customers > 0 {
			k.make(g, c, &e)
			break
		}
	}
	if e.Username == "" {
		e.Actor = g.as(g.staff.agents[branchOf(c)][agentOf(c)], store.RoleAgent, branches[branchOf(c)].Code)
	}
	e.SessionRef, e.RequestID = hexOf(r.Uint64())[:8], hexOf(r.Uint64())+hexOf(r.Uint64())[:8]
	e.ClientIP = fmt.Sprintf("10.%d.%d.%d", branchOf(c), r.IntN(256), 1+r.IntN(254))
	return e
}

func (g *events) as(a account, role, branch string) audit.Actor {
	return audit.Actor{UserID: a.ID, Username: a.Name, Role: role, Branch: branch}
}

func (g *events) draftID(c int64) string { return strconv.FormatInt(g.firstID+c, 10) }

func (g *events) onDraft(c int64, e *audit.Event, action audit.Action) {
	e.Action = action
	e.EntityType = "draft"
	e.EntityID = g.draftID(c)
}

func (g *events) draftUpdated(c int64, e *audit.Event) {
	g.onDraft(c, e, audit.DraftUpdated)
	city := cities[branches[branchOf(c)].Country]
	e.Before = map[string]any{"current_city": city[int(c)%len(city)]}
	e.After = map[string]any{"current_city": city[int(c+1)%len(city)]}
}

func (g *events) draftViewed(c int64, e *audit.Event) { g.onDraft(c, e, audit.DraftViewed) }

func (g *events) draftCreated(c int64, e *audit.Event) {
	g.onDraft(c, e, audit.DraftCreated)
	b := branches[branchOf(c)]
	ref := audit.NewIDRef(g.key, idNumber(b.Country, c)) // as drafts.Service records it
	e.After = map[string]any{"country": b.Country, "pack_version": 1, "id_type": national[b.Country].code,
		"id_last4": ref.Last4, "id_hmac": ref.HMAC, "issued_country": b.Country, "branch": b.Code}
}

func (g *events) customerSearched(c int64, e *audit.Event) {
	b := branches[branchOf(c)]
	ref := audit.NewIDRef(g.key, idNumber(b.Country, c))
	e.Action = audit.CustomerSearched
	e.EntityType = "customer"
	e.EntityID = ecrnOf(c)
	e.After = map[string]any{"country": b.Country, "id_type": national[b.Country].code, "issued_country": b.Country,
		"id_last4": ref.Last4, "id_hmac": ref.HMAC, "result": "found", "own_matches": 1}
}

func (g *events) recordsSearched(c int64, e *audit.Event) {
	e.Action, e.EntityType = audit.RecordsSearched, "drafts"
	e.After = map[string]any{"by": "name", "drafts": []int64{g.firstID + c}, "more": false}
}

func (g *events) documentUploaded(c int64, e *audit.Event) {
	g.onDraft(c, e, audit.DocumentUploaded)
	e.After = map[string]any{"kind": "id_front", "content_type": "image/jpeg", "bytes": 412_000 + c%90_000,
		"width": 2400, "height": 1512, "sha256": hexOf(uint64(c)) + hexOf(uint64(c)*31), "warnings": []string{}} // #nosec G115 -- c counts up from 0
}

func (g *events) login(c int64, e *audit.Event) {
	e.Action, e.EntityType = audit.LoginSuccess, "user"
	e.EntityID = strconv.FormatInt(g.staff.agents[branchOf(c)][agentOf(c)].ID, 10)
}

func (g *events) logout(c int64, e *audit.Event) {
	g.login(c, e)
	e.Action = audit.Logout
}

// moved makes a change of a submission's state; a checker approves.
func moved(action audit.Action, from, to string) func(*events, int64, *audit.Event) {
	return func(g *events, c int64, e *audit.Event) {
		e.Action = action
		e.EntityType = "submission"
		e.EntityID = g.draftID(c)
		e.Before, e.After = map[string]any{"state": from}, map[string]any{"state": to}
		if action == audit.SubmissionApproved {
			e.Actor = g.as(g.staff.supervisors[branchOf(c)][0], store.RoleSupervisor, branches[branchOf(c)].Code)
		}
	}
}

var worker = audit.Actor{Username: "cdp-worker", Role: "system"}

func (g *events) cdpAttempt(c int64, e *audit.Event) {
	e.Actor = worker
	e.Action = audit.CDPAttempt
	e.EntityType = "submission"
	e.EntityID = g.draftID(c)
	e.After = map[string]any{"call": "onboard", "outcome": "accepted", "status": 200, "code": 20001,
		"latency_ms": 40 + c%200, "request_id": hexOf(uint64(c))} // #nosec G115 -- c counts up from 0
}

func (g *events) cdpOutcome(c int64, e *audit.Event) {
	e.Actor = worker
	e.Action = audit.CDPOutcome
	e.EntityType = "submission"
	e.EntityID = g.draftID(c)
	e.Before = map[string]any{"state": "sending"}
	e.After = map[string]any{"state": "onboarded", "outcome": "accepted", "status": 200, "code": 20001, "ecrn": ecrnOf(c)}
}

func (g *events) auditViewed(c int64, e *audit.Event) {
	b := branches[branchOf(c)]
	e.Actor = g.as(g.staff.supervisors[branchOf(c)][1], store.RoleSupervisor, b.Code)
	e.Action = audit.AuditViewed
	e.EntityType = "audit"
	e.EntityID = "list"
	e.After = map[string]any{"branch": b.Code, "group": "drafts"}
}

func (g *events) accessDenied(c int64, e *audit.Event) {
	e.Action = audit.AccessDenied
	e.EntityType = "route"
	e.EntityID = "GET /audit"
	e.Outcome, e.Reason = audit.Denied, "role agent not in [supervisor admin]"
}

func hexOf(v uint64) string {
	var b [8]byte
	for i := range b {
		b[i] = byte(v >> (8 * i)) // #nosec G115 -- one byte of v at a time, by design
	}
	return hex.EncodeToString(b[:])
}
