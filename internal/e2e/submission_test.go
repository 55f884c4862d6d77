package e2e

import (
	"regexp"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
)

// laylaSteps are every step of a complete AE draft, and laylaFiles its documents.
var (
	laylaSteps = []step{
		{"personal", map[string]string{"first_name": "Layla", "last_name": "Haddad", "gender": "Female",
			"date_of_birth": "1985-02-11", "nationality": "AE", "country_of_birth": "AE", "resident_type_id": "101",
			"primary_mobile_number": "+971502106707", "email_id": "layla@example.com", "occupation_id": "224"}},
		{"addresses", map[string]string{"current_city": "Dubai", "current_country": "AE"}},
		{"identity", map[string]string{"name_as_per_id": "LAYLA HADDAD", "date_of_expiry": "2029-05-01"}},
		{"classification", map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
			"txn_count_month": "5", "txn_vol_month": "3000"}},
	}
	laylaFiles = []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"}
)

// TestSubmissionJourney: an agent submits an AE customer; the supervisor returns it for a
// missing place of birth; the agent adds it and resubmits; the supervisor approves with their
// password, and the agent sees "onboarded" with the ECRN. (A value the CDP would refuse no
// longer reaches it: TestPreflightJourney shows it stopped at review.)
func TestSubmissionJourney(t *testing.T) {
	t.Parallel()
	p := Start(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	page := p.Page(t)
	login(t, page, agent)
	draftURL := buildDraft(t, p, page, "AE", "4", "784-1985-0000003-3", laylaSteps, laylaFiles)
	submit(t, page, draftURL, "awaiting approval")

	checker := p.Page(t)
	login(t, checker, supervisor)
	returnForPlaceOfBirth(t, checker)

	_, err := page.Goto(draftURL + "?step=review")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("returned-place_of_birth")).ToContainText("Missing"))
	p.Capture(page, "returned")
	correct(t, page, draftURL, "place_of_birth", "Sharjah")
	approve(t, checker, supervisor)
	p.Capture(checker, "approved")

	waitForState(t, page, draftURL, "onboarded")
	check(t, expect.Locator(page.GetByTestId("submission-ecrn")).ToHaveText(regexpECRN))
	check(t, expect.Locator(page.GetByTestId("timeline-attempt").Filter(playwright.LocatorFilterOptions{HasText: "Sent to the CDP"})).ToHaveCount(1))
	p.Capture(page, "onboarded")
}

// correct sets one field of a returned draft on the personal step, saves the step and
// submits the correction.
func correct(t *testing.T, page playwright.Page, draftURL, name, value string) {
	t.Helper()
	_, err := page.Goto(draftURL + "?step=personal")
	check(t, err)
	fill(t, page, name, value)
	saveStep(t, page, "addresses")
	submit(t, page, draftURL, "awaiting approval")
}

// returnForPlaceOfBirth claims the case and returns it to its agent: the place of birth is missing.
func returnForPlaceOfBirth(t *testing.T, checker playwright.Page) {
	t.Helper()
	openCase(t, checker)
	selectValue(t, checker.GetByTestId("reason-place_of_birth"), "missing")
	check(t, checker.GetByTestId("comment").Fill("Ask for the place of birth"))
	check(t, checker.GetByTestId("return").Click())
	check(t, expect.Locator(checker.GetByTestId("approval-state")).ToHaveText("returned"))
}

// approve claims the case and approves it with the supervisor's password.
func approve(t *testing.T, page playwright.Page, supervisor User) {
	t.Helper()
	openCase(t, page)
	check(t, page.GetByTestId("step-up").Fill(supervisor.Password))
	check(t, page.GetByTestId("approve").Click())
	check(t, expect.Locator(page.GetByTestId("approval-state")).Not().ToHaveText("awaiting approval"))
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

// viewDocument opens the case's ID front in the viewer, zooms it to 200% and turns it a
// quarter, each seen on the image, and goes back to the case.
func viewDocument(t *testing.T, p *Portal, page playwright.Page) {
	t.Helper()
	check(t, page.GetByTestId("case-view-id_front").Click())
	img := page.GetByTestId("viewer-image")
	check(t, expect.Locator(img).ToHaveJSProperty("complete", true))
	fits, err := img.Evaluate(`img => img.naturalWidth > 0 && img.getBoundingClientRect().width <= img.closest(".viewer-frame").clientWidth`, nil)
	check(t, err)
	fitWidth, err := img.Evaluate(`img => img.getBoundingClientRect().width`, nil)
	check(t, err)
	check(t, page.GetByLabel("200%").Check())
	zoomed, err := img.Evaluate(`(img, fit) => img.getBoundingClientRect().width >= 1.9 * fit`, fitWidth)
	check(t, err)
	if fits != true || zoomed != true {
		t.Errorf("viewer: loaded and fitting %v, twice as wide at 200%% as at Fit %v", fits, zoomed)
	}
	check(t, page.GetByLabel("90°", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Check())
	check(t, expect.Locator(img).ToHaveCSS("transform", regexp.MustCompile(`^matrix\([-0-9.e]+, 1, -1, [-0-9.e]+, [-0-9.e]+, [-0-9.e]+\)$`)))
	p.Capture(page, "viewer-zoomed-rotated")
	check(t, page.GetByTestId("viewer-back").Click())
	check(t, expect.Locator(page.GetByTestId("approval")).ToBeVisible())
}

// waitForState reloads the draft's review, which shows its submission, until that shows
// state: the worker sends it in the background.
func waitForState(t *testing.T, page playwright.Page, draftURL, state string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := page.Goto(draftURL + "?step=review")
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
