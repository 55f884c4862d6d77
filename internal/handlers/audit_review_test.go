package handlers

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"

	"kycportal/internal/app"
	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/branches/branchtest"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// record appends n events by actor of branch, with after as their change.
func (e *env) record(n int, username, branch string, action audit.Action, after any) {
	e.t.Helper()
	ctx := context.Background()
	for i := range n {
		err := e.db.InTx(ctx, func(tx pgx.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Actor: audit.Actor{Username: username, Role: "agent", Branch: branch},
				Action: action, EntityType: "draft", EntityID: fmt.Sprint(i), After: after})
		})
		if err != nil {
			e.t.Fatal(err)
		}
	}
}

// reviewer signs in a user of role in branch.
func (e *env) reviewer(role, branch string) *client {
	e.t.Helper()
	name := fmt.Sprintf("%s-%s-%d", role, strings.ToLower(branch), time.Now().UnixNano()%1e6)
	branchtest.Ensure(e.t, e.db.Pool, branch)
	_, err := e.app.Accounts.CreateUser(context.Background(), auth.NewUser{Username: name, Role: role, Branch: branch},
		"a reviewer's long passphrase", "test")
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.client()
	c.signIn(name)
	return c
}

func auditActionsShown(doc *goquery.Document) []string {
	return doc.Find(`[data-testid="audit-row"] [data-testid="audit-action"]`).
		Map(func(_ int, s *goquery.Selection) string { return s.Text() })
}

