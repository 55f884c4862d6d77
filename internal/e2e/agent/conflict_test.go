package agent

import (
	"testing"

	"kycportal/internal/e2e"
)

// TestConflictHasAWayOut: two agents of a branch on one draft; the second, on a page loaded
// before the first one's save, types another first name and gets the conflict with both
// values and "Keep mine", which saves theirs over it while a required field of the step is
// still empty; a reload of either page then shows it.
func TestConflictHasAWayOut(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	first, second := p.NewUser("agent"), p.NewUser("agent")
	a, b := p.Page(t), p.Page(t)
	e2e.Login(t, a, first)
	draftURL := e2e.NewDraft(t, p, a, "AE", "4", "784-1990-1234567-6")
	e2e.Login(t, b, second)
	_, err := b.Goto(draftURL)
	e2e.Check(t, err)

	e2e.Check(t, a.Locator("#f-first_name").Fill("Alice"))
	e2e.Check(t, e2e.Expect.Locator(a.GetByTestId("saved-badge")).ToContainText("Saved"))
	e2e.Check(t, b.Locator("#f-first_name").Fill("Bob"))
	e2e.Check(t, e2e.Expect.Locator(b.GetByTestId("conflict-first_name")).ToContainText("Alice"))
	p.Capture(b, "conflict")
	e2e.Check(t, b.GetByTestId("keep-mine-first_name").Click())
	e2e.Check(t, e2e.Expect.Locator(b.GetByTestId("conflict-first_name")).ToHaveCount(0))
	e2e.Check(t, e2e.Expect.Locator(b.GetByTestId("saved-badge")).ToContainText("Saved"))
	_, err = a.Reload()
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(a.Locator("#f-first_name")).ToHaveValue("Bob"))
}
