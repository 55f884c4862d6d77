package e2e

import (
	"encoding/base64"
	"mime"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/documents/corpus"
)

// Step is what an agent types on one step of a draft, by field name.
type Step struct {
	Key    string
	Values map[string]string
}

// ExpectValues finds every value of steps on its step of the draft.
func ExpectValues(t *testing.T, page playwright.Page, draftURL string, steps []Step) {
	t.Helper()
	for _, s := range steps {
		OpenStep(t, page, draftURL, s.Key)
		for name, value := range s.Values {
			ExpectValue(t, page, name, value)
		}
	}
}

// OpenStep opens the step called key of the draft at draftURL.
func OpenStep(t *testing.T, page playwright.Page, draftURL, key string) {
	t.Helper()
	_, err := page.Goto(draftURL + "?step=" + key)
	Check(t, err)
}

// BuildDraft starts a draft from the home page of a signed-in agent, gives it the values
// of steps and uploads its files, and returns the draft's URL: the start of a journey about
// what comes after. The values and files go as the page's own requests (postDraft), the
// posts the forms make without JavaScript, with the session's cookie and the form's token:
// typing them step by step proves the forms, which is for the journeys that fill a draft
// to prove it (FillDraft, FillSteps), and cost Chromium a page and an autosave a field.
func BuildDraft(t *testing.T, p *Portal, page playwright.Page, country, idType, idNumber string, steps []Step, files []string) string {
	t.Helper()
	draftURL := NewDraft(t, p, page, country, idType, idNumber)
	values := map[string]any{}
	for _, s := range steps {
		for name, value := range s.Values {
			values[name] = value
		}
	}
	var uploads []any
	for _, f := range files {
		kind, name := SplitPair(f)
		uploads = append(uploads, map[string]any{"kind": kind, "name": name, "type": mime.TypeByExtension(filepath.Ext(name)),
			"data": base64.StdEncoding.EncodeToString(corpus.File(t, name))})
	}
	problem, err := page.Evaluate(postDraft, map[string]any{"url": draftURL, "values": values, "files": uploads})
	Check(t, err)
	if problem != "" {
		t.Fatalf("building the draft %s: %v", draftURL, problem)
	}
	return draftURL
}

// postDraft saves every value in one post of the draft's form, then uploads each file, in
// the page and with its form's token; it answers what went wrong, or "".
const postDraft = `async ({url, values, files}) => {
	const token = document.querySelector("input[name=_csrf]").value;
	const form = new URLSearchParams({...values, _csrf: token, step: "personal",
		version: document.querySelector("input[name=version]").value});
	let r = await fetch(url, {method: "POST", body: form});
	if (!r.ok || r.url.includes("check=1")) return "save: " + r.status + " " + r.url;
	for (const f of files) {
		const body = new FormData();
		body.append("_csrf", token);
		body.append("file", new Blob([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], {type: f.type}), f.name);
		r = await fetch(url + "/documents/" + f.kind, {method: "POST", body});
		if (!r.ok || !r.url.includes("step=documents")) return "upload " + f.kind + ": " + r.status;
	}
	return "";
}`

// NewDraft starts a draft through the "New onboarding" form and returns its URL.
func NewDraft(t *testing.T, p *Portal, page playwright.Page, country, idType, idNumber string) string {
	t.Helper()
	Check(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "New onboarding"}).First().Click())
	SelectValue(t, page.GetByTestId("new-country"), country)
	SelectValue(t, page.GetByTestId("new-id-type"), idType)
	Check(t, page.GetByTestId("new-id-number").Fill(idNumber))
	Check(t, Expect.Locator(page.GetByTestId("id-valid")).ToBeVisible())
	p.Capture(page, "new-draft")
	Check(t, page.GetByTestId("new-submit").Click())
	Check(t, Expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	return page.URL()
}

