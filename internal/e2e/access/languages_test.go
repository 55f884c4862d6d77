package access

import (
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/e2e"
)

// TestAgentPagesInArabicAndMalay: the pages follow the browser's language (the choice saved
// in the header, which overrides it, is TestArabicWithTheKeyboardAlone's). The login, home,
// new-draft, draft steps, documents, the submitted case and the checker's case page are
// shot and checked by axe in both languages at both sizes, with lang and dir on <html>.
// The Arabic round fills and submits a case; the Malay round opens the steps of a draft of
// its own as they come, and the Arabic round's case: filling the same fields again would
// show the same words.
func TestAgentPagesInArabicAndMalay(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	agent, checker := p.NewUser("agent"), p.NewUser("supervisor")
	var caseURL string // the case the first round submits
	for _, lang := range []struct{ code, dir, signIn, newDraft, awaiting, idNumber string }{
		{"ar", "rtl", "تسجيل الدخول", "تسجيل عميل جديد", "بانتظار الموافقة", "784-1985-0000004-1"},
		{"ms", "ltr", "Log masuk", "Pendaftaran baharu", "menunggu kelulusan", "784-1985-0000001-7"},
	} {
		page := p.PageIn(t, lang.code)
		_, err := page.Goto("/login")
		e2e.Check(t, err)
		e2e.ExpectLanguage(t, page, lang.code, lang.dir)
		e2e.Check(t, e2e.Expect.Locator(page.Locator("#login-title")).ToHaveText(lang.signIn))
		p.Capture(page, "login-"+lang.code)
		e2e.SignIn(t, page, agent)
		e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("home")).ToBeVisible())
		e2e.ExpectLanguage(t, page, lang.code, lang.dir)
		p.Capture(page, "home-"+lang.code)

		_, err = page.Goto("/drafts/new")
		e2e.Check(t, err)
		e2e.ExpectLanguage(t, page, lang.code, lang.dir)
		e2e.Check(t, e2e.Expect.Locator(page.Locator("#new-title")).ToHaveText(lang.newDraft))
		p.Capture(page, "new-draft-"+lang.code)
		draftURL := draftIn(t, page, lang.idNumber)
		if caseURL == "" {
			e2e.FillSteps(t, p, page, draftURL, e2e.LaylaSteps, e2e.LaylaFiles)
			e2e.Submit(t, page, draftURL, lang.awaiting)
			caseURL = draftURL
		} else {
			showSteps(t, p, page, draftURL, lang.code, lang.dir)
			_, err = page.Goto(caseURL + "?step=review")
			e2e.Check(t, err)
			e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submission-state")).ToHaveText(lang.awaiting))
		}
		e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("timeline")).ToBeVisible())
		p.Capture(page, "case-"+lang.code)
		e2e.Check(t, page.GetByTestId("logout").Click())

		checkerPage := p.PageIn(t, lang.code)
		e2e.Login(t, checkerPage, checker)
		_, err = checkerPage.Goto(strings.Replace(caseURL, "/drafts/", "/approvals/", 1))
		e2e.Check(t, err)
		if caseURL == draftURL { // the first round claims the case; it stays the checker's
			e2e.Check(t, checkerPage.GetByTestId("claim").Click())
		}
		e2e.Check(t, e2e.Expect.Locator(checkerPage.GetByTestId("claimed")).ToBeVisible())
		e2e.ExpectLanguage(t, checkerPage, lang.code, lang.dir)
		p.Capture(checkerPage, "checker-case-"+lang.code)
		e2e.Check(t, checkerPage.GetByTestId("logout").Click())
	}
}

// draftIn starts an AE draft from the new-draft form of a page in any language and returns
// its URL.
func draftIn(t *testing.T, page playwright.Page, idNumber string) string {
	t.Helper()
	e2e.SelectValue(t, page.GetByTestId("new-country"), "AE")
	e2e.SelectValue(t, page.GetByTestId("new-id-type"), "4")
	e2e.Check(t, page.GetByTestId("new-id-number").Fill(idNumber))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("id-valid")).ToBeVisible())
	e2e.Check(t, page.GetByTestId("new-submit").Click())
	e2e.Check(t, e2e.Expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	return page.URL()
}

// showSteps opens each step of the draft at draftURL and its documents, each shot, in the
// language code written in direction dir.
func showSteps(t *testing.T, p *e2e.Portal, page playwright.Page, draftURL, code, dir string) {
	t.Helper()
	for _, key := range []string{"personal", "addresses", "identity", "classification", "documents"} {
		e2e.OpenStep(t, page, draftURL, key)
		e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("step-"+key)).ToHaveAttribute("aria-current", "step"))
		e2e.ExpectLanguage(t, page, code, dir)
		p.Capture(page, key)
	}
}
