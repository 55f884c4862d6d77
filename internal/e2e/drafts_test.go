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

func TestAgentCompletesAnAEDraft(t *testing.T) {
	completeDraft(t, "AE", "4", "784-1990-1234567-6", []step{
		{"personal", map[string]string{"first_name": "Zoë", "last_name": "O'Brien-Haddad", "gender": "Female",
			"date_of_birth": "1990-05-01", "nationality": "AE", "country_of_birth": "AE", "resident_type_id": "101",
			"primary_mobile_number": "+971 50 210 6707", "email_id": "zoe@example.com", "occupation_id": "224"}},
		{"addresses", map[string]string{"current_city": "Dubai", "current_country": "AE", "current_po_box": "12345"}},
		{"identity", map[string]string{"name_as_per_id": "ZOE O'BRIEN-HADDAD", "date_of_expiry": "2029-05-01"}},
		{"classification", map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
			"txn_count_month": "5", "txn_vol_month": "3000", "dpms": "yes"}},
	}, []string{"id_front:id-front.jpg", "id_back:id-back.png", "face:face.jpg", "ekyc_report:report.pdf"})
}

func TestAgentCompletesAMYDraft(t *testing.T) {
	completeDraft(t, "MY", "28", "900101-14-5678", []step{
		{"personal", map[string]string{"first_name": "Nur Aisyah", "last_name": "Ahmad", "gender": "Female",
			"date_of_birth": "1990-01-01", "nationality": "MY", "country_of_birth": "MY", "resident_type_id": "101",
			"primary_mobile_number": "+60123456789", "email_id": "nur@example.com", "occupation_id": "226"}},
		{"addresses", map[string]string{"current_state": "Selangor", "current_city": "Shah Alam", "current_zip": "40000",
			"current_country": "MY"}},
		{"identity", map[string]string{"name_as_per_id": "NUR AISYAH BINTI AHMAD", "issued_on": "2020-02-02",
			"date_of_expiry": "2030-02-02"}},
		{"classification", map[string]string{"annual_income_range_id": "1", "reason_for_acc": "REMITTANCE_FAMILY",
			"txn_count_month": "2"}},
	}, []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"})
}

// completeDraft fills every step of a new draft in the browser, uploads through the file
// inputs, reloads, finds everything there, and sees a review with nothing missing.
func completeDraft(t *testing.T, country, idType, idNumber string, steps []step, files []string) {
	p := Start(t)
	agent := p.NewUser("agent")
	page := p.Page(t)
	login(t, page, agent)

	draftURL := buildDraft(t, p, page, country, idType, idNumber, steps, files)

	_, err := page.Reload()
	check(t, err)
	for _, f := range files {
		kind, _ := splitPair(f)
		check(t, expect.Locator(page.GetByTestId("doc-present-"+kind)).ToBeVisible())
	}
	for _, s := range steps {
		_, err := page.Goto(fmt.Sprintf("%s?step=%s", draftURL, s.key))
		check(t, err)
		for name, value := range s.values {
			expectValue(t, page, name, value)
		}
	}
	_, err = page.Goto(draftURL + "?step=review")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("review-complete")).ToBeVisible())
	check(t, expect.Locator(page.GetByTestId("review-issue")).ToHaveCount(0))
	p.Screenshot(page, "review")

	_, err = page.Goto(draftURL + "/history")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("history-change").Filter(playwright.LocatorFilterOptions{HasText: "first_name"}).First()).ToBeVisible())
	p.Screenshot(page, "history")

	// htmx keeps the current path (no customer data) in sessionStorage on every page; nothing else may stay.
	stored, err := page.Evaluate(`() => localStorage.length +
		Object.keys(sessionStorage).filter(k => k !== "htmx-current-path-for-history").length`)
	check(t, err)
	if stored != 0 {
		t.Errorf("the browser keeps %v items of web storage: htmx history must stay off", stored)
	}
}

// buildDraft starts a draft from the home page of a signed-in agent, fills its steps and
// uploads its files, and returns the draft's URL.
func buildDraft(t *testing.T, p *Portal, page playwright.Page, country, idType, idNumber string, steps []step, files []string) string {
	t.Helper()
	check(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "New onboarding"}).First().Click())
	selectValue(t, page.GetByTestId("new-country"), country)
	selectValue(t, page.GetByTestId("new-id-type"), idType)
	check(t, page.GetByTestId("new-id-number").Fill(idNumber))
	check(t, expect.Locator(page.GetByTestId("id-valid")).ToBeVisible())
	p.Screenshot(page, "new-draft")
	check(t, page.GetByTestId("new-submit").Click())
	check(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	draftURL := page.URL()

	// Autosave alone keeps what was typed: no button pressed, the tab reloaded.
	first := steps[0].values["first_name"]
	check(t, page.Locator("#f-first_name").Fill(first))
	check(t, expect.Locator(page.GetByTestId("saved-badge")).ToContainText("Saved"))
	_, err := page.Reload()
	check(t, err)
	check(t, expect.Locator(page.Locator("#f-first_name")).ToHaveValue(first))

	for _, s := range steps {
		_, err := page.Goto(fmt.Sprintf("%s?step=%s", draftURL, s.key))
		check(t, err)
		for name, value := range s.values {
			fill(t, page, name, value)
		}
		p.Screenshot(page, s.key)
		check(t, page.GetByTestId("save-continue").Click())
		check(t, expect.Locator(page.GetByTestId("draft")).ToBeVisible())
	}

	_, err = page.Goto(draftURL + "?step=documents")
	check(t, err)
	for _, f := range files {
		kind, name := splitPair(f)
		check(t, page.GetByTestId("file-"+kind).SetInputFiles(filepath.Join(corpus.Dir(), name)))
		check(t, page.GetByTestId("upload-submit-"+kind).Click())
		check(t, expect.Locator(page.GetByTestId("doc-present-"+kind)).ToBeVisible())
	}
	p.Screenshot(page, "documents")
	return draftURL
}

func login(t *testing.T, page playwright.Page, u User) {
	t.Helper()
	_, err := page.Goto("/login")
	check(t, err)
	check(t, page.GetByTestId("login-username").Fill(u.Username))
	check(t, page.GetByTestId("login-password").Fill(u.Password))
	check(t, page.GetByTestId("login-submit").Click())
	check(t, expect.Locator(page.GetByTestId("home")).ToBeVisible())
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
