package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/documents/corpus"
)

// step is what an agent types on one step of a draft, by field name.
type step struct {
	key    string
	values map[string]string
}

// aeCustomer is a complete AE customer, step by step, with a foreign name and an e-KYC report.
var aeCustomer = []step{
	{"personal", map[string]string{"first_name": "Zoë", "last_name": "O'Brien-Haddad", "gender": "Female",
		"date_of_birth": "1990-05-01", "nationality": "AE", "country_of_birth": "AE", "resident_type_id": "101",
		"primary_mobile_number": "+971 50 210 6707", "email_id": "zoe@example.com", "occupation_id": "224"}},
	{"addresses", map[string]string{"current_city": "Dubai", "current_country": "AE", "current_po_box": "12345"}},
	{"identity", map[string]string{"name_as_per_id": "ZOE O'BRIEN-HADDAD", "date_of_expiry": "2029-05-01"}},
	{"classification", map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
		"txn_count_month": "5", "txn_vol_month": "3000", "dpms": "yes"}},
}

// TestAgentCompletesAnAEDraft fills every step of a new draft in the browser, uploads
// through the file inputs, has a hostile file refused with its reason next to the input,
// reloads, finds everything there, and sees a review with nothing missing.
func TestAgentCompletesAnAEDraft(t *testing.T) {
	t.Parallel()
	p := Start(t)
	agent := p.NewUser("agent")
	page := p.Page(t)
	login(t, page, agent)
	files := []string{"id_front:id-front.jpg", "id_back:id-back.png", "face:face.jpg", "ekyc_report:report.pdf"}
	draftURL := buildDraft(t, p, page, "AE", "4", "784-1990-1234567-6", aeCustomer, files)
	refuseUpload(t, p, page)

	_, err := page.Reload()
	check(t, err)
	for _, f := range files {
		kind, _ := splitPair(f)
		check(t, expect.Locator(page.GetByTestId("doc-present-"+kind)).ToBeVisible())
	}
	expectValues(t, page, draftURL, aeCustomer)
	// Whatever order the browser shows a date in, the day in words beside it leaves no
	// doubt, as saved and as typed.
	_, err = page.Goto(draftURL + "?step=personal")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("date-words-date_of_birth")).ToHaveText("1 May 1990"))
	fill(t, page, "date_of_birth", "1990-01-05")
	check(t, expect.Locator(page.GetByTestId("date-words-date_of_birth")).ToHaveText("5 January 1990"))
	fill(t, page, "date_of_birth", "1990-05-01")
	fieldsInLine(t, page, draftURL)
	_, err = page.Goto(draftURL + "?step=review")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("review-complete")).ToBeVisible())
	check(t, expect.Locator(page.GetByTestId("review-issue")).ToHaveCount(0))
	p.Capture(page, "review")

	_, err = page.Goto(draftURL + "/history")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("history-change").Filter(playwright.LocatorFilterOptions{HasText: "First name"}).First()).ToBeVisible())
	p.Capture(page, "history")

	// htmx keeps the current path (no customer data) in sessionStorage on every page; nothing else may stay.
	stored, err := page.Evaluate(`() => localStorage.length +
		Object.keys(sessionStorage).filter(k => k !== "htmx-current-path-for-history").length`)
	check(t, err)
	if stored != 0 {
		t.Errorf("the browser keeps %v items of web storage: htmx history must stay off", stored)
	}
}

// fieldsInLine checks the steps' grid at both screen sizes: in each row the inputs are level,
// whatever the labels' lengths ("Employer (required when occupation is Salaried
// employee)"), and a select with long options stays inside its column.
func fieldsInLine(t *testing.T, page playwright.Page, draftURL string) {
	t.Helper()
	for _, size := range screenSizes {
		check(t, page.SetViewportSize(size.Width, size.Height))
		_, err := page.Goto(draftURL + "?step=classification")
		check(t, err)
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
		check(t, err)
		_, err = page.Goto(draftURL + "?step=personal")
		check(t, err)
		inside, err := page.Evaluate(`() => {
			const select = document.getElementById("f-nationality");
			return select.getBoundingClientRect().right <= select.parentElement.getBoundingClientRect().right + 0.5;
		}`)
		check(t, err)
		if level != true || inside != true {
			t.Errorf("at %d px: the inputs of each row level %v, the nationality inside its column %v",
				size.Width, level, inside)
		}
	}
	check(t, page.SetViewportSize(screenSizes[0].Width, screenSizes[0].Height))
}

// refuseUpload sends an HTML page named .png as the face photo, on the documents step: the
// reason shows under the file input, which is marked invalid, described by it and focused;
// the photo uploaded before stays.
func refuseUpload(t *testing.T, p *Portal, page playwright.Page) {
	t.Helper()
	input := page.GetByTestId("file-face")
	check(t, input.SetInputFiles(filepath.Join(corpus.Dir(), "page.html.png"))) // sent as it is chosen
	reason := page.Locator(`[data-testid="upload-face"] [data-testid="upload-error-face"]`)
	check(t, expect.Locator(reason).ToContainText("this file is an HTML page"))
	check(t, expect.Locator(input).ToHaveAttribute("aria-invalid", "true"))
	check(t, expect.Locator(input).ToHaveAttribute("aria-describedby", "upload-error-face"))
	check(t, expect.Locator(input).ToBeFocused())
	check(t, expect.Locator(page.GetByTestId("doc-present-face")).ToBeVisible())
	p.Capture(page, "upload-refused")
}

// expectValues finds every value of steps on its step of the draft.
func expectValues(t *testing.T, page playwright.Page, draftURL string, steps []step) {
	t.Helper()
	for _, s := range steps {
		_, err := page.Goto(fmt.Sprintf("%s?step=%s", draftURL, s.key))
		check(t, err)
		for name, value := range s.values {
			expectValue(t, page, name, value)
		}
	}
}

