package access

import (
	"bytes"
	"encoding/csv"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/audit"
	"kycportal/internal/e2e"
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
	p := e2e.Shared(t, "PORTAL_REQUIRE_TOTP=true")
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	secret := p.EnrolTOTP(supervisor)
	page := p.SignedIn(t, agent)
	number := "784-1979-0000007-2"
	e2e.SearchAgain(t, page, e2e.Customer{Country: "AE", IDType: "4", Number: number, Outcome: "not_found"})
	e2e.Check(t, page.GetByTestId("start-onboarding").Click())
	e2e.Check(t, e2e.Expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	draftURL := page.URL()
	e2e.FillDraft(t, p, page, draftURL, layla, []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg", "ekyc_report:report.pdf"})
	_, err := page.Goto(draftURL + "?step=review")
	e2e.Check(t, err)
	p.Capture(page, "review")
	submits := countRequests(t, page, "**/submit")
	e2e.Check(t, page.GetByTestId("submit").Dblclick())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submission-state")).ToHaveText("awaiting approval"))
	if n := e2e.CountEvents(t, p.DSN, "submission.submitted"); n != 1 || submits.Load() != 1 {
		t.Errorf("a double click on submit sent %d requests and made %d submissions; want 1 and 1", submits.Load(), n)
	}

	checker := p.Page(t)
	loginWithCode(t, p, checker, supervisor, secret)
	p.Capture(checker, "supervisor-home")
	e2e.Check(t, checker.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Approvals"}).Click())
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("approval-row")).ToHaveCount(1))
	p.Capture(checker, "approvals")
	e2e.OpenCase(t, checker)
	p.Capture(checker, "case-claimed")
	viewDocument(t, p, checker)
	e2e.Check(t, checker.GetByTestId("step-up").Fill(supervisor.Password))
	e2e.Check(t, checker.GetByTestId("approve").Click())
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("approval-state")).Not().ToHaveText("awaiting approval"))
	e2e.WaitForState(t, p, page, draftURL, "onboarded")
	ecrn, err := page.GetByTestId("submission-ecrn").TextContent()
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("timeline-attempt").Filter(playwright.LocatorFilterOptions{HasText: "Sent to the CDP"})).ToHaveCount(1))
	p.Capture(page, "onboarded")

	_, err = checker.Goto("/audit")
	e2e.Check(t, err)
	e2e.Check(t, checker.GetByTestId("filter-id-number").Fill(number))
	e2e.Check(t, checker.GetByTestId("filter-id-apply").Click())
	story := []string{"customer.searched", "draft.created", "document.uploaded", "submission.submitted",
		"submission.claimed", "submission.approved", "cdp.attempt", "cdp.outcome"}
	expectStory(t, checker, story)
	if strings.Contains(checker.URL(), "1979") {
		t.Errorf("the ID number reached the address: %s", checker.URL())
	}
	p.Capture(checker, "story-by-id-number")

	_, err = checker.Goto("/audit?customer=" + ecrn)
	e2e.Check(t, err)
	shown := expectStory(t, checker, story[1:]) // a search knows no ECRN yet
	p.Capture(checker, "story-by-ecrn")

	_, err = checker.Goto("/audit?customer=" + ecrn)
	e2e.Check(t, err)
	download, err := checker.ExpectDownload(func() error { return checker.GetByTestId("export-csv").Click() })
	e2e.Check(t, err)
	path, err := download.Path()
	e2e.Check(t, err)
	file, err := os.Open(path)
	e2e.Check(t, err)
	defer file.Close()
	records, err := csv.NewReader(file).ReadAll()
	e2e.Check(t, err)
	if len(records)-1 != shown {
		t.Errorf("the export holds %d events, the page showed %d", len(records)-1, shown)
	}

	e2e.Check(t, checker.GetByTestId("verify-now").Click())
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("chain-banner")).ToContainText("Chain intact"))
	p.Capture(checker, "chain-verified")

	_, err = checker.Goto(strings.Replace(draftURL, "/drafts/", "/approvals/", 1))
	e2e.Check(t, err)
	evidencePack(t, checker, 4)
}

// evidencePack downloads the case's evidence pack from its page and checks it offline with
// the log's public key alone, as `portal audit verify-pack` does.
func evidencePack(t *testing.T, checker playwright.Page, documents int) {
	t.Helper()
	download, err := checker.ExpectDownload(func() error { return checker.GetByTestId("case-evidence").Click() })
	e2e.Check(t, err)
	path, err := download.Path()
	e2e.Check(t, err)
	pack, err := os.ReadFile(path) // #nosec G304 -- the browser's download of this test
	e2e.Check(t, err)
	key, err := audit.ParseKey(e2e.SigningKey)
	e2e.Check(t, err)
	public, err := audit.PublicVerifier(key.Public())
	e2e.Check(t, err)
	rep, err := audit.VerifyPack(bytes.NewReader(pack), int64(len(pack)), public)
	if err != nil || rep.Documents != documents || rep.Events == 0 {
		t.Errorf("the evidence pack: %+v %v, want %d documents and the case's events", rep, err, documents)
	}
}

// countRequests counts the page's requests to addresses matching pattern from now on.
func countRequests(t *testing.T, page playwright.Page, pattern string) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	e2e.Check(t, page.Route(pattern, func(r playwright.Route) {
		n.Add(1)
		_ = r.Continue()
	}))
	return &n
}

