package agent

import (
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/e2e"
)

// TestLeavingWithAnUnsavedValueAsksFirst: a value typed and not yet autosaved makes the
// badge say so, and leaving the page asks first while the save goes out at once; staying,
// the value is saved and a reload shows it, without asking again.
func TestLeavingWithAnUnsavedValueAsksFirst(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	agent := p.NewUser("agent")
	page := p.SignedIn(t, agent)
	draftURL := e2e.NewDraft(t, p, page, "AE", "4", cdptest.EmiratesID(4601))
	// The page's clock stands still until the save on leaving has answered: autosave's
	// pause never ends on its own, so the value stays unsaved however slowly the machine
	// types, and the save that goes out is the one leaving sends at once.
	e2e.Check(t, page.Clock().Install())
	_, err := page.Goto(draftURL)
	e2e.Check(t, err)
	e2e.Check(t, page.Clock().PauseAt(time.Now().Add(time.Minute)))

	var asked []string
	page.OnDialog(func(d playwright.Dialog) {
		asked = append(asked, d.Type())
		_ = d.Dismiss() // stay on the page
	})
	e2e.Check(t, page.Locator("#f-first_name").PressSequentially("Amina"))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("saved-badge")).ToHaveText("Not saved yet"))
	saved, err := page.ExpectResponse(draftURL, func() error {
		return page.Close(playwright.PageCloseOptions{RunBeforeUnload: playwright.Bool(true)})
	})
	e2e.Check(t, err)
	e2e.Check(t, page.Clock().Resume())
	if saved.Status() != 200 {
		t.Errorf("the save sent on leaving: %d", saved.Status())
	}
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("saved-badge")).ToContainText("Saved"))
	if len(asked) != 1 || asked[0] != "beforeunload" {
		t.Fatalf("dialogs on leaving with an unsaved value: %q, want one beforeunload", asked)
	}
	p.Capture(page, "saved-after-asking")

	_, err = page.Reload()
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.Locator("#f-first_name")).ToHaveValue("Amina"))
	if len(asked) != 1 {
		t.Errorf("asked again on a reload with everything saved: %q", asked)
	}
}