// buildDraft starts a draft from the home page of a signed-in agent, fills its steps and
// uploads its files, and returns the draft's URL.
func buildDraft(t *testing.T, p *Portal, page playwright.Page, country, idType, idNumber string, steps []step, files []string) string {
	t.Helper()
	draftURL := newDraft(t, p, page, country, idType, idNumber)
	fillDraft(t, p, page, draftURL, steps, files)
	return draftURL
}

// agentOnDocuments starts a portal, signs a new agent in, starts an AE draft of idNumber
// and opens its documents step: where every upload journey begins.
func agentOnDocuments(t *testing.T, idNumber string) (*Portal, playwright.Page, string) {
	t.Helper()
	p := Start(t)
	page := p.Page(t)
	login(t, page, p.NewUser("agent"))
	draftURL := newDraft(t, p, page, "AE", "4", idNumber)
	_, err := page.Goto(draftURL + "?step=documents")
	check(t, err)
	return p, page, draftURL
}

// newDraft starts a draft through the "New onboarding" form and returns its URL.
func newDraft(t *testing.T, p *Portal, page playwright.Page, country, idType, idNumber string) string {
	t.Helper()
	check(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "New onboarding"}).First().Click())
	selectValue(t, page.GetByTestId("new-country"), country)
	selectValue(t, page.GetByTestId("new-id-type"), idType)
	check(t, page.GetByTestId("new-id-number").Fill(idNumber))
	check(t, expect.Locator(page.GetByTestId("id-valid")).ToBeVisible())
	p.Capture(page, "new-draft")
	check(t, page.GetByTestId("new-submit").Click())
	check(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	return page.URL()
}

// fillDraft fills the steps of the draft at draftURL, its first field by autosave alone,
// and uploads its files through the file inputs.
func fillDraft(t *testing.T, p *Portal, page playwright.Page, draftURL string, steps []step, files []string) {
	t.Helper()
	// Autosave alone keeps what was typed: no button pressed, the tab reloaded.
	_, err := page.Goto(draftURL)
	check(t, err)
	first := steps[0].values["first_name"]
	check(t, page.Locator("#f-first_name").Fill(first))
	check(t, expect.Locator(page.GetByTestId("saved-badge")).ToContainText("Saved"))
	_, err = page.Reload()
	check(t, err)
	check(t, expect.Locator(page.Locator("#f-first_name")).ToHaveValue(first))
	fillSteps(t, p, page, draftURL, steps, files)
}

// fillSteps fills the steps of the draft at draftURL, saving each, and uploads its files.
func fillSteps(t *testing.T, p *Portal, page playwright.Page, draftURL string, steps []step, files []string) {
	t.Helper()
	for i, s := range steps {
		_, err := page.Goto(fmt.Sprintf("%s?step=%s", draftURL, s.key))
		check(t, err)
		for name, value := range s.values {
			fill(t, page, name, value)
		}
		p.Capture(page, s.key)
		next := "documents"
		if i+1 < len(steps) {
			next = steps[i+1].key
		}
		saveStep(t, page, next)
	}

	_, err := page.Goto(draftURL + "?step=documents")
	check(t, err)
	for _, f := range files {
		kind, name := splitPair(f)
		check(t, page.GetByTestId("file-"+kind).SetInputFiles(filepath.Join(corpus.Dir(), name))) // sent as it is chosen
		check(t, expect.Locator(page.GetByTestId("doc-present-"+kind)).ToBeVisible())
	}
	p.Capture(page, "documents")
}

// saveStep presses "Save and continue" and waits for the next step: a step with a problem
// left would come back instead.
func saveStep(t *testing.T, page playwright.Page, next string) {
	t.Helper()
	check(t, page.GetByTestId("save-continue").Click())
	check(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`\?step=`+next+`$`)))
}

// login signs u in and waits for the home page.
func login(t *testing.T, page playwright.Page, u User) {
	t.Helper()
	signIn(t, page, u)
	check(t, expect.Locator(page.GetByTestId("home")).ToBeVisible())
}

// signIn sends u's username and password from the login page.
func signIn(t *testing.T, page playwright.Page, u User) {
	t.Helper()
	_, err := page.Goto("/login")
	check(t, err)
	check(t, page.GetByTestId("login-username").Fill(u.Username))
	check(t, page.GetByTestId("login-password").Fill(u.Password))
	check(t, page.GetByTestId("login-submit").Click())
}

// fill types value into the field called name, whatever its kind of input.
func fill(t *testing.T, page playwright.Page, name, value string) {
	t.Helper()
	input := page.Locator("#f-" + name)
	tag, err := input.Evaluate("el => el.tagName + ':' + el.type", nil)
	check(t, err)
	switch tag {
	case "SELECT:select-one":
		selectValue(t, input, value)
	case "INPUT:checkbox":
		err = input.Check()
	default:
		err = input.Fill(value)
	}
	check(t, err)
}

func expectValue(t *testing.T, page playwright.Page, name, value string) {
	t.Helper()
	input := page.Locator("#f-" + name)
	if value == "yes" {
		check(t, expect.Locator(input).ToBeChecked())
		return
	}
	if name == "primary_mobile_number" {
		value = regexp.MustCompile(`\s`).ReplaceAllString(value, "") // stored normalised
	}
	check(t, expect.Locator(input).ToHaveValue(value))
}

func splitPair(s string) (string, string) {
	for i := range s {
		if s[i] == ':' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func selectValue(t *testing.T, l playwright.Locator, value string) {
	t.Helper()
	_, err := l.SelectOption(playwright.SelectOptionValues{Values: &[]string{value}})
	check(t, err)
}
