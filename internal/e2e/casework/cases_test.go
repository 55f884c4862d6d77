package casework

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/e2e"
)

// within30s is how long a page may take to show a change of its case by itself.
var within30s = playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(30_000)}

// TestCaseFollowsItself: an agent leaves a submitted case open; the checker returns it and
// the page, the header's inbox count and the case list say so without a reload; corrected
// and approved, the same open page shows "onboarded" by itself.
func TestCaseFollowsItself(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	page := p.SignedIn(t, agent)
	draftURL := e2e.BuildDraft(t, p, page, "AE", "4", "784-1985-0000005-8", []e2e.Step{
		{Key: "personal", Values: map[string]string{"first_name": "Omar", "last_name": "Saleh", "gender": "Male",
			"date_of_birth": "1985-02-11", "nationality": "AE", "country_of_birth": "AE", "resident_type_id": "101",
			"primary_mobile_number": "+971502106708", "email_id": "omar@example.com", "occupation_id": "224"}},
		{Key: "addresses", Values: map[string]string{"current_city": "Dubai", "current_country": "AE"}},
		{Key: "identity", Values: map[string]string{"name_as_per_id": "OMAR SALEH", "date_of_expiry": "2029-05-01"}},
		{Key: "classification", Values: map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
			"txn_count_month": "5", "txn_vol_month": "3000"}},
	}, []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"})
	e2e.Submit(t, page, draftURL, "awaiting approval")
	markPage(t, page)
	list := p.Page(t) // the agent's case list, open in another tab
	e2e.Login(t, list, agent)
	_, err := list.Goto("/drafts")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(list.GetByTestId("case-state-label")).ToHaveText("awaiting approval"))
	markPage(t, list)

	checker := p.SignedIn(t, supervisor)
	returnForPlaceOfBirth(t, checker)

	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submission-state")).ToHaveText("returned", within30s))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("unread-count")).ToHaveText("1 unread", within30s))
	notReloaded(t, page)
	p.Capture(page, "returned-without-reload")
	e2e.Check(t, e2e.Expect.Locator(list.GetByTestId("case-state-label")).ToHaveText("returned", within30s))
	e2e.Check(t, e2e.Expect.Locator(list.GetByTestId("count-returned")).ToContainText("1"))
	notReloaded(t, list)
	p.Capture(list, "case-list-returned")
	e2e.Check(t, page.GetByTestId("inbox-link").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("notice").First()).ToContainText("was returned by the checker"))

	correct(t, page, draftURL, "place_of_birth", "Sharjah")
	markPage(t, page)
	e2e.Approve(t, checker, supervisor)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submission-state")).ToHaveText("onboarded", within30s))
	notReloaded(t, page)
	p.Capture(page, "onboarded-without-reload")

	_, err = checker.Goto("/drafts?state=onboarded")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("case-state-label")).ToHaveText("onboarded"))
	p.Capture(checker, "branch-cases")
}

// markPage leaves a mark on the page's window, which a reload would lose.
func markPage(t *testing.T, page playwright.Page) {
	t.Helper()
	_, err := page.Evaluate(`() => { window.notReloaded = true }`)
	e2e.Check(t, err)
}

func notReloaded(t *testing.T, page playwright.Page) {
	t.Helper()
	marked, err := page.Evaluate(`() => window.notReloaded === true`)
	e2e.Check(t, err)
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
	p := e2e.Shared(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	page := p.SignedIn(t, agent)
	e2e.Check(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Search", Exact: playwright.Bool(true)}).Click())
	e2e.SelectValue(t, page.GetByTestId("search-country"), "AE")
	e2e.SelectValue(t, page.GetByTestId("search-id-type"), "4")
	e2e.Check(t, page.GetByTestId("search-id-number").Fill("784-1990-1234567-6"))
	e2e.Check(t, page.GetByTestId("search-submit").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("outcome-found")).ToBeVisible())
	p.Capture(page, "found-update")
	e2e.Check(t, page.GetByTestId("update-customer").Click())
	e2e.Check(t, e2e.Expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("update-changes")).ToContainText("Update of CDP customer 7841003233051516"))
	draftURL := page.URL()
	e2e.FillSteps(t, p, page, draftURL, []e2e.Step{
		{Key: "personal", Values: map[string]string{"gender": "Male", "date_of_birth": "1990-01-01",
			"nationality": "IN", "country_of_birth": "IN", "resident_type_id": "101", "occupation_id": "224"}},
		{Key: "addresses", Values: map[string]string{"current_city": "Dubai", "current_country": "AE"}},
		{Key: "identity", Values: map[string]string{"name_as_per_id": "ZAFAR BASHIR MASIH", "date_of_expiry": "2031-06-30"}},
		{Key: "classification", Values: map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
			"txn_count_month": "5", "txn_vol_month": "3000"}},
	}, []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"})
	_, err := page.Goto(draftURL + "?step=review")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("change-date_of_expiry")).ToContainText("2031-06-30"))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("update-changes").Locator("tbody tr")).ToHaveCount(1))
	p.Capture(page, "update-diff")
	e2e.Submit(t, page, draftURL, "awaiting approval")
	markPage(t, page)

	checker := p.SignedIn(t, supervisor)
	e2e.OpenCase(t, checker)
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("change-date_of_expiry")).ToContainText("2031-06-30"))
	p.Capture(checker, "update-diff-checker")
	e2e.Check(t, checker.GetByTestId("step-up").Fill(supervisor.Password))
	e2e.Check(t, checker.GetByTestId("approve").Click())

	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submission-state")).ToHaveText("onboarded", within30s))
	notReloaded(t, page)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submission-ecrn")).ToHaveText("7841003233051516"))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("timeline-attempt").Filter(playwright.LocatorFilterOptions{HasText: "Sent the changes to the CDP"})).ToHaveCount(1))
	p.Capture(page, "updated")
	_, err = page.Goto("/drafts?state=updated")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("case-state-label")).ToHaveText("updated"))
}
