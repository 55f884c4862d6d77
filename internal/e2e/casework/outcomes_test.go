package casework

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/documents/corpus"
	"kycportal/internal/e2e"
	"kycportal/internal/packs"
)

// TestPreflightJourney: a PDF over the CDP's per-document limit is refused at once, with the
// limit in the message; a nationality the CDP would refuse is shown at review, on its
// field, before any checker sees the case; corrected, the review is clean.
func TestPreflightJourney(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	agent := p.NewUser("agent")
	page := p.SignedIn(t, agent)
	d := cdptest.DraftNamed("ae-national")
	d.IDNumber, d.Values["nationality"] = cdptest.EmiratesID(6001), "AQ"
	pack, _ := packs.Default().Latest(d.Country)
	draftURL := e2e.BuildDraft(t, p, page, d.Country, d.IDType, d.IDNumber, e2e.PackSteps(pack, d.Values), e2e.PackFiles(pack, d.IDType))

	_, err := page.Goto(draftURL + "?step=documents")
	e2e.Check(t, err)
	large := filepath.Join(t.TempDir(), "large-report.pdf")
	e2e.Check(t, os.WriteFile(large, corpus.File(t, corpus.LargePDF), 0o600))
	e2e.Check(t, page.GetByTestId("file-ekyc_confirmation").SetInputFiles(large))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("upload-error-ekyc_confirmation")).ToContainText("the CDP accepts at most 5 MB per document"))
	p.Capture(page, "pdf-over-the-cdp-limit")

	_, err = page.Goto(draftURL + "?step=review")
	e2e.Check(t, err)
	issue := page.GetByTestId("review-issue").Filter(playwright.LocatorFilterOptions{HasText: "Nationality"})
	e2e.Check(t, e2e.Expect.Locator(issue).ToContainText("the CDP would refuse this"))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submit")).ToHaveCount(0))
	p.Capture(page, "review-preflight")
	e2e.Check(t, issue.Locator("a").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("error-nationality")).ToContainText("uninhabited territory"))
	e2e.Fill(t, page, "nationality", "IN")
	e2e.SaveStep(t, page, "addresses")
	_, err = page.Goto(draftURL + "?step=review")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("review-complete")).ToBeVisible())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submit")).ToBeVisible())
}

// TestOutcomesInPlainWords: the agent reads CDP answers in the catalogue's words, never a
// code: a draft for a blocked ID is refused with its reason; a customer the CDP creates under
// compliance review says so and what happens next; the supervisor alone finds the code and
// request id behind "Details". (The per-pack journeys check "Onboarded".)
func TestOutcomesInPlainWords(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	page, checker := p.SignedIn(t, agent), p.SignedIn(t, supervisor)

	e2e.Check(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "New onboarding"}).First().Click())
	e2e.SelectValue(t, page.GetByTestId("new-country"), "AE")
	e2e.SelectValue(t, page.GetByTestId("new-id-type"), "4")
	e2e.Check(t, page.GetByTestId("new-id-number").Fill("784197734567890"))
	e2e.Check(t, page.GetByTestId("new-submit").Click())
	refusal := page.GetByTestId("error-id_number")
	e2e.Check(t, e2e.Expect.Locator(refusal).ToContainText("Customer blocked"))
	e2e.Check(t, e2e.Expect.Locator(refusal).ToContainText("Do not onboard"))
	e2e.Check(t, e2e.Expect.Locator(refusal).Not().ToContainText("45051"))
	p.Capture(page, "blocked-draft-refused")

	d := cdptest.DraftNamed("ae-national")
	pack, _ := packs.Default().Latest(d.Country)
	draftURL := e2e.BuildDraft(t, p, page, d.Country, d.IDType, "784200167890126", e2e.PackSteps(pack, d.Values), e2e.PackFiles(pack, d.IDType))
	e2e.Submit(t, page, draftURL, "awaiting approval")
	e2e.Approve(t, checker, supervisor)
	e2e.WaitForState(t, p, page, draftURL, "under investigation")
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("outcome-title")).ToHaveText("Created, under compliance review"))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("outcome-next")).ToContainText("compliance decides"))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submission")).Not().ToContainText("45013"))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("timeline-detail")).ToHaveCount(0))
	p.Capture(page, "under-review")

	_, err := checker.Goto("/approvals")
	e2e.Check(t, err)
	_, err = checker.Goto(strings.Replace(draftURL, "/drafts/", "/approvals/", 1))
	e2e.Check(t, err)
	details := checker.GetByTestId("timeline-attempt").GetByTestId("timeline-detail").Last()
	e2e.Check(t, details.Locator("summary").Click())
	e2e.Check(t, e2e.Expect.Locator(details).ToContainText("code 45013"))
	p.Capture(checker, "case-details")
}
