package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"
)

// Customer is a demo customer of the CDP sandbox and the state the agent must see.
type Customer struct {
	Country, IDType, Number string // the number as an agent types it
	Outcome, Shows          string // the outcome's data-testid suffix, and text the result holds
}

// SearchAgain opens the search page afresh and searches c, expecting its outcome.
func SearchAgain(t *testing.T, page playwright.Page, c Customer) {
	t.Helper()
	SearchIssued(t, page, c, "")
}

// SearchIssued is SearchAgain for an ID issued by the country issued (a passport's).
func SearchIssued(t *testing.T, page playwright.Page, c Customer, issued string) {
	t.Helper()
	_, err := page.Goto("/search")
	Check(t, err)
	country := page.GetByTestId("search-country")
	if current, err := country.InputValue(); err == nil && current != c.Country {
		// Another country swaps its ID types in: wait for them, as a code such as the
		// passport's may be in both lists.
		_, err := page.ExpectResponse("**/search/id-types**", func() error {
			_, err := country.SelectOption(playwright.SelectOptionValues{Values: &[]string{c.Country}})
			return err
		})
		Check(t, err)
	}
	Check(t, Expect.Locator(page.GetByTestId("search-id-type").Locator(`option[value="`+c.IDType+`"]`)).ToBeAttached())
	SelectValue(t, page.GetByTestId("search-id-type"), c.IDType)
	if issued != "" {
		SelectValue(t, page.GetByTestId("search-issued-country"), issued)
	}
	Check(t, page.GetByTestId("search-id-number").Fill(c.Number))
	Check(t, page.GetByTestId("search-submit").Click())
	Check(t, Expect.Locator(page.GetByTestId("outcome-"+c.Outcome)).ToBeVisible())
}