// FillDraft fills the steps of the draft at draftURL, its first field by autosave alone,
// and uploads its files through the file inputs.
func FillDraft(t *testing.T, p *Portal, page playwright.Page, draftURL string, steps []Step, files []string) {
	t.Helper()
	// Autosave alone keeps what was typed: no button pressed, the tab reloaded.
	_, err := page.Goto(draftURL)
	Check(t, err)
	first := steps[0].Values["first_name"]
	Check(t, page.Locator("#f-first_name").Fill(first))
	Check(t, Expect.Locator(page.GetByTestId("saved-badge")).ToContainText("Saved"))
	_, err = page.Reload()
	Check(t, err)
	Check(t, Expect.Locator(page.Locator("#f-first_name")).ToHaveValue(first))
	FillSteps(t, p, page, draftURL, steps, files)
}

// FillSteps fills the steps of the draft at draftURL, saving each, and uploads its files.
func FillSteps(t *testing.T, p *Portal, page playwright.Page, draftURL string, steps []Step, files []string) {
	t.Helper()
	for i, s := range steps {
		show(t, page, draftURL+"?step="+s.Key)
		for name, value := range s.Values {
			Fill(t, page, name, value)
		}
		p.Capture(page, s.Key)
		next := "documents"
		if i+1 < len(steps) {
			next = steps[i+1].Key
		}
		SaveStep(t, page, next)
	}

	show(t, page, draftURL+"?step=documents")
	for _, f := range files {
		kind, name := SplitPair(f)
		Check(t, page.GetByTestId("file-"+kind).SetInputFiles(filepath.Join(corpus.Dir(), name))) // sent as it is chosen
		Check(t, Expect.Locator(page.GetByTestId("doc-present-"+kind)).ToBeVisible())
	}
	p.Capture(page, "documents")
}

// show opens url unless the page shows it already, freshly loaded by the save that led
// there: opening it again would cost the browser a whole page and prove nothing more.
func show(t *testing.T, page playwright.Page, url string) {
	t.Helper()
	if page.URL() != url {
		_, err := page.Goto(url)
		Check(t, err)
	}
}

// ChooseBlank chooses, in the file input, a file called name of size zero bytes, as a
// person choosing it would: made in the page, where sending a large file through the
// driver took longer than an action may on a busy machine.
func ChooseBlank(t *testing.T, input playwright.Locator, name, mimeType string, size int) {
	t.Helper()
	_, err := input.Evaluate(`(input, [name, type, size]) => {
		const chosen = new DataTransfer();
		chosen.items.add(new File([new Uint8Array(size)], name, {type}));
		input.files = chosen.files;
		input.dispatchEvent(new Event("input", {bubbles: true}));
		input.dispatchEvent(new Event("change", {bubbles: true}));
	}`, []any{name, mimeType, size})
	Check(t, err)
}

// SaveStep presses "Save and continue" and waits for the next step: a step with a problem
// left would come back instead.
func SaveStep(t *testing.T, page playwright.Page, next string) {
	t.Helper()
	Check(t, page.GetByTestId("save-continue").Click())
	Check(t, Expect.Page(page).ToHaveURL(regexp.MustCompile(`\?step=`+next+`$`)))
}

// Fill types value into the field called name, whatever its kind of input.
func Fill(t *testing.T, page playwright.Page, name, value string) {
	t.Helper()
	input := page.Locator("#f-" + name)
	tag, err := input.Evaluate("el => el.tagName + ':' + el.type", nil)
	Check(t, err)
	switch tag {
	case "SELECT:select-one":
		SelectValue(t, input, value)
	case "INPUT:checkbox":
		err = input.Check()
	default:
		err = input.Fill(value)
	}
	Check(t, err)
}

// ExpectValue finds value in the field called name of the page's step.
func ExpectValue(t *testing.T, page playwright.Page, name, value string) {
	t.Helper()
	input := page.Locator("#f-" + name)
	if value == "yes" {
		Check(t, Expect.Locator(input).ToBeChecked())
		return
	}
	if name == "primary_mobile_number" {
		value = regexp.MustCompile(`\s`).ReplaceAllString(value, "") // stored normalised
	}
	Check(t, Expect.Locator(input).ToHaveValue(value))
}

// SplitPair splits "kind:file" at its colon.
func SplitPair(s string) (string, string) {
	for i := range s {
		if s[i] == ':' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// SelectValue chooses the option whose value is value in the select l.
func SelectValue(t *testing.T, l playwright.Locator, value string) {
	t.Helper()
	_, err := l.SelectOption(playwright.SelectOptionValues{Values: &[]string{value}})
	Check(t, err)
}
