package agent

import (
	"path/filepath"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/documents/corpus"
	"kycportal/internal/e2e"
)

// aeCustomer is a complete AE customer, step by step, with a foreign name and an e-KYC report.
var aeCustomer = []e2e.Step{
	{Key: "personal", Values: map[string]string{"first_name": "Zoë", "last_name": "O'Brien-Haddad", "gender": "Female",
		"date_of_birth": "1990-05-01", "nationality": "AE", "country_of_birth": "AE", "resident_type_id": "101",
		"primary_mobile_number": "+971 50 210 6707", "email_id": "zoe@example.com", "occupation_id": "224"}},
	{Key: "addresses", Values: map[string]string{"current_city": "Dubai", "current_country": "AE", "current_po_box": "12345"}},
	{Key: "identity", Values: map[string]string{"name_as_per_id": "ZOE O'BRIEN-HADDAD", "date_of_expiry": "2029-05-01"}},
	{Key: "classification", Values: map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
		"txn_count_month": "5", "txn_vol_month": "3000", "dpms": "yes"}},
}

// TestAgentCompletesAnAEDraft fills every step of a new draft in the browser, uploads
// through the file inputs, has a hostile file refused with its reason next to the input,
// reloads, finds everything there, and sees a review with nothing missing.
func TestAgentCompletesAnAEDraft(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	agent := p.NewUser("agent")
	page := p.SignedIn(t, agent)
	files := []string{"id_front:id-front.jpg", "id_back:id-back.png", "face:face.jpg", "ekyc_report:report.pdf"}
	draftURL := e2e.NewDraft(t, p, page, "AE", "4", "784-1990-1234567-6")
	e2e.FillDraft(t, p, page, draftURL, aeCustomer, files)
	refuseUpload(t, p, page)

	_, err := page.Reload()
	e2e.Check(t, err)
	for _, f := range files {
		kind, _ := e2e.SplitPair(f)
		e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("doc-present-"+kind)).ToBeVisible())
	}
	e2e.ExpectValues(t, page, draftURL, aeCustomer)
	// Whatever order the browser shows a date in, the day in words beside it leaves no
	// doubt, as saved and as typed.
	_, err = page.Goto(draftURL + "?step=personal")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("date-words-date_of_birth")).ToHaveText("1 May 1990"))
	e2e.Fill(t, page, "date_of_birth", "1990-01-05")
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("date-words-date_of_birth")).ToHaveText("5 January 1990"))
	e2e.Fill(t, page, "date_of_birth", "1990-05-01")
	fieldsInLine(t, page, draftURL)
	_, err = page.Goto(draftURL + "?step=review")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("review-complete")).ToBeVisible())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("review-issue")).ToHaveCount(0))
	p.Capture(page, "review")

	_, err = page.Goto(draftURL + "/history")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("history-change").Filter(playwright.LocatorFilterOptions{HasText: "First name"}).First()).ToBeVisible())
	p.Capture(page, "history")

	// htmx keeps the current path (no customer data) in sessionStorage on every page; nothing else may stay.
	stored, err := page.Evaluate(`() => localStorage.length +
		Object.keys(sessionStorage).filter(k => k !== "htmx-current-path-for-history").length`)
	e2e.Check(t, err)
	if stored != 0 {
		t.Errorf("the browser keeps %v items of web storage: htmx history must stay off", stored)
	}
}

// fieldsInLine checks the steps' grid at both screen sizes: in each row the inputs are level,
// whatever the labels' lengths ("Employer (required when occupation is Salaried
// employee)"), and a select with long options stays inside its column.
func fieldsInLine(t *testing.T, page playwright.Page, draftURL string) {
	t.Helper()
	for _, size := range e2e.ScreenSizes {
		e2e.Check(t, page.SetViewportSize(size.Width, size.Height))
		_, err := page.Goto(draftURL + "?step=classification")
		e2e.Check(t, err)
		level, err := page.Evaluate(`() => {
			const rows = new Map(); // a field's top -> the tops of its row's inputs
			for (const field of document.querySelectorAll(".field-grid > .field")) {
				const input = field.querySelector("input:not([type=hidden]), select, textarea");
				if (!input || input.type === "checkbox") continue;
				const row = Math.round(field.getBoundingClientRect().top);
				rows.set(row, [...(rows.get(row) || []), Math.round(input.getBoundingClientRect().top)]);
			}
			return [...rows.values()].every((tops) => tops.every((top) => top === tops[0]));
		}`)
		e2e.Check(t, err)
		_, err = page.Goto(draftURL + "?step=personal")
		e2e.Check(t, err)
		inside, err := page.Evaluate(`() => {
			const select = document.getElementById("f-nationality");
			return select.getBoundingClientRect().right <= select.parentElement.getBoundingClientRect().right + 0.5;
		}`)
		e2e.Check(t, err)
		if level != true || inside != true {
			t.Errorf("at %d px: the inputs of each row level %v, the nationality inside its column %v",
				size.Width, level, inside)
		}
	}
	e2e.Check(t, page.SetViewportSize(e2e.ScreenSizes[0].Width, e2e.ScreenSizes[0].Height))
}

// refuseUpload sends an HTML page named .png as the face photo, on the documents step: the
// reason shows under the file input, which is marked invalid, described by it and focused;
// the photo uploaded before stays.
func refuseUpload(t *testing.T, p *e2e.Portal, page playwright.Page) {
	t.Helper()
	input := page.GetByTestId("file-face")
	e2e.Check(t, input.SetInputFiles(filepath.Join(corpus.Dir(), "page.html.png"))) // sent as it is chosen
	reason := page.Locator(`[data-testid="upload-face"] [data-testid="upload-error-face"]`)
	e2e.Check(t, e2e.Expect.Locator(reason).ToContainText("this file is an HTML page"))
	e2e.Check(t, e2e.Expect.Locator(input).ToHaveAttribute("aria-invalid", "true"))
	e2e.Check(t, e2e.Expect.Locator(input).ToHaveAttribute("aria-describedby", "upload-error-face"))
	e2e.Check(t, e2e.Expect.Locator(input).ToBeFocused())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("doc-present-face")).ToBeVisible())
	p.Capture(page, "upload-refused")
}

// agentOnDocuments takes the package's portal, signs a new agent in, starts an AE draft of idNumber
// and opens its documents step: where every upload journey begins.
func agentOnDocuments(t *testing.T, idNumber string) (*e2e.Portal, playwright.Page, string) {
	t.Helper()
	p := e2e.Shared(t)
	page := p.SignedIn(t, p.NewUser("agent"))
	draftURL := e2e.NewDraft(t, p, page, "AE", "4", idNumber)
	_, err := page.Goto(draftURL + "?step=documents")
	e2e.Check(t, err)
	return p, page, draftURL
}