func TestAuditScopeIsTheSupervisorsBranch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.record(3, "agent-a", "A", audit.DraftCreated, nil)
	e.record(2, "agent-b", "B", audit.DraftUpdated, nil)
	sup := e.reviewer(store.RoleSupervisor, "A")
	for _, path := range []string{"/audit", "/audit?branch=B", "/audit?agent=agent-b"} {
		_, doc := sup.page(path)
		if slices.Contains(auditActionsShown(doc), "draft.updated") {
			t.Errorf("%s shows branch B's events to a supervisor of A", path)
		}
	}
	var idB int64
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT max(id) FROM audit_events WHERE actor_branch = 'B'`).Scan(&idB); err != nil {
		t.Fatal(err)
	}
	if r := sup.do(http.MethodGet, fmt.Sprintf("/audit/%d", idB), nil); r.StatusCode != 404 {
		t.Errorf("branch B's event for a supervisor of A: %d, want 404", r.StatusCode)
	}
	admin := e.reviewer(store.RoleAdmin, "HQ")
	_, doc := admin.page("/audit?branch=B")
	if got := auditActionsShown(doc); len(got) != 2 || got[0] != "draft.updated" {
		t.Errorf("admin filtering branch B sees %v", got)
	}
	if r := admin.do(http.MethodGet, fmt.Sprintf("/audit/%d", idB), nil); r.StatusCode != 200 {
		t.Errorf("branch B's event for an admin: %d", r.StatusCode)
	}
}

func TestAuditFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.record(2, "amira", "A", audit.DraftCreated, map[string]string{"ecrn": "7841003233051516"})
	e.record(1, "amira", "A", audit.LoginFailure, nil)
	e.record(1, "basil", "A", audit.DocumentUploaded, nil)
	admin := e.reviewer(store.RoleAdmin, "HQ")
	cases := map[string][]string{
		"/audit?agent=amira&group=drafts":        {"draft.created", "draft.created"},
		"/audit?agent=basil":                     {"document.uploaded"},
		"/audit?customer=7841003233051516":       {"draft.created", "draft.created"},
		"/audit?group=sessions&branch=A":         {"login.failure"},
		"/audit?outcome=failure&agent=amira":     {}, // recorded as success: the outcome is the event's, not the action's
		"/audit?from=2000-01-01&to=2000-01-02":   {},
		"/audit?group=no-such-group&agent=basil": {"document.uploaded"}, // an unknown group is ignored
	}
	for path, want := range cases {
		_, doc := admin.page(path)
		if got := auditActionsShown(doc); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%s shows %v, want %v", path, got, want)
		}
	}
	resp := admin.do(http.MethodGet, "/audit?agent=basil", nil, "HX-Request", "true")
	if body := readBody(t, resp); strings.Contains(body, "<html") || !strings.Contains(body, `id="audit-results"`) {
		t.Error("an htmx filter request does not get the results region alone")
	}
	e.expectAudited("audit.viewed", "viewing the audit was not recorded")
}

// New events arriving between pages neither repeat nor hide older ones.
func TestAuditPagesStayStableWhileEventsArrive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.record(120, "amira", "A", audit.DraftUpdated, nil)
	admin := e.reviewer(store.RoleAdmin, "HQ")
	seen := map[string]bool{}
	path := "/audit?agent=amira"
	for page := 1; path != ""; page++ {
		_, doc := admin.page(path)
		doc.Find(`[data-testid="audit-row"] td:first-child a`).Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			if seen[href] {
				t.Errorf("page %d repeats %s", page, href)
			}
			seen[href] = true
		})
		e.record(7, "amira", "A", audit.DraftUpdated, nil) // arriving meanwhile
		path, _ = doc.Find(`[data-testid="audit-older"]`).Attr("href")
	}
	if len(seen) != 120 {
		t.Errorf("pages showed %d distinct events, want the 120 that existed when paging began", len(seen))
	}
}

func TestAuditEventShowsTheChangeFieldByField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	err := audit.RecordAlone(ctx, e.db.Pool, audit.Event{Actor: audit.Actor{Username: "amira", Role: "agent", Branch: "A"},
		Action: audit.DraftUpdated, EntityType: "draft", EntityID: "17", Reason: "typo",
		Before: map[string]string{"last_name": "HASAN"}, After: map[string]string{"last_name": "HASSAN", "city": "Dubai"}})
	if err != nil {
		t.Fatal(err)
	}
	admin := e.reviewer(store.RoleAdmin, "HQ")
	_, list := admin.page("/audit?agent=amira")
	href, _ := list.Find(`[data-testid="audit-row"] a`).First().Attr("href")
	_, doc := admin.page(href)
	rows := doc.Find(`[data-testid="event-changes"] tbody tr`).Map(func(_ int, s *goquery.Selection) string {
		return strings.Join(s.Children().Map(func(_ int, cell *goquery.Selection) string { return cell.Text() }), "|")
	})
	if !slices.Equal(rows, []string{"city||Dubai", "last_name|HASAN|HASSAN"}) ||
		doc.Find(`[data-testid="event-reason"]`).Text() != "typo" {
		t.Errorf("changes = %q", rows)
	}
}

func TestAuditExport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.record(
		3,
		"amira",
		"A",
		audit.DraftUpdated,
		map[string]string{"id_number": "784199012345676", "city": "=HYPERLINK(1)"},
	)
	sup := e.reviewer(store.RoleSupervisor, "A")
	records := readCSV(t, sup.do(http.MethodGet, "/audit/export?agent=amira", nil))
	if len(records) != 4 {
		t.Fatalf("masked export: %d lines, want a header and 3 rows", len(records))
	}
	after := records[1][14]
	if strings.Contains(after, "784199012345676") || !strings.Contains(after, "5676") {
		t.Errorf("masked export shows %q", after)
	}
	if _, _, got := e.lastEvent("audit.exported"); !strings.Contains(got, `"agent": "amira"`) ||
		!strings.Contains(got, `"masked"`) {
		t.Errorf("audit.exported after = %s", got)
	}
	sup.page("/audit")
	records = readCSV(t, sup.post("/audit/export?agent=amira", url.Values{"reason": {"FIU request 2026-118"}}))
	if !strings.Contains(records[1][14], "784199012345676") {
		t.Errorf("unmasked export shows %q", records[1][14])
	}
	if reason, _, got := e.lastEvent("audit.exported"); reason != "FIU request 2026-118" ||
		!strings.Contains(got, "unmasked") {
		t.Errorf("unmasked export recorded as %q %s", reason, got)
	}
	if r := sup.post("/audit/export", url.Values{"reason": {""}}); r.StatusCode != 422 {
		t.Errorf("unmasked export without a reason: %d", r.StatusCode)
	}
	for _, rec := range records[1:] {
		for _, cell := range rec {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("cell %q would run as a spreadsheet formula", cell)
			}
		}
	}
}

// TestAuditExportIsRecordedBeforeItsFirstByte: when the trail cannot take the export's
// event, nothing of the trail is exported; when it can, the event is there before the CSV.
func TestAuditExportIsRecordedBeforeItsFirstByte(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.record(3, "amira", "A", audit.DraftUpdated, map[string]string{"id_number": "784199012345676"})
	sup := e.reviewer(store.RoleSupervisor, "A")
	_, err := e.db.Pool.Exec(context.Background(), `
		CREATE FUNCTION refuse_exports() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.action = 'audit.exported' THEN RAISE EXCEPTION 'the trail is full'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_exports BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_exports();`)
	if err != nil {
		t.Fatal(err)
	}
	sup.page("/audit")
	resp := sup.post("/audit/export?agent=amira", url.Values{"reason": {"quarterly review"}})
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(body, "784199012345676") ||
		strings.Contains(body, "occurred_at_utc") {
		t.Errorf("export the trail could not record: %d %s\n%.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if _, err := e.db.Pool.Exec(context.Background(), `DROP TRIGGER refuse_exports ON audit_events`); err != nil {
		t.Fatal(err)
	}
	resp = sup.post("/audit/export?agent=amira", url.Values{"reason": {"quarterly review"}})
	defer resp.Body.Close()
	first := make([]byte, 1)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	if reason, _, after := e.lastEvent("audit.exported"); reason != "quarterly review" ||
		!strings.Contains(after, "unmasked") {
		t.Errorf("at the first byte, the export's event is %q %s", reason, after)
	}
}

// TestAuditExportDefusesEveryPart: every cell is quoted; a formula after a separator inside
// a cell is defused, not only one at its start; only ID fields are masked (the export's own
// "id_numbers" marker stays readable).
func TestAuditExportDefusesEveryPart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	err := audit.RecordAlone(
		context.Background(),
		e.db.Pool,
		audit.Event{Actor: audit.Actor{Username: "amira", Role: "agent", Branch: "A"},
			Action: audit.DraftDiscarded, EntityType: "draft", EntityID: "9", Reason: "x;=cmd|' /C calc'!A0"},
	)
	if err != nil {
		t.Fatal(err)
	}
	sup := e.reviewer(store.RoleSupervisor, "A")
	resp := sup.do(http.MethodGet, "/audit/export", nil)
	body := readBody(t, resp)
	for _, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if !strings.HasPrefix(line, `"`) || !strings.HasSuffix(line, `"`) ||
			strings.Count(line, `","`) != len(exportHeader)-1 {
			t.Errorf("a line not quoted cell by cell: %s", line)
		}
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var reasons, afters []string
	for _, r := range records[1:] {
		reasons, afters = append(reasons, r[9]), append(afters, r[14])
	}
	if !slices.Contains(reasons, "x;'=cmd|' /C calc'!A0") {
		t.Errorf("reasons exported: %q", reasons)
	}
	if !slices.ContainsFunc(afters, func(a string) bool { return strings.Contains(a, `"id_numbers":"masked"`) }) {
		t.Errorf("the export's own marker is not readable: %q", afters)
	}
}

func readCSV(t *testing.T, resp *http.Response) [][]string {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	records, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// TestAuditExportStreamsEveryRow exports 100,000 events: every one reaches the CSV.
func TestAuditExportStreamsEveryRow(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("100,000 events")
	}
	e := newEnv(t)
	_, err := e.db.Pool.Exec(context.Background(), `INSERT INTO audit_events (id, occurred_at, actor_username,
		actor_role, actor_branch, session_ref, request_id, client_ip, action, entity_type, entity_id, after,
		reason, outcome, prev_hash, hash)
		SELECT nextval('audit_events_id_seq'), now(), 'bulk', 'agent', 'A', 's', 'r', '127.0.0.1', 'draft.updated',
			'draft', g::text, jsonb_build_object('city', repeat('x', 200), 'n', g), '', 'success',
			'\x00'::bytea, sha256(g::text::bytea)
		FROM generate_series(1, 100000) g`)
	if err != nil {
		t.Fatal(err)
	}
	admin := e.reviewer(store.RoleAdmin, "HQ")
	resp := admin.do(http.MethodGet, "/audit/export?agent=bulk", nil)
	defer resp.Body.Close()
	r := csv.NewReader(resp.Body)
	rows := -1 // the header
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d rows: %v", rows, err)
		}
		rows++
	}
	// Its memory is measured by make bench (export under 64 MiB RSS at 10M events).
	if rows != 100000 {
		t.Errorf("exported %d rows, want 100000", rows)
	}
}

func TestAuditVerifyFromThePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.record(4, "amira", "A", audit.DraftUpdated, nil)
	admin := e.reviewer(store.RoleAdmin, "HQ")
	testdb.SealAudit(t, e.db.Pool)
	_, doc := admin.page("/audit")
	if !strings.Contains(doc.Find(`[data-testid="chain-banner"]`).Text(), "not been verified") {
		t.Errorf("banner before any check: %q", doc.Find(`[data-testid="chain-banner"]`).Text())
	}
	r := admin.post("/audit/verify", nil)
	r.Body.Close()
	_, doc = admin.page("/audit")
	if banner := doc.Find(`[data-testid="chain-banner"]`).Text(); !strings.Contains(banner, "Chain intact") ||
		!strings.Contains(banner, "whole chain") {
		t.Errorf("banner after verify: %q", banner)
	}
	_, err := e.db.Pool.Exec(context.Background(), `ALTER TABLE audit_events DISABLE TRIGGER USER;
		UPDATE audit_events SET reason = 'edited' WHERE id = (SELECT min(id) FROM audit_events);
		ALTER TABLE audit_events ENABLE TRIGGER USER`)
	if err != nil {
		t.Fatal(err)
	}
	sup := e.reviewer(store.RoleSupervisor, "A")
	sup.post("/audit/verify", nil).Body.Close()
	_, doc = sup.page("/audit")
	if banner := doc.Find(`[data-testid="chain-banner"]`).Text(); !strings.Contains(banner, "BROKEN") ||
		!strings.Contains(banner, "branch A") {
		t.Errorf("supervisor's banner after tampering: %q", banner)
	}
}

// A customer named by its ECRN brings the events of its draft and submission, which do not
// carry the ECRN themselves.
func TestAuditCustomerStoryByECRN(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent, _ := e.user(store.RoleAgent)
	id := e.submission(agent, "DXB-01", "onboarded", time.Hour, time.Minute, "")
	ctx := context.Background()
	if _, err := e.db.Pool.Exec(ctx, `UPDATE submissions SET ecrn = '7841003235214285' WHERE draft_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []audit.Event{
		{Action: audit.DraftCreated, EntityType: "draft", EntityID: fmt.Sprint(id)},
		{Action: audit.SubmissionApproved, EntityType: "submission", EntityID: fmt.Sprint(id)},
		{Action: audit.CDPOutcome, EntityType: "submission", EntityID: fmt.Sprint(id), After: map[string]string{"ecrn": "7841003235214285"}},
		{Action: audit.DraftCreated, EntityType: "draft", EntityID: fmt.Sprint(id + 1000)}, // another customer
		{Action: audit.UserCreated, EntityType: "user", EntityID: fmt.Sprint(id)},          // same number, not a draft
	} {
		ev.Actor = audit.Actor{Username: "amira", Role: "agent", Branch: "DXB-01"}
		if err := audit.RecordAlone(ctx, e.db.Pool, ev); err != nil {
			t.Fatal(err)
		}
	}
	admin := e.reviewer(store.RoleAdmin, "HQ")
	for _, ref := range []string{"7841003235214285", fmt.Sprint(id)} {
		_, doc := admin.page("/audit?customer=" + ref)
		got := auditActionsShown(doc)
		if want := []string{"cdp.outcome", "submission.approved", "draft.created"}; !slices.Equal(got, want) {
			t.Errorf("customer %s: %v, want %v", ref, got, want)
		}
	}
}

