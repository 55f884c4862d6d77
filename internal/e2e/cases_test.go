package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// within30s is how long a page may take to show a change of its case by itself.
var within30s = playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(30_000)}

// TestCaseFollowsItself: an agent leaves a submitted case open; the checker returns it and
// the page, the header's inbox count and the case list say so without a reload; corrected
// and approved, the same open page shows "onboarded" by itself.
func TestCaseFollowsItself(t *testing.T) {
	t.Parallel()
	p := Start(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	page := p.Page(t)
	login(t, page, agent)
	draftURL := buildDraft(t, p, page, "AE", "4", "784-1985-0000005-8", []step{
		{"personal", map[string]string{"first_name": "Omar", "last_name": "Saleh", "gender": "Male",
			"date_of_birth": "1985-02-11", "nationality": "AE", "country_of_birth": "AE", "resident_type_id": "101",
			"primary_mobile_number": "+971502106708", "email_id": "omar@example.com", "occupation_id": "224"}},
		{"addresses", map[string]string{"current_city": "Dubai", "current_country": "AE"}},
		{"identity", map[string]string{"name_as_per_id": "OMAR SALEH", "date_of_expiry": "2029-05-01"}},
		{"classification", map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
			"txn_count_month": "5", "txn_vol_month": "3000"}},
	}, []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"})
	submit(t, page, draftURL, "awaiting approval")
	markPage(t, page)
	list := p.Page(t) // the agent's case list, open in another tab
	login(t, list, agent)
	_, err := list.Goto("/drafts")
	check(t, err)
	check(t, expect.Locator(list.GetByTestId("case-state-label")).ToHaveText("awaiting approval"))
	markPage(t, list)

	checker := p.Page(t)
	login(t, checker, supervisor)
	returnForPlaceOfBirth(t, checker)

	check(t, expect.Locator(page.GetByTestId("submission-state")).ToHaveText("returned", within30s))
	check(t, expect.Locator(page.GetByTestId("unread-count")).ToHaveText("1 unread", within30s))
	notReloaded(t, page)
	p.Capture(page, "returned-without-reload")
	check(t, expect.Locator(list.GetByTestId("case-state-label")).ToHaveText("returned", within30s))
	check(t, expect.Locator(list.GetByTestId("count-returned")).ToContainText("1"))
	notReloaded(t, list)
	p.Capture(list, "case-list-returned")
	check(t, page.GetByTestId("inbox-link").Click())
	check(t, expect.Locator(page.GetByTestId("notice").First()).ToContainText("was returned by the checker"))

	correct(t, page, draftURL, "place_of_birth", "Sharjah")
	markPage(t, page)
	approve(t, checker, supervisor)
	check(t, expect.Locator(page.GetByTestId("submission-state")).ToHaveText("onboarded", within30s))
	notReloaded(t, page)
	p.Capture(page, "onboarded-without-reload")

	_, err = checker.Goto("/drafts?state=onboarded")
	check(t, err)
	check(t, expect.Locator(checker.GetByTestId("case-state-label")).ToHaveText("onboarded"))
	p.Capture(checker, "branch-cases")
}

// markPage leaves a mark on the page's window, which a reload would lose.
func markPage(t *testing.T, page playwright.Page) {
	t.Helper()
	_, err := page.Evaluate(`() => { window.notReloaded = true }`)
	check(t, err)
}

func notReloaded(t *testing.T, page playwright.Page) {
	t.Helper()
	marked, err := page.Evaluate(`() => window.notReloaded === true`)
	check(t, err)
	if marked != true {
		t.Error("the page was reloaded")
	}
}

// TestRenewFoundCustomerID: an agent finds the sandbox's demo customer, starts "Update this
// customer", renews the Emirates ID (new expiry, new front and back) and sees the change
// against the CDP's record; the checker sees the same change and approves; the open case
// page shows it sent as an update, and the case list shows it updated.
func TestRenewFoundCustomerID(t *testing.T) {
	t.Parallel()
	p := Start(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	page := p.Page(t)
	login(t, page, agent)
	check(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Search", Exact: playwright.Bool(true)}).Click())
	selectValue(t, page.GetByTestId("search-country"), "AE")
	selectValue(t, page.GetByTestId("search-id-type"), "4")
	check(t, page.GetByTestId("search-id-number").Fill("784-1990-1234567-6"))
	check(t, page.GetByTestId("search-submit").Click())
	check(t, expect.Locator(page.GetByTestId("outcome-found")).ToBeVisible())
	p.Capture(page, "found-update")
	check(t, page.GetByTestId("update-customer").Click())
	check(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	check(t, expect.Locator(page.GetByTestId("update-changes")).ToContainText("Update of CDP customer 7841003233051516"))
	draftURL := page.URL()
	fillSteps(t, p, page, draftURL, []step{
		{"personal", map[string]string{"gender": "Male", "date_of_birth": "1990-01-01",
			"nationality": "IN", "country_of_birth": "IN", "resident_type_id": "101", "occupation_id": "224"}},
		{"addresses", map[string]string{"current_city": "Dubai", "current_country": "AE"}},
		{"identity", map[string]string{"name_as_per_id": "ZAFAR BASHIR MASIH", "date_of_expiry": "2031-06-30"}},
		{"classification", map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
			"txn_count_month": "5", "txn_vol_month": "3000"}},
	}, []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"})
	_, err := page.Goto(draftURL + "?step=review")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("change-date_of_expiry")).ToContainText("2031-06-30"))
	check(t, expect.Locator(page.GetByTestId("update-changes").Locator("tbody tr")).ToHaveCount(1))
	p.Capture(page, "update-diff")
	submit(t, page, draftURL, "awaiting approval")
	markPage(t, page)

	checker := p.Page(t)
	login(t, checker, supervisor)
	openCase(t, checker)
	check(t, expect.Locator(checker.GetByTestId("change-date_of_expiry")).ToContainText("2031-06-30"))
	p.Capture(checker, "update-diff-checker")
	check(t, checker.GetByTestId("step-up").Fill(supervisor.Password))
	check(t, checker.GetByTestId("approve").Click())

	check(t, expect.Locator(page.GetByTestId("submission-state")).ToHaveText("onboarded", within30s))
	notReloaded(t, page)
	check(t, expect.Locator(page.GetByTestId("submission-ecrn")).ToHaveText("7841003233051516"))
	check(t, expect.Locator(page.GetByTestId("timeline-attempt").Filter(playwright.LocatorFilterOptions{HasText: "Sent the changes to the CDP"})).ToHaveCount(1))
	p.Capture(page, "updated")
	_, err = page.Goto("/drafts?state=updated")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("case-state-label")).ToHaveText("updated"))
}
