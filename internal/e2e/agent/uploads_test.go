package agent

import (
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/documents/corpus"
	"kycportal/internal/e2e"
)

// TestUploadWaitIsShown: two photos sent at once from one draft, a large one and a small
// one. The portal prepares one photo of a user at a time, and the page says so: the small
// one, sent while the large one is being checked, says it is waiting; both are then stored.
func TestUploadWaitIsShown(t *testing.T) {
	t.Parallel()
	_, page, _ := agentOnDocuments(t, "784-1990-1234567-6")
	// As from a browser that cannot scale photos before sending them: the portal then has
	// the whole 12 megapixels to prepare, long enough for the other photo to be seen waiting.
	_, err := page.GetByTestId("file-id_front").Evaluate(`el => el.removeAttribute("data-scale-to")`, nil)
	e2e.Check(t, err)
	// Every text the upload notes show is recorded as it is set: the wait can last less
	// than a poll of the page, now that the portal checks a large photo quickly.
	_, err = page.Evaluate(`() => {
		window.uploadNotes = [];
		new MutationObserver((changes) => changes.forEach((c) => {
			const note = c.target.closest?.('[data-testid^="upload-status-"]') || c.target.parentElement?.closest('[data-testid^="upload-status-"]');
			if (note) window.uploadNotes.push(note.dataset.testid + ": " + note.textContent);
		})).observe(document.body, {subtree: true, childList: true, characterData: true});
	}`, nil)
	e2e.Check(t, err)
	e2e.Check(t, page.GetByTestId("file-id_front").SetInputFiles(largePhoto(t))) // each sent as it is chosen
	// The face is chosen once the large photo is wholly sent and being checked: chosen
	// earlier, the small face could arrive first and take the turn.
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("upload-status-id_front")).ToContainText("Checking"))
	e2e.Check(t, page.GetByTestId("file-face").SetInputFiles(filepath.Join(corpus.Dir(), "face.jpg")))
	for _, kind := range []string{"id_front", "face"} {
		e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("doc-present-"+kind)).ToBeVisible(
			playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(60_000)}))
	}
	notes, err := page.Evaluate(`() => window.uploadNotes.join("\n")`, nil)
	e2e.Check(t, err)
	if !regexp.MustCompile(`upload-status-face: Waiting`).MatchString(notes.(string)) {
		t.Errorf("the face photo never said it was waiting; the notes shown:\n%s", notes)
	}
}

// largePhoto writes a 12-megapixel photo of noise, which takes the portal a while to decode
// and scale, and returns its path.
func largePhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	r := rand.New(rand.NewPCG(3, 4))
	for i := range img.Pix {
		img.Pix[i] = byte(64 + r.IntN(128))
	}
	path := filepath.Join(t.TempDir(), "id-front-large.jpg")
	f, err := os.Create(path) // #nosec G304 -- the test's own temporary folder
	e2e.Check(t, err)
	defer f.Close()
	e2e.Check(t, jpeg.Encode(f, img, &jpeg.Options{Quality: 70}))
	return path
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
