package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestAgentPagesInArabicAndMalay: the pages follow the browser's language (the choice saved
// in the header, which overrides it, is TestArabicWithTheKeyboardAlone's). The login, home,
// new-draft, draft steps, documents, the submitted case and the checker's case page are
// shot and checked by axe in both languages at both sizes, with lang and dir on <html>.
func TestAgentPagesInArabicAndMalay(t *testing.T) {
	p := Start(t)
	agent, checker := p.NewUser("agent"), p.NewUser("supervisor")
	for _, lang := range []struct{ code, dir, signIn, newDraft, awaiting, idNumber string }{
		{"ar", "rtl", "تسجيل الدخول", "تسجيل عميل جديد", "بانتظار الموافقة", "784-1985-0000004-1"},
		{"ms", "ltr", "Log masuk", "Pendaftaran baharu", "menunggu kelulusan", "784-1985-0000001-7"},
	} {
		page := p.PageIn(t, lang.code)
		_, err := page.Goto("/login")
		check(t, err)
		expectLanguage(t, page, lang.code, lang.dir)
		check(t, expect.Locator(page.Locator("#login-title")).ToHaveText(lang.signIn))
		p.Capture(page, "login-"+lang.code)
		signIn(t, page, agent)
		check(t, expect.Locator(page.GetByTestId("home")).ToBeVisible())
		expectLanguage(t, page, lang.code, lang.dir)
		p.Capture(page, "home-"+lang.code)

		_, err = page.Goto("/drafts/new")
		check(t, err)
		expectLanguage(t, page, lang.code, lang.dir)
		check(t, expect.Locator(page.Locator("#new-title")).ToHaveText(lang.newDraft))
		p.Capture(page, "new-draft-"+lang.code)
		draftURL := draftIn(t, p, page, lang.idNumber)
		submit(t, page, draftURL, lang.awaiting)
		check(t, expect.Locator(page.GetByTestId("timeline")).ToBeVisible())
		p.Capture(page, "case-"+lang.code)
		check(t, page.GetByTestId("logout").Click())

		checkerPage := p.PageIn(t, lang.code)
		login(t, checkerPage, checker)
		_, err = checkerPage.Goto(strings.Replace(draftURL, "/drafts/", "/approvals/", 1))
		check(t, err)
		check(t, checkerPage.GetByTestId("claim").Click())
		check(t, expect.Locator(checkerPage.GetByTestId("claimed")).ToBeVisible())
		expectLanguage(t, checkerPage, lang.code, lang.dir)
		p.Capture(checkerPage, "checker-case-"+lang.code)
		check(t, checkerPage.GetByTestId("logout").Click())
	}
}

// draftIn starts an AE draft from the new-draft form of a page in any language, fills every
// step (each shot) and uploads the documents, and returns its URL.
func draftIn(t *testing.T, p *Portal, page playwright.Page, idNumber string) string {
	t.Helper()
	selectValue(t, page.GetByTestId("new-country"), "AE")
	selectValue(t, page.GetByTestId("new-id-type"), "4")
	check(t, page.GetByTestId("new-id-number").Fill(idNumber))
	check(t, expect.Locator(page.GetByTestId("id-valid")).ToBeVisible())
	check(t, page.GetByTestId("new-submit").Click())
	check(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	draftURL := page.URL()
	fillSteps(t, p, page, draftURL, laylaSteps, laylaFiles)
	return draftURL
}

// TestArabicWithTheKeyboardAlone: signed in in English, the agent chooses Arabic in the
// header and reaches the new-draft form with Tab, arrows and Enter only; focus order follows
// the mirrored page.
func TestArabicWithTheKeyboardAlone(t *testing.T) {
	p := Start(t)
	agent := p.NewUser("agent")
	page := p.Page(t)
	k := newKeys(t, page)
	k.signIn(agent)

	k.tabTo(`[data-testid="language"]`)
	k.press("ArrowDown") // English → العربية
	k.follow(`[data-testid="language-change"]`)
	expectLanguage(t, page, "ar", "rtl")
	k.follow(`a[href="/drafts/new"]`)
	check(t, expect.Locator(page.Locator("#new-title")).ToHaveText("تسجيل عميل جديد"))
	k.tabTo(`[data-testid="new-id-number"]`)
	check(t, expect.Locator(page.GetByTestId("new-id-number")).ToHaveAttribute("dir", "ltr"))
	p.Capture(page, "new-draft-keyboard-ar")
}

func expectLanguage(t *testing.T, page playwright.Page, code, dir string) {
	t.Helper()
	check(t, expect.Locator(page.Locator("html")).ToHaveAttribute("lang", code))
	check(t, expect.Locator(page.Locator("html")).ToHaveAttribute("dir", dir))
}
