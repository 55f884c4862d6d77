package e2e

import (
	"regexp"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
)

// TestSubmissionJourney: an agent submits an AE customer; the supervisor returns it for a
// missing field; the agent corrects and resubmits; the supervisor approves with their
// password; the agent sees "onboarded" with the ECRN on the timeline.
func TestSubmissionJourney(t *testing.T) {
	p := Start(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	page := p.Page(t)
	login(t, page, agent)
	draftURL := buildDraft(t, p, page, "AE", "4", "784-1985-0000003-3", []step{
		{"personal", map[string]string{"first_name": "Layla", "last_name": "Haddad", "gender": "Female",
			"date_of_birth": "1985-02-11", "nationality": "AE", "country_of_birth": "AE", "resident_type_id": "101",
			"primary_mobile_number": "+971502106707", "email_id": "layla@example.com", "occupation_id": "224"}},
		{"addresses", map[string]string{"current_city": "Dubai", "current_country": "AE"}},
		{"identity", map[string]string{"name_as_per_id": "LAYLA HADDAD", "date_of_expiry": "2029-05-01"}},
		{"classification", map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
			"txn_count_month": "5", "txn_vol_month": "3000"}},
	}, []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"})
	submit(t, page, draftURL, "awaiting approval")

	checker := p.Page(t)
	login(t, checker, supervisor)
	openCase(t, checker)
	selectValue(t, checker.GetByTestId("reason-place_of_birth"), "missing")
	check(t, checker.GetByTestId("comment").Fill("Ask for the place of birth"))
	check(t, checker.GetByTestId("return").Click())
	check(t, expect.Locator(checker.GetByTestId("approval-state")).ToHaveText("returned"))

	_, err := page.Goto(draftURL + "?step=review")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("returned-place_of_birth")).ToContainText("Missing"))
	p.Screenshot(page, "returned")
	_, err = page.Goto(draftURL + "?step=personal")
	check(t, err)
	fill(t, page, "place_of_birth", "Sharjah")
	check(t, page.GetByTestId("save-continue").Click())
	check(t, expect.Locator(page.GetByTestId("draft")).ToBeVisible())
	submit(t, page, draftURL, "awaiting approval")

	openCase(t, checker)
	check(t, checker.GetByTestId("step-up").Fill(supervisor.Password))
	check(t, checker.GetByTestId("approve").Click())
	check(t, expect.Locator(checker.GetByTestId("approval-state")).Not().ToHaveText("awaiting approval"))
	p.Screenshot(checker, "approved")

	waitForState(t, page, draftURL, "onboarded")
	check(t, expect.Locator(page.GetByTestId("submission-ecrn")).ToHaveText(regexpECRN))
	check(t, expect.Locator(page.GetByTestId("timeline-attempt").Filter(playwright.LocatorFilterOptions{HasText: "CDP onboard"})).ToHaveCount(1))
	p.Screenshot(page, "onboarded")
}

var regexpECRN = regexp.MustCompile(`^[0-9]{16}$`)

// submit presses the review step's submit button and expects the state shown.
func submit(t *testing.T, page playwright.Page, draftURL, state string) {
	t.Helper()
	_, err := page.Goto(draftURL + "?step=review")
	check(t, err)
	check(t, page.GetByTestId("submit").Click())
	check(t, expect.Locator(page.GetByTestId("submission-state")).ToHaveText(state))
}

// openCase opens the one case of the supervisor's approvals and claims it.
func openCase(t *testing.T, page playwright.Page) {
	t.Helper()
	_, err := page.Goto("/approvals")
	check(t, err)
	check(t, page.GetByTestId("approval-row").Locator("a").First().Click())
	check(t, page.GetByTestId("claim").Click())
	check(t, expect.Locator(page.GetByTestId("claimed")).ToBeVisible())
}

// waitForState reloads the draft until its submission shows state: the worker sends it
// in the background.
func waitForState(t *testing.T, page playwright.Page, draftURL, state string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := page.Goto(draftURL)
		check(t, err)
		got, err := page.GetByTestId("submission-state").TextContent()
		check(t, err)
		if got == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("submission still %q after 30s, want %q", got, state)
		}
	}
}