// layla is a complete AE customer, step by step.
var layla = []e2e.Step{
	{Key: "personal", Values: map[string]string{"first_name": "Layla", "last_name": "Haddad", "gender": "Female",
		"date_of_birth": "1979-02-11", "place_of_birth": "Sharjah", "nationality": "AE", "country_of_birth": "AE",
		"resident_type_id": "101", "primary_mobile_number": "+971502106707", "email_id": "layla@example.com",
		"occupation_id": "224"}},
	{Key: "addresses", Values: map[string]string{"current_city": "Dubai", "current_country": "AE"}},
	{Key: "identity", Values: map[string]string{"name_as_per_id": "LAYLA HADDAD", "date_of_expiry": "2029-05-01"}},
	{Key: "classification", Values: map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
		"txn_count_month": "5", "txn_vol_month": "3000"}},
}

// expectStory checks that the audit page lists the actions of story in that order (oldest
// first) among its rows, and returns how many rows it shows.
func expectStory(t *testing.T, page playwright.Page, story []string) int {
	t.Helper()
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("audit-row").First()).ToBeVisible())
	var actions []string
	for {
		onPage, err := page.GetByTestId("audit-action").AllTextContents()
		e2e.Check(t, err)
		actions = append(actions, onPage...)
		older := page.GetByTestId("audit-older")
		if n, _ := older.Count(); n == 0 {
			break
		}
		e2e.Check(t, older.Click())
		e2e.Check(t, page.WaitForLoadState())
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
	p := e2e.Shared(t)
	admin := p.NewUser("admin")
	adminPage, agentPage := p.Page(t), p.Page(t)
	e2e.Login(t, adminPage, admin)
	p.Capture(adminPage, "admin-home")
	_, err := adminPage.Goto("/admin/branches")
	e2e.Check(t, err)
	p.Capture(adminPage, "branches")
	_, err = adminPage.Goto("/")
	e2e.Check(t, err)
	e2e.Check(t, adminPage.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Agents"}).Click())
	p.Capture(adminPage, "users")
	e2e.Check(t, adminPage.GetByTestId("new-user").Click())
	for testID, value := range map[string]string{"user-username": "amira", "user-display-name": "Amira Saleh",
		"reason": "joins the Deira branch"} {
		e2e.Check(t, adminPage.GetByTestId(testID).Fill(value))
	}
	_, err = adminPage.GetByTestId("user-branch").SelectOption(playwright.SelectOptionValues{Values: &[]string{p.Branch()}})
	e2e.Check(t, err)
	e2e.Check(t, adminPage.GetByTestId("user-country-AE").Check())
	p.Capture(adminPage, "new-user")
	e2e.Check(t, adminPage.GetByTestId("user-create").Click())
	password, err := adminPage.GetByTestId("new-password").TextContent()
	e2e.Check(t, err)
	p.Capture(adminPage, "user-created")

	e2e.SignIn(t, agentPage, e2e.User{Username: "amira", Password: password})
	e2e.Check(t, e2e.Expect.Locator(agentPage.GetByTestId("account-password")).ToBeVisible())
	p.Capture(agentPage, "password-to-change")
	e2e.Check(t, agentPage.GetByLabel("Current password").Fill(password))
	e2e.Check(t, agentPage.GetByLabel("New password (at least 12 characters)").Fill("a passphrase of Amira's own"))
	e2e.Check(t, agentPage.GetByTestId("password-save").Click())
	e2e.Check(t, e2e.Expect.Locator(agentPage.GetByTestId("current-user")).ToHaveText("Amira Saleh"))

	e2e.Check(t, adminPage.Locator(`[data-testid="action-disable"] input[name="reason"]`).Fill("left the bank"))
	e2e.Check(t, adminPage.Locator(`[data-testid="action-disable"] button`).Click())
	e2e.Check(t, e2e.Expect.Locator(adminPage.GetByTestId("user-state")).ToHaveText("no"))
	p.Capture(adminPage, "agent-disabled")

	e2e.Check(t, agentPage.GetByRole("link", playwright.PageGetByRoleOptions{Name: "My cases"}).Click())
	e2e.ExpectLoginPage(t, agentPage)
	e2e.Check(t, e2e.Expect.Locator(agentPage.GetByTestId("login-notice")).ToContainText("Your account was disabled"))
	p.Capture(agentPage, "agent-sent-to-login")
}

// viewDocument opens the case's ID front in the viewer, zooms it to 200% and turns it a
// quarter, each seen on the image, and goes back to the case.
func viewDocument(t *testing.T, p *e2e.Portal, page playwright.Page) {
	t.Helper()
	e2e.Check(t, page.GetByTestId("case-view-id_front").Click())
	img := page.GetByTestId("viewer-image")
	e2e.Check(t, e2e.Expect.Locator(img).ToHaveJSProperty("complete", true))
	fits, err := img.Evaluate(`img => img.naturalWidth > 0 && img.getBoundingClientRect().width <= img.closest(".viewer-frame").clientWidth`, nil)
	e2e.Check(t, err)
	fitWidth, err := img.Evaluate(`img => img.getBoundingClientRect().width`, nil)
	e2e.Check(t, err)
	e2e.Check(t, page.GetByLabel("200%").Check())
	zoomed, err := img.Evaluate(`(img, fit) => img.getBoundingClientRect().width >= 1.9 * fit`, fitWidth)
	e2e.Check(t, err)
	if fits != true || zoomed != true {
		t.Errorf("viewer: loaded and fitting %v, twice as wide at 200%% as at Fit %v", fits, zoomed)
	}
	e2e.Check(t, page.GetByLabel("90°", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Check())
	e2e.Check(t, e2e.Expect.Locator(img).ToHaveCSS("transform", regexp.MustCompile(`^matrix\([-0-9.e]+, 1, -1, [-0-9.e]+, [-0-9.e]+, [-0-9.e]+\)$`)))
	p.Capture(page, "viewer-zoomed-rotated")
	e2e.Check(t, page.GetByTestId("viewer-back").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("approval")).ToBeVisible())
}
