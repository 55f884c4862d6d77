package agent

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/documents/corpus"
	"kycportal/internal/e2e"
)

// myCustomer is a complete MY customer, step by step.
var myCustomer = []e2e.Step{
	{Key: "personal", Values: map[string]string{"first_name": "Nur Aisyah", "middle_name": "binti", "last_name": "Ahmad", "gender": "Female",
		"date_of_birth": "1988-02-02", "nationality": "MY", "country_of_birth": "MY", "resident_type_id": "101",
		"primary_mobile_number": "+60123456789", "email_id": "nur@example.com", "occupation_id": "226"}},
	{Key: "addresses", Values: map[string]string{"current_state": "Selangor", "current_city": "Shah Alam", "current_zip": "40000",
		"current_country": "MY"}},
	{Key: "identity", Values: map[string]string{"name_as_per_id": "NUR AISYAH BINTI AHMAD", "issued_on": "2020-02-02",
		"date_of_expiry": "2030-02-02"}},
	{Key: "classification", Values: map[string]string{"annual_income_range_id": "1", "reason_for_acc": "REMITTANCE_FAMILY",
		"txn_count_month": "2"}},
}

// TestAgentOnboardsWithTheKeyboardAlone: an agent signs in, searches a MyKad, starts the
// onboarding, fills every step, uploads through the file inputs and submits, with Tab,
// Shift-Tab, Enter, Space and typing only. Focus lands on the search result and on each
// uploaded document; what was typed is what the draft holds.
func TestAgentOnboardsWithTheKeyboardAlone(t *testing.T) {
	t.Parallel()
	p, page, k := agentByKeys(t)
	k.follow(`nav a[href="/drafts"]`)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("no-drafts")).ToBeVisible())
	p.Capture(page, "keyboard-no-drafts")

	k.follow(`nav a[href="/search"]`)
	k.choose("#search-country", "MY")
	e2e.Check(t, e2e.Expect.Locator(page.Locator(`#search-id-type option[value="28"]`)).ToBeAttached())
	k.choose("#search-id-type", "28")
	k.typeInto("#search-id-number", "880202-10-5566")
	k.press("Enter")
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("outcome-not_found")).ToBeVisible())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("id-result")).ToBeFocused())
	p.Capture(page, "keyboard-not-found")
	k.follow(`[data-testid="start-onboarding"]`)
	e2e.Check(t, e2e.Expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	draftURL := page.URL()

	for _, s := range myCustomer {
		k.fillStep(s)
		p.Capture(page, "keyboard-"+s.Key)
		k.follow(`[data-testid="save-continue"]`)
	}
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("step-documents")).ToHaveAttribute("aria-current", "step"))
	for _, f := range []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"} {
		k.upload(e2e.SplitPair(f))
	}
	p.Capture(page, "keyboard-documents")
	k.follow(`[data-testid="step-review"]`)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("review-complete")).ToBeVisible())
	k.follow(`[data-testid="submit"]`)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("submission-state")).ToHaveText("awaiting approval"))
	p.Capture(page, "keyboard-submitted")
	e2e.ExpectValues(t, page, draftURL, myCustomer)
}

// agentByKeys takes the package's portal and signs a new agent in on a new page, with the
// keyboard alone.
func agentByKeys(t *testing.T) (*e2e.Portal, playwright.Page, keys) {
	t.Helper()
	p := e2e.Shared(t)
	page := p.Page(t)
	k := newKeys(t, page)
	k.signIn(p.NewUser("agent"))
	return p, page, k
}

// keys drives a page with the keyboard alone.
type keys struct {
	t        *testing.T
	page     playwright.Page
	choosers chan playwright.FileChooser // file choosers the page opened
}

// newKeys keeps the page's file choosers intercepted for the whole test: interception set
// up per chooser (ExpectFileChooser) can miss the next one a key press opens.
func newKeys(t *testing.T, page playwright.Page) keys {
	k := keys{t: t, page: page, choosers: make(chan playwright.FileChooser, 1)}
	page.OnFileChooser(func(fc playwright.FileChooser) { k.choosers <- fc })
	return k
}

func (k keys) press(key string) {
	k.t.Helper()
	e2e.Check(k.t, k.page.Keyboard().Press(key))
}

// tabTo presses Tab until the element matching selector has the focus, or Shift-Tab when
// it comes before the focus; it fails when 80 presses do not reach it.
func (k keys) tabTo(selector string) {
	k.t.Helper()
	e2e.Check(k.t, e2e.Expect.Locator(k.page.Locator(selector)).ToBeAttached())
	where, err := k.page.Evaluate(`s => {
		const el = document.querySelector(s), at = document.activeElement;
		if (el === at) return "here";
		return at && at !== document.body && (el.compareDocumentPosition(at) & Node.DOCUMENT_POSITION_FOLLOWING) ? "back" : "forward";
	}`, selector)
	e2e.Check(k.t, err)
	key := map[string]string{"back": "Shift+Tab", "forward": "Tab"}[where.(string)]
	for range 80 {
		if where == "here" {
			return
		}
		k.press(key)
		on, err := k.page.Evaluate(`s => document.activeElement === document.querySelector(s)`, selector)
		e2e.Check(k.t, err)
		if on == true {
			return
		}
	}
	k.t.Fatalf("%s never reached %s on %s", key, selector, k.page.URL())
}

