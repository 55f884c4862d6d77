package casework

import (
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/e2e"
)

// TestSubmissionJourney: an agent submits an AE customer; the supervisor returns it for a
// missing place of birth; the agent adds it and resubmits; the supervisor approves with their
// password, and the agent sees "onboarded" with the ECRN. (A value the CDP would refuse no
// longer reaches it: TestPreflightJourney shows it stopped at review.)
func TestSubmissionJourney(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	page := p.SignedIn(t, agent)
	draftURL := e2e.BuildDraft(t, p, page, "AE", "4", "784-1985-0000003-3", e2e.LaylaSteps, e2e.LaylaFiles)
	e2e.Submit(t, page, draftURL, "awaiting approval")

	checker := p.SignedIn(t, supervisor)
	returnForPlaceOfBirth(t, checker)

	_, err := page.Goto(draftURL + "?step=review")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("returned-place_of_birth")).ToContainText("Missing"))
	p.Capture(page, "returned")
	correct(t, page, draftURL, "place_of_birth", "Sharjah")
	e2e.Approve(t, checker, supervisor)
	p.Capture(checker, "approved")

	e2e.WaitForState(t, p, page, draftURL, "onboarded")
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submission-ecrn")).ToHaveText(e2e.RegexpECRN))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("timeline-attempt").Filter(playwright.LocatorFilterOptions{HasText: "Sent to the CDP"})).ToHaveCount(1))
	p.Capture(page, "onboarded")
}

// correct sets one field of a returned draft on the personal step, saves the step and
// submits the correction.
func correct(t *testing.T, page playwright.Page, draftURL, name, value string) {
	t.Helper()
	_, err := page.Goto(draftURL + "?step=personal")
	e2e.Check(t, err)
	e2e.Fill(t, page, name, value)
	e2e.SaveStep(t, page, "addresses")
	e2e.Submit(t, page, draftURL, "awaiting approval")
}

// returnForPlaceOfBirth claims the case and returns it to its agent: the place of birth is missing.
func returnForPlaceOfBirth(t *testing.T, checker playwright.Page) {
	t.Helper()
	e2e.OpenCase(t, checker)
	e2e.SelectValue(t, checker.GetByTestId("reason-place_of_birth"), "missing")
	e2e.Check(t, checker.GetByTestId("comment").Fill("Ask for the place of birth"))
	e2e.Check(t, checker.GetByTestId("return").Click())
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("approval-state")).ToHaveText("returned"))
}
