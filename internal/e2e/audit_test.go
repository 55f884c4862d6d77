package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/playwright-community/playwright-go"

	"kycportal/internal/audit"
)

// TestOnboardingJourney is the agent's and the supervisor's journey, then the audit story
// it leaves. An agent searches a new Emirates ID, finds it unknown, starts the onboarding
// from the result, fills every step, uploads both sides of the ID, the face and an e-KYC
// report, and double-clicks submit: one submission. The supervisor, who must use a second
// factor, signs in with a code, claims the case, views the ID front zoomed and rotated, and
// approves with their password; the agent sees "onboarded" with the ECRN on the timeline.
// The supervisor then finds the whole story on the audit page, by ID number and by ECRN,
// exports it, verifies the log, and downloads the case's evidence pack, which verifies
// offline.
func TestOnboardingJourney(t *testing.T) {
	t.Parallel()
	p := Start(t, "PORTAL_REQUIRE_TOTP=true")
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	secret := p.EnrolTOTP(supervisor)
	page := p.Page(t)
	login(t, page, agent)
	number := "784-1979-0000007-2"
	searchAgain(t, page, demoCustomer{country: "AE", idType: "4", number: number, outcome: "not_found"})
	check(t, page.GetByTestId("start-onboarding").Click())
	check(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	draftURL := page.URL()
	fillDraft(t, p, page, draftURL, layla, []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg", "ekyc_report:report.pdf"})
	_, err := page.Goto(draftURL + "?step=review")
	check(t, err)
	p.Capture(page, "review")
	submits := countRequests(t, page, "**/submit")
	check(t, page.GetByTestId("submit").Dblclick())
	check(t, expect.Locator(page.GetByTestId("submission-state")).ToHaveText("awaiting approval"))
	if n := countEvents(t, p.DSN, "submission.submitted"); n != 1 || submits.Load() != 1 {
		t.Errorf("a double click on submit sent %d requests and made %d submissions; want 1 and 1", submits.Load(), n)
	}

	checker := p.Page(t)
	loginWithCode(t, p, checker, supervisor, secret)
	p.Capture(checker, "supervisor-home")
	check(t, checker.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Approvals"}).Click())
	check(t, expect.Locator(checker.GetByTestId("approval-row")).ToHaveCount(1))
	p.Capture(checker, "approvals")
	openCase(t, checker)
	p.Capture(checker, "case-claimed")
	viewDocument(t, p, checker)
	check(t, checker.GetByTestId("step-up").Fill(supervisor.Password))
	check(t, checker.GetByTestId("approve").Click())
	check(t, expect.Locator(checker.GetByTestId("approval-state")).Not().ToHaveText("awaiting approval"))
	waitForState(t, page, draftURL, "onboarded")
	ecrn, err := page.GetByTestId("submission-ecrn").TextContent()
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("timeline-attempt").Filter(playwright.LocatorFilterOptions{HasText: "Sent to the CDP"})).ToHaveCount(1))
	p.Capture(page, "onboarded")

	_, err = checker.Goto("/audit")
	check(t, err)
	check(t, checker.GetByTestId("filter-id-number").Fill(number))
	check(t, checker.GetByTestId("filter-id-apply").Click())
	story := []string{"customer.searched", "draft.created", "document.uploaded", "submission.submitted",
		"submission.claimed", "submission.approved", "cdp.attempt", "cdp.outcome"}
	expectStory(t, checker, story)
	if strings.Contains(checker.URL(), "1979") {
		t.Errorf("the ID number reached the address: %s", checker.URL())
	}
	p.Capture(checker, "story-by-id-number")

	_, err = checker.Goto("/audit?customer=" + ecrn)
	check(t, err)
	shown := expectStory(t, checker, story[1:]) // a search knows no ECRN yet
	p.Capture(checker, "story-by-ecrn")

	_, err = checker.Goto("/audit?customer=" + ecrn)
	check(t, err)
	download, err := checker.ExpectDownload(func() error { return checker.GetByTestId("export-csv").Click() })
	check(t, err)
	path, err := download.Path()
	check(t, err)
	file, err := os.Open(path)
	check(t, err)
	defer file.Close()
	records, err := csv.NewReader(file).ReadAll()
	check(t, err)
	if len(records)-1 != shown {
		t.Errorf("the export holds %d events, the page showed %d", len(records)-1, shown)
	}

	check(t, checker.GetByTestId("verify-now").Click())
	check(t, expect.Locator(checker.GetByTestId("chain-banner")).ToContainText("Chain intact"))
	p.Capture(checker, "chain-verified")

	_, err = checker.Goto(strings.Replace(draftURL, "/drafts/", "/approvals/", 1))
	check(t, err)
	evidencePack(t, checker, 4)
}

// evidencePack downloads the case's evidence pack from its page and checks it offline with
// the log's public key alone, as `portal audit verify-pack` does.
func evidencePack(t *testing.T, checker playwright.Page, documents int) {
	t.Helper()
	download, err := checker.ExpectDownload(func() error { return checker.GetByTestId("case-evidence").Click() })
	check(t, err)
	path, err := download.Path()
	check(t, err)
	pack, err := os.ReadFile(path) // #nosec G304 -- the browser's download of this test
	check(t, err)
	key, err := audit.ParseKey(SigningKey)
	check(t, err)
	public, err := audit.PublicVerifier(key.Public())
	check(t, err)
	rep, err := audit.VerifyPack(bytes.NewReader(pack), int64(len(pack)), public)
	if err != nil || rep.Documents != documents || rep.Events == 0 {
		t.Errorf("the evidence pack: %+v %v, want %d documents and the case's events", rep, err, documents)
	}
}

// countRequests counts the page's requests to addresses matching pattern from now on.
func countRequests(t *testing.T, page playwright.Page, pattern string) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	check(t, page.Route(pattern, func(r playwright.Route) {
		n.Add(1)
		_ = r.Continue()
	}))
	return &n
}

