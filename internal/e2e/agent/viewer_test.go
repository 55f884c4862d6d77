package agent

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/playwright-community/playwright-go"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/documents/corpus"
	"kycportal/internal/e2e"
)

// corners measures the viewer's picture against its frame's scroll area: scrolled to the
// start its top-left corner, scrolled to the end its bottom-right corner, must lie inside;
// then all four can be reached. It also says whether the picture fits the frame unscrolled.
const corners = `frame => {
	const img = frame.querySelector("img");
	const area = () => {
		const r = frame.getBoundingClientRect();
		const left = r.left + frame.clientLeft, top = r.top + frame.clientTop;
		return {left, top, right: left + frame.clientWidth, bottom: top + frame.clientHeight};
	};
	frame.scrollTo(0, 0);
	let box = img.getBoundingClientRect(), a = area();
	const start = box.left >= a.left - 1 && box.top >= a.top - 1;
	frame.scrollTo(frame.scrollWidth, frame.scrollHeight);
	box = img.getBoundingClientRect(); a = area();
	const end = box.right <= a.right + 1 && box.bottom <= a.bottom + 1;
	frame.scrollTo(0, 0);
	const inside = box.width <= frame.clientWidth + 1 && box.height <= frame.clientHeight + 1;
	const touches = Math.abs(box.width - frame.clientWidth) <= 2 || Math.abs(box.height - frame.clientHeight) <= 2;
	return {reachable: start && end, fits: inside && touches, area: Math.round(box.width * box.height),
		size: Math.round(box.width) + "×" + Math.round(box.height) + " in " + frame.clientWidth + "×" + frame.clientHeight};
}`

// TestDocumentViewerKeepsEveryCornerReachable: a file over the size limit is refused before
// it is sent; then, at both screen sizes, "Fit" shows the whole
// ID front inside the frame, and at every zoom and quarter turn each of the picture's four
// corners can be scrolled to.
func TestDocumentViewerKeepsEveryCornerReachable(t *testing.T) {
	t.Parallel()
	p, page, draftURL := agentOnDocuments(t, cdptest.EmiratesID(4501))
	// A report over the limit is refused as it is chosen, and not kept to be sent (photos
	// are scaled by the browser before they are sent instead).
	e2e.ChooseBlank(t, page.GetByTestId("file-ekyc_report"), "report.pdf", "application/pdf", 12<<20)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("too-big-ekyc_report")).ToContainText("This file is 12.0 MB"))
	kept, err := page.GetByTestId("file-ekyc_report").Evaluate(`input => input.files.length`, nil)
	e2e.Check(t, err)
	if kept != 0 {
		t.Errorf("the input keeps %v files over the limit to send", kept)
	}
	e2e.Check(t, page.GetByTestId("file-id_front").SetInputFiles(filepath.Join(corpus.Dir(), "id-front.jpg")))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("doc-present-id_front")).ToBeVisible())

	exact := func(label string) playwright.Locator {
		return page.GetByLabel(label, playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
	}
	for _, size := range e2e.ScreenSizes {
		e2e.Check(t, page.SetViewportSize(size.Width, size.Height))
		_, err := page.Goto(draftURL + "/documents/id_front/view")
		e2e.Check(t, err)
		e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("viewer-image")).ToHaveJSProperty("complete", true))
		fitArea := map[string]float64{}
		for _, zoom := range []string{"Fit", "200%", "300%"} {
			e2e.Check(t, exact(zoom).Check())
			for _, turn := range []string{"0°", "90°", "180°", "270°"} {
				e2e.Check(t, exact(turn).Check())
				got, err := page.GetByTestId("viewer-frame").Evaluate(corners, nil)
				e2e.Check(t, err)
				m := got.(map[string]any)
				where := fmt.Sprintf("%d wide, %s, %s: %v", size.Width, zoom, turn, m["size"])
				if m["reachable"] != true {
					t.Errorf("%s: a corner of the picture cannot be scrolled to", where)
				}
				area := toFloat(m["area"])
				switch {
				case zoom == "Fit" && m["fits"] != true:
					t.Errorf("%s: Fit does not fit the picture to the frame", where)
				case zoom == "Fit":
					fitArea[turn] = area
				case area < 3.5*fitArea[turn]:
					t.Errorf("%s: the picture is not zoomed (area %.0f, %.0f at Fit)", where, area, fitArea[turn])
				}
			}
		}
		e2e.Check(t, exact("90°").Check())
	}
	e2e.Check(t, page.SetViewportSize(e2e.ScreenSizes[0].Width, e2e.ScreenSizes[0].Height))
	p.Capture(page, "viewer-turned")
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case float64:
		return n
	}
	return 0
}
