package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/playwright-community/playwright-go"
)

// ScreenSizes are the sizes every page is captured at: a 1366×768 laptop and a 768-wide tablet.
var ScreenSizes = []playwright.Size{{Width: 1366, Height: 768}, {Width: 768, Height: 1024}}

// captured holds the kinds of page this test binary has captured: a page is checked and
// shot the first time a journey reaches it, not again by each journey that passes it on the
// way to what it proves (docs/testing.md#browser-journeys).
var captured = struct {
	sync.Mutex
	seen map[string]bool
}{seen: map[string]bool{}}

// captureAll is E2E_CAPTURE=all: every Capture checks and shoots its page, seen or not.
var captureAll = os.Getenv("E2E_CAPTURE") == "all"

// pageShape is what makes a page of its kind, beside its capture name: its language and the
// set of its elements' tags, ids and test ids, numbers left out. Two pages of one shape
// differ in their data only; a pack's step with other fields, or a step showing an error,
// is of another shape.
const pageShape = `() => document.documentElement.lang + " " + [...new Set([...document.querySelectorAll("[id], [data-testid]")]
	.map((e) => (e.tagName + "#" + e.id + "@" + (e.dataset.testid || "")).replace(/[0-9]+/g, "N")))].sort().join(" ")`

// Capture checks page with axe-core (see checkAccessibility) and writes full-page
// screenshots of it at both screen sizes, as NN-name-1366.jpg and NN-name-768.jpg, the
// first time this test binary captures name on a page of its shape.
func (p *Portal) Capture(page playwright.Page, name string) {
	p.t.Helper()
	shape, err := page.Evaluate(pageShape)
	Check(p.t, err)
	if !firstCapture(fmt.Sprintf("%s %v", name, shape)) {
		return
	}
	p.checkAccessibility(page, name)
	p.mu.Lock()
	p.shots++
	shot := p.shots
	p.mu.Unlock()
	for _, size := range ScreenSizes {
		Check(p.t, page.SetViewportSize(size.Width, size.Height))
		p.screenshot(page, fmt.Sprintf("%02d-%s-%d", shot, name, size.Width))
	}
	Check(p.t, page.SetViewportSize(ScreenSizes[0].Width, ScreenSizes[0].Height))
}

// firstCapture says whether key is captured for the first time (always, under
// E2E_CAPTURE=all), and marks it captured.
func firstCapture(key string) bool {
	captured.Lock()
	defer captured.Unlock()
	first := !captured.seen[key]
	captured.seen[key] = true
	return first || captureAll
}

// screenshot writes a full-page screenshot of page to the output folder as name.jpg.
// JPEG, not PNG: Chromium's PNG encoder was three quarters of a shot's CPU, in its browser
// process (docs/testing.md#browser-journeys); at quality 85 the text reads as well.
func (p *Portal) screenshot(page playwright.Page, name string) {
	p.t.Helper()
	path := filepath.Join(p.Out, name+".jpg")
	// The caret stays as it is: hiding it leaves style="" on every input, which htmx's settle
	// then copies onto the swapped-in inputs, an inline style the CSP refuses.
	opts := playwright.PageScreenshotOptions{Path: &path, FullPage: playwright.Bool(true), Caret: playwright.ScreenshotCaretInitial,
		Type: playwright.ScreenshotTypeJpeg, Quality: playwright.Int(85)}
	if _, err := page.Screenshot(opts); err != nil {
		p.t.Errorf("screenshot %s: %v", name, err)
	}
}
