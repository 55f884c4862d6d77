package e2e

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestSupervisorReadsTheCustomerStory: after an agent searched, built, documented and
// submitted a customer and the supervisor approved it, the supervisor finds the whole story
// on the audit page, by ID number and by ECRN, exports it, and verifies the chain.
func TestSupervisorReadsTheCustomerStory(t *testing.T) {
	p := Start(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	page := p.Page(t)
	login(t, page, agent)
	number := "784-1979-0000007-2"
	searchAgain(t, page, demoCustomer{country: "AE", idType: "4", number: number, outcome: "not_found"})
	draftURL := buildDraft(t, p, page, "AE", "4", number, layla, []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"})
	submit(t, page, draftURL, "awaiting approval")

	checker := p.Page(t)
	login(t, checker, supervisor)
	openCase(t, checker)
	check(t, checker.GetByTestId("step-up").Fill(supervisor.Password))
	check(t, checker.GetByTestId("approve").Click())
	waitForState(t, page, draftURL, "onboarded")
	ecrn, err := page.GetByTestId("submission-ecrn").TextContent()
	check(t, err)

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
	p.Screenshot(checker, "story-by-id-number")

	_, err = checker.Goto("/audit?customer=" + ecrn)
	check(t, err)
	shown := expectStory(t, checker, story[1:]) // a search knows no ECRN yet
	p.Screenshot(checker, "story-by-ecrn")

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
	p.Screenshot(checker, "chain-verified")
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

// TestAdminDisablesAnAgentWithAnOpenBrowser: the agent's next click lands on the login page.
func TestAdminDisablesAnAgentWithAnOpenBrowser(t *testing.T) {
	p := Start(t)
	agent, admin := p.NewUser("agent"), p.NewUser("admin")
	agentPage, adminPage := p.Page(t), p.Page(t)
	login(t, agentPage, agent)
	login(t, adminPage, admin)
	check(t, adminPage.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Agents"}).Click())
	check(t, adminPage.GetByRole("link", playwright.PageGetByRoleOptions{Name: agent.Username, Exact: playwright.Bool(true)}).Click())
	check(t, adminPage.Locator(`[data-testid="action-disable"] input[name="reason"]`).Fill("left the bank"))
	check(t, adminPage.Locator(`[data-testid="action-disable"] button`).Click())
	check(t, expect.Locator(adminPage.GetByTestId("user-state")).ToHaveText("no"))
	p.Screenshot(adminPage, "agent-disabled")

	check(t, agentPage.GetByRole("link", playwright.PageGetByRoleOptions{Name: "My drafts"}).Click())
	expectLoginPage(t, agentPage)
	p.Screenshot(agentPage, "agent-sent-to-login")
}
