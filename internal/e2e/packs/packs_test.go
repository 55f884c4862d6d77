package packs

import (
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/e2e"
	"kycportal/internal/packs"
)

// TestEveryPackOnboards: one journey per pack (AE, MY, IN, PH) and national ID type, each
// from the realistic draft of internal/cdp/cdptest: search the ID → not found → start
// onboarding → fill every step → every document → review with nothing missing and nothing
// the CDP would refuse → submit → approve (when the pack asks for a checker) → onboarded
// with an ECRN, the outcome in the catalogue's words.
func TestEveryPackOnboards(t *testing.T) {
	t.Parallel()
	onboardAll(t, func(d cdptest.Draft) bool { return !strings.HasSuffix(d.Name, "-passport") })
}

// TestEveryPassportOnboards: the same journey for a passport holder of every pack.
func TestEveryPassportOnboards(t *testing.T) {
	t.Parallel()
	onboardAll(t, func(d cdptest.Draft) bool { return strings.HasSuffix(d.Name, "-passport") })
}

// onboardAll runs the journey for each realistic draft that pick keeps: in parallel, on the
// package's portal, each in a branch of its own, with its own agent and supervisor.
func onboardAll(t *testing.T, pick func(cdptest.Draft) bool) {
	for _, d := range cdptest.Drafts() {
		if !pick(d) {
			continue
		}
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			p := e2e.Shared(t)
			agent, supervisor := p.NewUserFor("agent", "AE,MY,IN,PH"), p.NewUserFor("supervisor", "AE,MY,IN,PH")
			page, checker := p.SignedIn(t, agent), p.SignedIn(t, supervisor)
			onboard(t, p, page, checker, supervisor, d)
		})
	}
}

// onboard takes the realistic draft d from the search to "onboarded", in the browser.
func onboard(t *testing.T, p *e2e.Portal, page, checker playwright.Page, supervisor e2e.User, d cdptest.Draft) {
	pack, _ := packs.Default().Latest(d.Country)
	searchID(t, page, d)
	e2e.Check(t, page.GetByTestId("start-onboarding").Click())
	e2e.Check(t, e2e.Expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	draftURL := page.URL()
	e2e.FillDraft(t, p, page, draftURL, e2e.PackSteps(pack, d.Values), e2e.PackFiles(pack, d.IDType))
	_, err := page.Goto(draftURL + "?step=review")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("review-complete")).ToBeVisible())
	p.Capture(page, d.Name+"-review")
	if pack.MakerChecker {
		e2e.Submit(t, page, draftURL, "awaiting approval")
		e2e.Approve(t, checker, supervisor)
	} else {
		e2e.Check(t, page.GetByTestId("submit").Click())
	}
	e2e.WaitForState(t, p, page, draftURL, "onboarded")
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submission-ecrn")).ToHaveText(e2e.RegexpECRN))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("outcome-title")).ToHaveText("Onboarded"))
	p.Capture(page, d.Name+"-onboarded")
}

// searchID searches d's ID on the search page and expects "not found".
func searchID(t *testing.T, page playwright.Page, d cdptest.Draft) {
	t.Helper()
	pack, _ := packs.Default().Latest(d.Country)
	issued := ""
	if it, _ := pack.IDType(d.IDType); it.IssuedCountry == "" {
		issued = d.IssuedCountry
	}
	e2e.SearchIssued(t, page, e2e.Customer{Country: d.Country, IDType: d.IDType, Number: d.IDNumber, Outcome: "not_found"}, issued)
}