// The events about one ID number are found through its keyed hash and the drafts that hold
// it; the number travels in a form and is kept nowhere but in those drafts.
func TestAuditByIDNumber(t *testing.T) {
	t.Parallel()
	key := []byte(strings.Repeat("k", 32))
	e := newEnv(t, func(o *app.Options, _ *Deps) { o.AuditKey = key })
	agent, _ := e.user(store.RoleAgent)
	id := e.submission(agent, "DXB-01", "onboarded", time.Hour, time.Minute, "")
	ctx := context.Background()
	if _, err := e.db.Pool.Exec(ctx, `UPDATE drafts SET id_number = '784199012345676' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	actor := audit.Actor{Username: "amira", Role: "agent", Branch: "DXB-01"}
	for _, ev := range []audit.Event{
		{Actor: actor, Action: audit.CustomerSearched, EntityType: "customer", EntityID: "-", After: audit.NewIDRef(key, "784199012345676")},
		{Actor: actor, Action: audit.DraftCreated, EntityType: "draft", EntityID: fmt.Sprint(id)},
		{Actor: actor, Action: audit.CustomerSearched, EntityType: "customer", EntityID: "-", After: audit.NewIDRef(key, "784198823456789")},
	} {
		if err := audit.RecordAlone(ctx, e.db.Pool, ev); err != nil {
			t.Fatal(err)
		}
	}
	sup := e.reviewer(store.RoleSupervisor, "DXB-01")
	sup.page("/audit")
	resp := sup.post("/audit/by-id", url.Values{"id_number": {"784-1990-1234567-6"}})
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := auditActionsShown(doc); !slices.Equal(got, []string{"draft.created", "customer.searched"}) ||
		resp.StatusCode != 200 {
		t.Errorf("events about the number: %d %v", resp.StatusCode, got)
	}
	var viewed string
	if err := e.db.Pool.QueryRow(ctx, `SELECT after::text FROM audit_events WHERE action = 'audit.viewed' ORDER BY id DESC LIMIT 1`).Scan(&viewed); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(viewed, "784199012345676") || !strings.Contains(viewed, `"id_last4": "5676"`) {
		t.Errorf("audit.viewed keeps %s", viewed)
	}
	if strings.Contains(e.logs.String(), "784199012345676") || strings.Contains(e.logs.String(), "1234567") {
		t.Error("the number reached the log")
	}
}

// TestAuditListFoldsViewsAndNamesTheCustomer: the list leaves out the views of drafts and
// documents until asked, names a case's customer with the ID number masked, and an
// unverified chain is not shown as good news.
func TestAuditListFoldsViewsAndNamesTheCustomer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	number := validEmiratesID(5000)
	id := agent.completeDraft(number)
	agent.page(fmt.Sprintf("/drafts/%d?step=review", id))
	readBody(t, agent.do(http.MethodGet, fmt.Sprintf("/drafts/%d/documents/face?size=thumb", id), nil))
	sup := e.reviewer(store.RoleSupervisor, "DXB-01")
	actions := func(doc *goquery.Document) string {
		return strings.Join(
			doc.Find(`[data-testid="audit-action"]`).Map(func(_ int, s *goquery.Selection) string { return s.Text() }),
			" ",
		)
	}
	_, doc := sup.page("/audit")
	if got := actions(doc); strings.Contains(got, "viewed") || !strings.Contains(got, "draft.updated") {
		t.Errorf("default list: %s; want the changes without the views", got)
	}
	updated := doc.Find(`[data-testid="audit-row"]`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.Find(`[data-testid="audit-action"]`).Text() == "draft.updated"
	})
	if object := updated.Find(`td:nth-child(4)`).First().Text(); object != fmt.Sprintf(
		"Fatima Hassan · •••• %s (case %d)",
		number[11:],
		id,
	) {
		t.Errorf("object %q, want the customer's name and masked ID", object)
	}
	if doc.Find(`.banner-chain-unchecked`).Length() != 1 {
		t.Error("an unverified chain is not shown in a neutral colour")
	}
	href, _ := doc.Find(`[data-testid="views-toggle"]`).Attr("href")
	_, doc = sup.page(href)
	if got := actions(doc); !strings.Contains(got, "draft.viewed") || !strings.Contains(got, "document.viewed") {
		t.Errorf("with views shown (%s): %s", href, got)
	}
}