// signIn types u's username and password into the login page and presses Enter.
func (k keys) signIn(u e2e.User) {
	k.t.Helper()
	_, err := k.page.Goto("/login")
	e2e.Check(k.t, err)
	k.typeInto("#username", u.Username)
	k.typeInto("#password", u.Password)
	k.press("Enter")
	e2e.Check(k.t, e2e.Expect.Locator(k.page.GetByTestId("home")).ToBeVisible())
}

// follow tabs to a link or button and presses Enter.
func (k keys) follow(selector string) {
	k.t.Helper()
	k.tabTo(selector)
	k.press("Enter")
}

// typeInto tabs to a field and types text. The keys are pressed one by one: playwright-go's
// Keyboard.Type reaches text inputs but not a closed select's type-ahead or a date's parts.
func (k keys) typeInto(selector, text string) {
	k.t.Helper()
	k.tabTo(selector)
	for _, r := range text {
		k.press(strings.ReplaceAll(string(r), " ", "Space"))
	}
}

// choose tabs to a select and types the start of the label of the option whose value is
// value, as a keyboard user picks from a closed list.
func (k keys) choose(selector, value string) {
	k.t.Helper()
	// The fewest letters that land on the option: its label alone starts with them. A
	// select's type-ahead forgets what was typed after a second without a key, and on a
	// loaded machine a word can arrive in pieces, so the fewer the better, and a try that
	// missed is followed by a pause that lets the select forget it.
	prefix, err := k.page.Locator(selector).Evaluate(`(select, value) => {
		const labels = [...select.options].map((o) => [o.value, o.textContent.trim().toLowerCase()]);
		const label = labels.find(([v]) => v === value)[1];
		for (let n = 1; n <= label.length; n++) {
			const typed = label.slice(0, n);
			if (labels.filter(([, l]) => l.startsWith(typed)).length === 1) return typed;
		}
		return label;
	}`, value)
	e2e.Check(k.t, err)
	for try := 0; try < 3; try++ {
		if try > 0 {
			time.Sleep(1500 * time.Millisecond)
		}
		k.typeInto(selector, prefix.(string))
		if got, err := k.page.Locator(selector).InputValue(); err == nil && got == value {
			break
		}
	}
	e2e.Check(k.t, e2e.Expect.Locator(k.page.Locator(selector)).ToHaveValue(value))
}

// fillStep fills the fields of a draft's step in the order of the form.
func (k keys) fillStep(s e2e.Step) {
	k.t.Helper()
	e2e.Check(k.t, e2e.Expect.Locator(k.page.GetByTestId("step-"+s.Key)).ToHaveAttribute("aria-current", "step"))
	ids, err := k.page.Locator(`[data-testid="step-form"] [id^="f-"]`).EvaluateAll(`els => els.map(e => e.id + ":" + e.type)`)
	e2e.Check(k.t, err)
	for _, item := range ids.([]any) {
		id, kind := e2e.SplitPair(item.(string))
		value, ok := s.Values[strings.TrimPrefix(id, "f-")]
		switch {
		case !ok:
		case kind == "select-one":
			k.choose("#"+id, value)
		case kind == "checkbox":
			k.tabTo("#" + id)
			k.press("Space")
		case kind == "date":
			// The date field takes month, day and year in turn (en-US).
			k.typeInto("#"+id, value[5:7]+value[8:10]+value[0:4])
		default:
			k.typeInto("#"+id, value)
		}
	}
}

// upload tabs to a document's file input, opens the file chooser with Space, picks the
// corpus file, which is sent as it is chosen; focus lands on the uploaded document.
func (k keys) upload(kind, file string) {
	k.t.Helper()
	k.tabTo("#file-" + kind)
	k.press("Space")
	select {
	case chooser := <-k.choosers:
		e2e.Check(k.t, chooser.SetFiles(filepath.Join(corpus.Dir(), file)))
	case <-time.After(10 * time.Second):
		k.t.Fatalf("Space on the %s file input opened no file chooser within 10s", kind)
	}
	e2e.Check(k.t, e2e.Expect.Locator(k.page.GetByTestId("doc-present-"+kind)).ToBeFocused())
}

// TestArabicWithTheKeyboardAlone: signed in in English, the agent chooses Arabic in the
// header and reaches the new-draft form with Tab, arrows and Enter only; focus order follows
// the mirrored page.
func TestArabicWithTheKeyboardAlone(t *testing.T) {
	t.Parallel()
	p, page, k := agentByKeys(t)

	k.tabTo(`[data-testid="language"]`)
	k.press("ArrowDown") // English → العربية
	k.follow(`[data-testid="language-change"]`)
	e2e.ExpectLanguage(t, page, "ar", "rtl")
	k.follow(`a[href="/drafts/new"]`)
	e2e.Check(t, e2e.Expect.Locator(page.Locator("#new-title")).ToHaveText("تسجيل عميل جديد"))
	k.tabTo(`[data-testid="new-id-number"]`)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("new-id-number")).ToHaveAttribute("dir", "ltr"))
	p.Capture(page, "new-draft-keyboard-ar")
}
