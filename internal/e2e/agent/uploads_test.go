package agent

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/documents/corpus"
	"kycportal/internal/e2e"
)

// TestUploadWaitIsShown: two photos sent at once from one draft. The portal prepares one
// photo of a user at a time (internal/drafts/turns_test.go proves the turns), and the page
// says so: the second, sent while the first is being checked, says it is waiting; both are
// then stored.
func TestUploadWaitIsShown(t *testing.T) {
	t.Parallel()
	_, page, _ := agentOnDocuments(t, "784-1990-1234567-6")
	// The first photo's answer is held in the browser, once it has been sent whole, until the
	// second is stored: to the page the first is being checked all the while, however quickly
	// the portal checks it, where a photo large enough to be slow made the test a race with
	// the machine's load. (Chromium's own interception at the response stage: Playwright's
	// routes answer in place of the network, so the page never sees the upload sent.)
	faceStored := make(chan struct{})
	holdAnswers(t, page, "*/documents/id_front", faceStored)
	// Every text the upload notes show is recorded as it is set.
	_, err := page.Evaluate(`() => {
		window.uploadNotes = [];
		new MutationObserver((changes) => changes.forEach((c) => {
			const note = c.target.closest?.('[data-testid^="upload-status-"]') || c.target.parentElement?.closest('[data-testid^="upload-status-"]');
			if (note) window.uploadNotes.push(note.dataset.testid + ": " + note.textContent);
		})).observe(document.body, {subtree: true, childList: true, characterData: true});
	}`, nil)
	e2e.Check(t, err)
	e2e.Check(t, page.GetByTestId("file-id_front").SetInputFiles(filepath.Join(corpus.Dir(), "id-front.jpg")))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("upload-status-id_front")).ToContainText("Checking"))
	e2e.Check(t, page.GetByTestId("file-face").SetInputFiles(filepath.Join(corpus.Dir(), "face.jpg")))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("doc-present-face")).ToBeVisible())
	close(faceStored)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("doc-present-id_front")).ToBeVisible())
	notes, err := page.Evaluate(`() => window.uploadNotes.join("\n")`, nil)
	e2e.Check(t, err)
	if !regexp.MustCompile(`upload-status-face: Waiting`).MatchString(notes.(string)) {
		t.Errorf("the face photo never said it was waiting; the notes shown:\n%s", notes)
	}
}

// holdAnswers holds the answers to page's POST requests to URLs matching pattern (a CDP
// Fetch pattern) until release is closed, or t ends; other requests go on.
func holdAnswers(t *testing.T, page playwright.Page, pattern string, release <-chan struct{}) {
	t.Helper()
	ended := make(chan struct{})
	t.Cleanup(func() { close(ended) })
	cdp, err := page.Context().NewCDPSession(page)
	e2e.Check(t, err)
	cdp.On("Fetch.requestPaused", func(ev map[string]any) {
		request, _ := ev["request"].(map[string]any)
		go func() {
			if request["method"] == http.MethodPost {
				select {
				case <-release:
				case <-ended:
				}
			}
			_, _ = cdp.Send("Fetch.continueResponse", map[string]any{"requestId": ev["requestId"]})
		}()
	})
	_, err = cdp.Send("Fetch.enable", map[string]any{
		"patterns": []any{map[string]any{"urlPattern": pattern, "requestStage": "Response"}},
	})
	e2e.Check(t, err)
}

// TestDocumentsGoAsTheyAreChosen: on the documents step a file is sent as soon as it is
// chosen (no Upload button to press), the step's count of what is missing falls with each
// document, each document has a Continue to the next, and a file too large for the portal
// (a photo the browser cannot scale, so no size check before sending) is refused next to
// its input in plain words, with the progress bar reset and nothing at the top of the page.
func TestDocumentsGoAsTheyAreChosen(t *testing.T) {
	t.Parallel()
	p, page, _ := agentOnDocuments(t, "784-1990-1234567-6")
	count := page.GetByTestId("step-count-documents")
	before, err := count.TextContent()
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("upload-submit-id_front")).Not().ToBeVisible())

	e2e.Check(t, page.GetByTestId("file-id_front").SetInputFiles(filepath.Join(corpus.Dir(), "id-front.jpg")))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("doc-present-id_front")).ToBeVisible())
	if n, _ := strconv.Atoi(before); n > 1 {
		e2e.Check(t, e2e.Expect.Locator(count).ToHaveText(strconv.Itoa(n-1)))
	} else {
		e2e.Check(t, e2e.Expect.Locator(count).ToHaveCount(0))
	}
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("continue-id_front")).ToHaveAttribute("href", "#doc-id_back"))

	e2e.ChooseBlank(t, page.GetByTestId("file-face"), "face.jpg", "image/jpeg", 12<<20)
	refusal := page.GetByTestId("upload-refused-face")
	e2e.Check(t, e2e.Expect.Locator(refusal).ToContainText("too large to send"))
	e2e.Check(t, e2e.Expect.Locator(refusal).Not().ToContainText(regexp.MustCompile(`(?i)reference|request|[0-9a-f]{12}`)))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("upload-progress-face")).Not().ToBeVisible())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("file-face")).ToHaveAttribute("aria-invalid", "true"))
	e2e.Check(t, e2e.Expect.Locator(page.Locator("#flash [role=alert]")).ToHaveCount(0))
	p.Capture(page, "documents-as-chosen")
}
