package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestAgentPagesInArabicAndMalay: the pages follow the browser's language (the choice saved
// in the header, which overrides it, is TestArabicWithTheKeyboardAlone's). Each converted page is shot and checked by axe in
// both languages at both sizes, with lang and dir on <html>.
func TestAgentPagesInArabicAndMalay(t *testing.T) {
	p := Start(t)
	agent := p.NewUser("agent")
	for _, lang := range []struct{ code, dir, signIn, newDraft string }{
		{"ar", "rtl", "تسجيل الدخول", "تسجيل عميل جديد"},
		{"ms", "ltr", "Log masuk", "Pendaftaran baharu"},
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
		check(t, page.GetByTestId("logout").Click())
	}
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