// countEvents counts the audit events of action in the portal's database.
func countEvents(t *testing.T, dsn, action string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	check(t, err)
	defer conn.Close(ctx)
	var n int
	check(t, conn.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n))
	return n
}

// layla is a complete AE customer, step by step.
var layla = []step{
	{"personal", map[string]string{"first_name": "Layla", "last_name": "Haddad", "gender": "Female",
		"date_of_birth": "1979-02-11", "place_of_birth": "Sharjah", "nationality": "AE", "country_of_birth": "AE",
		"resident_type_id": "101", "primary_mobile_number": "+971502106707", "email_id": "layla@example.com",
		"occupation_id": "224"}},
	{"addresses", map[string]string{"current_city": "Dubai", "current_country": "AE"}},
	{"identity", map[string]string{"name_as_per_id": "LAYLA HADDAD", "date_of_expiry": "2029-05-01"}},
	{"classification", map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
		"txn_count_month": "5", "txn_vol_month": "3000"}},
}

// expectStory checks that the audit page lists the actions of story in that order (oldest
// first) among its rows, and returns how many rows it shows.
func expectStory(t *testing.T, page playwright.Page, story []string) int {
	t.Helper()
	check(t, expect.Locator(page.GetByTestId("audit-row").First()).ToBeVisible())
	var actions []string
	for {
		onPage, err := page.GetByTestId("audit-action").AllTextContents()
		check(t, err)
		actions = append(actions, onPage...)
		older := page.GetByTestId("audit-older")
		if n, _ := older.Count(); n == 0 {
			break
		}
		check(t, older.Click())
		check(t, page.WaitForLoadState())
	}
	slices.Reverse(actions) // the pages are newest first
	next := 0
	for _, a := range actions {
		if next < len(story) && a == story[next] {
			next++
		}
	}
	if next != len(story) {
		t.Errorf("the audit shows %v; the story %v is missing from %q on", actions, story, story[next])
	}
	return len(actions)
}

// TestAdminDisablesAnAgentWithAnOpenBrowser: an admin creates an agent, who signs in with
// the password shown once and must choose their own; the admin disables the agent while
// their browser is open, and the agent's next click lands on the login page.
func TestAdminDisablesAnAgentWithAnOpenBrowser(t *testing.T) {
	t.Parallel()
	p := Start(t)
	admin := p.NewUser("admin")
	adminPage, agentPage := p.Page(t), p.Page(t)
	login(t, adminPage, admin)
	p.Capture(adminPage, "admin-home")
	_, err := adminPage.Goto("/admin/branches")
	check(t, err)
	p.Capture(adminPage, "branches")
	_, err = adminPage.Goto("/")
	check(t, err)
	check(t, adminPage.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Agents"}).Click())
	p.Capture(adminPage, "users")
	check(t, adminPage.GetByTestId("new-user").Click())
	for testID, value := range map[string]string{"user-username": "amira", "user-display-name": "Amira Saleh",
		"reason": "joins the Deira branch"} {
		check(t, adminPage.GetByTestId(testID).Fill(value))
	}
	_, err = adminPage.GetByTestId("user-branch").SelectOption(playwright.SelectOptionValues{Values: &[]string{"DXB"}})
	check(t, err)
	check(t, adminPage.GetByTestId("user-country-AE").Check())
	p.Capture(adminPage, "new-user")
	check(t, adminPage.GetByTestId("user-create").Click())
	password, err := adminPage.GetByTestId("new-password").TextContent()
	check(t, err)
	p.Capture(adminPage, "user-created")

	signIn(t, agentPage, User{Username: "amira", Password: password})
	check(t, expect.Locator(agentPage.GetByTestId("account-password")).ToBeVisible())
	p.Capture(agentPage, "password-to-change")
	check(t, agentPage.GetByLabel("Current password").Fill(password))
	check(t, agentPage.GetByLabel("New password (at least 12 characters)").Fill("a passphrase of Amira's own"))
	check(t, agentPage.GetByTestId("password-save").Click())
	check(t, expect.Locator(agentPage.GetByTestId("current-user")).ToHaveText("Amira Saleh"))

	check(t, adminPage.Locator(`[data-testid="action-disable"] input[name="reason"]`).Fill("left the bank"))
	check(t, adminPage.Locator(`[data-testid="action-disable"] button`).Click())
	check(t, expect.Locator(adminPage.GetByTestId("user-state")).ToHaveText("no"))
	p.Capture(adminPage, "agent-disabled")

	check(t, agentPage.GetByRole("link", playwright.PageGetByRoleOptions{Name: "My cases"}).Click())
	expectLoginPage(t, agentPage)
	check(t, expect.Locator(agentPage.GetByTestId("login-notice")).ToContainText("Your account was disabled"))
	p.Capture(agentPage, "agent-sent-to-login")
}
