package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/documents/corpus"
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

// onboardAll runs the journey, on one portal, for each realistic draft that pick keeps: in
// parallel, each in a branch of its own, with its own agent and supervisor.
func onboardAll(t *testing.T, pick func(cdptest.Draft) bool) {
	p := Start(t)
	for i, d := range cdptest.Drafts() {
		if !pick(d) {
			continue
		}
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			p := p.InBranch(t, fmt.Sprintf("DXB-%d", i))
			agent, supervisor := p.NewUserFor("agent", "AE,MY,IN,PH"), p.NewUserFor("supervisor", "AE,MY,IN,PH")
			page, checker := p.Page(t), p.Page(t)
			login(t, page, agent)
			login(t, checker, supervisor)
			onboard(t, p, page, checker, supervisor, d)
		})
	}
}

// onboard takes the realistic draft d from the search to "onboarded", in the browser.
func onboard(t *testing.T, p *Portal, page, checker playwright.Page, supervisor User, d cdptest.Draft) {
	pack, _ := packs.Default().Latest(d.Country)
	searchID(t, page, d)
	check(t, page.GetByTestId("start-onboarding").Click())
	check(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	draftURL := page.URL()
	fillDraft(t, p, page, draftURL, packSteps(pack, d.Values), packFiles(pack, d.IDType))
	_, err := page.Goto(draftURL + "?step=review")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("review-complete")).ToBeVisible())
	p.Capture(page, d.Name+"-review")
	if pack.MakerChecker {
		submit(t, page, draftURL, "awaiting approval")
		approve(t, checker, supervisor)
	} else {
		check(t, page.GetByTestId("submit").Click())
	}
	waitForState(t, page, draftURL, "onboarded")
	check(t, expect.Locator(page.GetByTestId("submission-ecrn")).ToHaveText(regexpECRN))
	check(t, expect.Locator(page.GetByTestId("outcome-title")).ToHaveText("Onboarded"))
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
	searchIssued(t, page, demoCustomer{country: d.Country, idType: d.IDType, number: d.IDNumber, outcome: "not_found"}, issued)
}

// packSteps are values as the pack's steps ask for them, in the form's order; an empty
// value is left as it is.
func packSteps(pack *packs.Pack, values map[string]string) []step {
	var out []step
	for _, s := range pack.Sections {
		st := step{key: s.Key, values: map[string]string{}}
		for _, f := range s.Fields {
			if v := values[f.Name]; v != "" {
				st.values[f.Name] = v
			}
		}
		out = append(out, st)
	}
	return out
}

// packFiles are a file of the upload corpus for every document the pack takes for the ID type.
func packFiles(pack *packs.Pack, idType string) []string {
	t, _ := pack.IDType(idType)
	var out []string
	for _, d := range pack.Documents {
		switch {
		case d.Kind == packs.DocIDBack && !t.HasBack:
		case packs.IsReport(d.Kind):
			out = append(out, d.Kind+":report.pdf")
		default:
			out = append(out, d.Kind+":"+strings.ReplaceAll(d.Kind, "_", "-")+".jpg")
		}
	}
	return out
}

