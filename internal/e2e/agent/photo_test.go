package agent

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/bench"
	"kycportal/internal/documents/corpus"
	"kycportal/internal/e2e"
)

// TestBrowserScalesALargePhoto uploads a 12-megapixel phone photo lying on its side (EXIF
// orientation 6): the browser turns it upright and scales it to the 2400 px the portal
// stores before sending it, so the request carries far fewer bytes and pixels, and the
// portal keeps it upright at that size.
func TestBrowserScalesALargePhoto(t *testing.T) {
	t.Parallel()
	p, page, _ := agentOnDocuments(t, "784-1990-1234567-6")

	photo := sideways(t, bench.Photo(4000, 3000))
	path := filepath.Join(t.TempDir(), "phone-photo.jpg")
	e2e.Check(t, os.WriteFile(path, photo, 0o600))
	// Sent by its button rather than as it is chosen, so that the file the input holds
	// after scaling can be read before it goes.
	_, err := page.GetByTestId("upload-id_front").Evaluate(`form => form.removeAttribute("data-upload-on-choose")`, nil)
	e2e.Check(t, err)
	input := page.GetByTestId("file-id_front")
	e2e.Check(t, input.SetInputFiles(path))
	// Decoding and scaling twelve megapixels is the browser's own work, which took over the
	// assertions' default 10 s once on a fully loaded two-core machine.
	scaled := playwright.LocatorAssertionsToHaveAttributeOptions{Timeout: playwright.Float(60_000)}
	form := e2e.Expect.Locator(page.GetByTestId("upload-id_front"))
	e2e.Check(t, form.Not().ToHaveAttribute("aria-busy", "true", scaled))
	// What the form will send: the file its input now holds.
	chosen, err := input.Evaluate(`async (input) => {
		const file = input.files[0], bitmap = await createImageBitmap(file);
		return [file.type, bitmap.width, bitmap.height, file.size].join(" ");
	}`, nil)
	e2e.Check(t, err)
	var ctype string
	var width, height, size int
	_, err = fmt.Sscan(chosen.(string), &ctype, &width, &height, &size)
	e2e.Check(t, err)
	if ctype != "image/jpeg" || width != 1800 || height != 2400 {
		t.Errorf("the file input holds a %s of %d×%d; want an upright JPEG of 1800×2400", ctype, width, height)
	}
	t.Logf("the browser sends %d bytes for a %d-byte photo (%.0f%%)", size, len(photo), 100*float64(size)/float64(len(photo)))
	if size > len(photo)/2 {
		t.Errorf("the browser sends %d bytes of a %d-byte photo; scaled to a third of the pixels, it should be under half", size, len(photo))
	}
	e2e.Check(t, page.GetByTestId("upload-submit-id_front").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("doc-present-id_front")).ToContainText("1800×2400"))
	p.Capture(page, "large-photo-scaled")
}

// sideways gives a JPEG the EXIF segment of the corpus photo that says "turn 90° clockwise
// to show" (orientation 6), as a phone held upright writes a landscape sensor's image.
func sideways(t *testing.T, jpeg []byte) []byte {
	t.Helper()
	src := corpus.File(t, "gps-rotated.jpg")
	for i := 2; i+4 <= len(src) && src[i] == 0xFF && src[i+1] != 0xDA; {
		n := int(src[i+2])<<8 | int(src[i+3])
		if src[i+1] == 0xE1 {
			return append(append(append([]byte{}, jpeg[:2]...), src[i:i+2+n]...), jpeg[2:]...)
		}
		i += 2 + n
	}
	t.Fatal("gps-rotated.jpg has no EXIF segment")
	return nil
}
