package e2e

import (
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/documents/corpus"
)

// TestUploadWaitIsShown: two photos sent at once from one draft, a large one and a small
// one. The portal prepares one photo of a user at a time, and the page says so: once its
// bytes are sent, the one that waits for the other says it is waiting; both are then stored.
func TestUploadWaitIsShown(t *testing.T) {
	t.Parallel()
	p := Start(t)
	agent := p.NewUser("agent")
	page := p.Page(t)
	login(t, page, agent)
	draftURL := newDraft(t, p, page, "AE", "4", "784-1990-1234567-6")
	_, err := page.Goto(draftURL + "?step=documents")
	check(t, err)
	// As from a browser that cannot scale photos before sending them: the portal then has
	// the whole 12 megapixels to prepare, long enough for the other photo to be seen waiting.
	_, err = page.GetByTestId("file-id_front").Evaluate(`el => el.removeAttribute("data-scale-to")`, nil)
	check(t, err)
	check(t, page.GetByTestId("file-id_front").SetInputFiles(largePhoto(t)))
	check(t, page.GetByTestId("file-face").SetInputFiles(filepath.Join(corpus.Dir(), "face.jpg")))
	check(t, page.GetByTestId("upload-submit-id_front").Click())
	check(t, page.GetByTestId("upload-submit-face").Click())
	waiting := page.Locator(`[data-testid^="upload-status-"]`, playwright.PageLocatorOptions{HasText: "Waiting"})
	check(t, expect.Locator(waiting).ToBeVisible())
	p.Capture(page, "upload-waiting")
	for _, kind := range []string{"id_front", "face"} {
		check(t, expect.Locator(page.GetByTestId("doc-present-"+kind)).ToBeVisible(
			playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(60_000)}))
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
	check(t, err)
	defer f.Close()
	check(t, jpeg.Encode(f, img, &jpeg.Options{Quality: 70}))
	return path
}