// TestPreflightJourney: a PDF over the CDP's per-document limit is refused at once, with the
// limit in the message; a nationality the CDP would refuse is shown at review, on its
// field, before any checker sees the case; corrected, the review is clean.
func TestPreflightJourney(t *testing.T) {
	t.Parallel()
	p := Start(t)
	agent := p.NewUser("agent")
	page := p.Page(t)
	login(t, page, agent)
	d := cdptest.DraftNamed("ae-national")
	d.IDNumber, d.Values["nationality"] = "784-1985-0000003-3", "AQ"
	pack, _ := packs.Default().Latest(d.Country)
	draftURL := buildDraft(t, p, page, d.Country, d.IDType, d.IDNumber, packSteps(pack, d.Values), packFiles(pack, d.IDType))

	_, err := page.Goto(draftURL + "?step=documents")
	check(t, err)
	large := filepath.Join(t.TempDir(), "large-report.pdf")
	check(t, os.WriteFile(large, corpus.File(t, corpus.LargePDF), 0o600))
	check(t, page.GetByTestId("file-ekyc_confirmation").SetInputFiles(large))
	check(t, expect.Locator(page.GetByTestId("upload-error-ekyc_confirmation")).ToContainText("the CDP accepts at most 5 MB per document"))
	p.Capture(page, "pdf-over-the-cdp-limit")

	_, err = page.Goto(draftURL + "?step=review")
	check(t, err)
	issue := page.GetByTestId("review-issue").Filter(playwright.LocatorFilterOptions{HasText: "Nationality"})
	check(t, expect.Locator(issue).ToContainText("the CDP would refuse this"))
	check(t, expect.Locator(page.GetByTestId("submit")).ToHaveCount(0))
	p.Capture(page, "review-preflight")
	check(t, issue.Locator("a").Click())
	check(t, expect.Locator(page.GetByTestId("error-nationality")).ToContainText("uninhabited territory"))
	fill(t, page, "nationality", "IN")
	saveStep(t, page, "addresses")
	_, err = page.Goto(draftURL + "?step=review")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("review-complete")).ToBeVisible())
	check(t, expect.Locator(page.GetByTestId("submit")).ToBeVisible())
}

// TestOutcomesInPlainWords: the agent reads CDP answers in the catalogue's words, never a
// code: a draft for a blocked ID is refused with its reason; a customer the CDP creates under
// compliance review says so and what happens next; the supervisor alone finds the code and
// request id behind "Details". (The per-pack journeys check "Onboarded".)
func TestOutcomesInPlainWords(t *testing.T) {
	t.Parallel()
	p := Start(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	page, checker := p.Page(t), p.Page(t)
	login(t, page, agent)
	login(t, checker, supervisor)

	check(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "New onboarding"}).First().Click())
	selectValue(t, page.GetByTestId("new-country"), "AE")
	selectValue(t, page.GetByTestId("new-id-type"), "4")
	check(t, page.GetByTestId("new-id-number").Fill("784197734567890"))
	check(t, page.GetByTestId("new-submit").Click())
	refusal := page.GetByTestId("error-id_number")
	check(t, expect.Locator(refusal).ToContainText("Customer blocked"))
	check(t, expect.Locator(refusal).ToContainText("Do not onboard"))
	check(t, expect.Locator(refusal).Not().ToContainText("45051"))
	p.Capture(page, "blocked-draft-refused")

	d := cdptest.DraftNamed("ae-national")
	pack, _ := packs.Default().Latest(d.Country)
	draftURL := buildDraft(t, p, page, d.Country, d.IDType, "784200167890126", packSteps(pack, d.Values), packFiles(pack, d.IDType))
	submit(t, page, draftURL, "awaiting approval")
	approve(t, checker, supervisor)
	waitForState(t, page, draftURL, "under investigation")
	check(t, expect.Locator(page.GetByTestId("outcome-title")).ToHaveText("Created, under compliance review"))
	check(t, expect.Locator(page.GetByTestId("outcome-next")).ToContainText("compliance decides"))
	check(t, expect.Locator(page.GetByTestId("submission")).Not().ToContainText("45013"))
	check(t, expect.Locator(page.GetByTestId("timeline-detail")).ToHaveCount(0))
	p.Capture(page, "under-review")

	_, err := checker.Goto("/approvals")
	check(t, err)
	_, err = checker.Goto(strings.Replace(draftURL, "/drafts/", "/approvals/", 1))
	check(t, err)
	details := checker.GetByTestId("timeline-attempt").GetByTestId("timeline-detail").Last()
	check(t, details.Locator("summary").Click())
	check(t, expect.Locator(details).ToContainText("code 45013"))
	p.Capture(checker, "case-details")
}
