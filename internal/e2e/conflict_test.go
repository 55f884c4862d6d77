package e2e

import (
	"testing"
)

// TestConflictHasAWayOut: two agents of a branch on one draft; the second, on a page loaded
// before the first one's save, types another first name and gets the conflict with both
// values and "Keep mine", which saves theirs over it while a required field of the step is
// still empty; a reload of either page then shows it.
func TestConflictHasAWayOut(t *testing.T) {
	t.Parallel()
	p := Start(t)
	first, second := p.NewUser("agent"), p.NewUser("agent")
	a, b := p.Page(t), p.Page(t)
	login(t, a, first)
	draftURL := newDraft(t, p, a, "AE", "4", "784-1990-1234567-6")
	login(t, b, second)
	_, err := b.Goto(draftURL)
	check(t, err)

	check(t, a.Locator("#f-first_name").Fill("Alice"))
	check(t, expect.Locator(a.GetByTestId("saved-badge")).ToContainText("Saved"))
	check(t, b.Locator("#f-first_name").Fill("Bob"))
	check(t, expect.Locator(b.GetByTestId("conflict-first_name")).ToContainText("Alice"))
	p.Capture(b, "conflict")
	check(t, b.GetByTestId("keep-mine-first_name").Click())
	check(t, expect.Locator(b.GetByTestId("conflict-first_name")).ToHaveCount(0))
	check(t, expect.Locator(b.GetByTestId("saved-badge")).ToContainText("Saved"))
	_, err = a.Reload()
	check(t, err)
	check(t, expect.Locator(a.Locator("#f-first_name")).ToHaveValue("Bob"))
}
