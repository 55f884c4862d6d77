package handlers

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kycportal/internal/app"
	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/store"
)

// machineWords are what no page an agent sees may show: an action or event of the trail
// (submission.sending), a state or key of the machine in snake case (awaiting_approval,
// max_attempts, claimed_until), a job, a raw timestamp, an HTTP status or a CDP code.
var machineWords = []*regexp.Regexp{
	regexp.MustCompile(`\b(submission|draft|document|cdp|customer|user|session|notification|worklist)\.[a-z_]+\b`),
	regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`),
	regexp.MustCompile(`(?i)\bjob\b|job_id`),
	regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d|\d\d:\d\d:\d\d(\.\d+)?Z\b`),
	regexp.MustCompile(`HTTP \d{3}|\bcode \d{3,}|\b45\d{3}\b`),
}

// TestAgentPagesShowNoInternals walks every page an agent sees of a case onboarded and of
// one the CDP returned (each step, the review with its timeline, the history, the cases
// list, the notifications, home, search, worklist) and fails on a word of the machine, or
// on a value of a pack's list shown as its bare code.
func TestAgentPagesShowNoInternals(t *testing.T) {
	t.Parallel()
	var o app.Options
	e := newEnv(t, withOptions(&o))
	agent := e.agent("amal", "DXB-01", "AE")
	checker := e.checkerOf("sara", "DXB-01")
	onboarded := agent.completeDraft(validEmiratesID(4600))
	returned := agent.completeDraft(validEmiratesID(4601))
	for _, id := range []int64{onboarded, returned} {
		readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
		readBody(t, checker.post(fmt.Sprintf("/approvals/%d/claim", id), nil))
		readBody(t, checker.post(fmt.Sprintf("/approvals/%d/approve", id), url.Values{"password": {"a mistyped password"}}))
		readBody(
			t,
			checker.post(fmt.Sprintf("/approvals/%d/approve", id), url.Values{"password": {"correct horse checker staple"}}),
		)
	}
	e.cdpWillRefuse(returned)
	e.startCaseWorker(o)
	e.waitState(onboarded, "onboarded")
	e.waitState(returned, "returned")

	pages := []string{"/", "/drafts", "/notifications", "/search", "/worklist"}
	for _, id := range []int64{onboarded, returned} {
		for _, step := range []string{"personal", "addresses", "identity", "classification", drafts.StepDocuments, drafts.StepReview} {
			pages = append(pages, fmt.Sprintf("/drafts/%d?step=%s", id, step))
		}
		pages = append(pages, fmt.Sprintf("/drafts/%d/history", id))
	}
	for _, path := range pages {
		text, ok := shownText(agent, path)
		if !ok {
			t.Errorf("%s: not shown", path)
		}
		for _, re := range machineWords {
			if m := re.FindAllString(text, 5); m != nil {
				t.Errorf("%s shows %q (%s)", path, m, re)
			}
		}
	}
	// The walk can see such words: the checker's case keeps the technical row of the CDP's
	// answer for supervisors, behind its disclosure.
	if text, _ := shownText(checker, fmt.Sprintf("/approvals/%d", returned)); !machineWords[4].MatchString(text) {
		t.Errorf("the checker's case shows no CDP code either; the walk would not see one: %q", text)
	}
	codesShownBare(t, agent, returned)
	if text, _ := shownText(agent, fmt.Sprintf("/drafts/%d?step=personal", returned)); !strings.Contains(
		text,
		fmt.Sprintf("Draft #%d · United Arab Emirates", returned),
	) {
		t.Errorf("the draft's title names its country by a code: %q", text)
	}
	if text, _ := shownText(agent, fmt.Sprintf("/drafts/%d?step=review", onboarded)); strings.Contains(
		text,
		"approves it before",
	) {
		t.Errorf("an onboarded case still says a checker will approve it: %q", text)
	}
}

// shownText is the text of the page at path as c reads it, spaces folded.
func shownText(c *client, path string) (string, bool) {
	resp, doc := c.page(path)
	doc.Find("script, style, template").Remove()
	return strings.Join(strings.Fields(doc.Find("body").Text()), " "), resp.StatusCode == 200
}

// codesShownBare fails when the review of draft id shows a value of a pack's list (a
// nationality, an occupation, a yes/no) as the code it is stored as, not its label.
func codesShownBare(t *testing.T, agent *client, id int64) {
	t.Helper()
	d, err := store.DraftByID(t.Context(), agent.e.db.Pool, id, false)
	if err != nil {
		t.Fatal(err)
	}
	pack, ok := packs.Default().Get(d.Country, d.PackVersion)
	if !ok {
		t.Fatalf("no pack %s v%d", d.Country, d.PackVersion)
	}
	_, doc := agent.page(fmt.Sprintf("/drafts/%d?step=review", id))
	checked := 0
	doc.Find(`[data-testid^="sent-"]`).Each(func(_ int, cell *goquery.Selection) {
		name := strings.TrimPrefix(cell.AttrOr("data-testid", ""), "sent-")
		f, ok := pack.Field(name)
		if !ok {
			return
		}
		code, shown := d.Values[name], strings.TrimSpace(cell.Text())
		bare := false
		switch f.Type {
		case packs.TypeCountry:
			bare = code != "" && shown == code
		case packs.TypeBoolean:
			bare = shown == "yes" || shown == ""
		case packs.TypeSelect:
			for _, o := range pack.Lists[f.List].Options {
				bare = bare || (o.Code == code && o.Label != code && shown == code)
			}
		default:
			return
		}
		checked++
		if bare {
			t.Errorf("the review shows %s as %q, the code it is kept as", name, shown)
		}
	})
	if checked < 3 {
		t.Errorf("the review showed %d values of lists; the test reads none", checked)
	}
}
