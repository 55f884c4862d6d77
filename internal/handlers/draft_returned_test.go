package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kycportal/internal/app"
)

// waitState waits, up to a minute, until the submission of draft id is in state.
func (e *env) waitState(id int64, state string) {
	e.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var now string
		if err := e.db.Pool.QueryRow(context.Background(), `SELECT state FROM submissions WHERE draft_id = $1`, id).Scan(&now); err != nil {
			e.t.Fatal(err)
		}
		if now == state {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("draft %d is %s after a minute, want %s", id, now, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// reviewStep is the review step of draft id as its agent sees it: its issues, and whether
// it offers the submit button.
func (c *client) reviewStep(id int64) (issues []string, submit bool) {
	c.e.t.Helper()
	_, doc := c.page(fmt.Sprintf("/drafts/%d?step=review", id))
	doc.Find(`[data-testid="review-issue"]`).Each(func(_ int, s *goquery.Selection) {
		issues = append(issues, strings.Join(strings.Fields(s.Text()), " "))
	})
	complete := doc.Find(`[data-testid="review-complete"]`).Length() == 1
	if complete == (len(issues) > 0) {
		c.e.t.Errorf("review of draft %d: complete %t with issues %q", id, complete, issues)
	}
	return issues, doc.Find(`[data-testid="submit"]`).Length() == 1
}

// TestReturnedFieldIsAnIssueUntilItChanges: a value the CDP refused, or a field the checker
// returned, keeps the draft incomplete (no "nothing is missing", no submit, a submit
// refused) until the agent changes it.
func TestReturnedFieldIsAnIssueUntilItChanges(t *testing.T) {
	t.Parallel()
	var o app.Options
	e := newEnv(t, withOptions(&o))
	agent := e.agent("amal", "DXB-01", "AE")
	checker := e.checkerOf("sara", "DXB-01")
	const checkerPassword = "correct horse checker staple"
	byCDP := agent.completeDraft(validEmiratesID(4300))
	byChecker := agent.completeDraft(validEmiratesID(4301))
	for _, id := range []int64{byCDP, byChecker} {
		readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
		readBody(t, checker.post(fmt.Sprintf("/approvals/%d/claim", id), nil))
	}
	readBody(t, checker.post(fmt.Sprintf("/approvals/%d/approve", byCDP), url.Values{"password": {"a mistyped password"}}))
	readBody(t, checker.post(fmt.Sprintf("/approvals/%d/approve", byCDP), url.Values{"password": {checkerPassword}}))
	e.cdpWillRefuse(byCDP)
	readBody(t, checker.post(fmt.Sprintf("/approvals/%d/return", byChecker),
		url.Values{"reason_email_id": {"mismatch"}, "comment": {"The e-mail is not the customer's."}}))
	e.startCaseWorker(o)
	e.waitState(byCDP, "returned")
	e.waitState(byChecker, "returned")
	agentTimelineInSentences(t, agent, byCDP)
	_, casePage := checker.page(fmt.Sprintf("/approvals/%d", byCDP))
	if casePage.Find(`[data-testid="timeline-detail"]`).Length() == 0 ||
		!strings.Contains(casePage.Find(`[data-testid="timeline-detail"]`).Text(), "code 45053") {
		t.Error("the checker's timeline has no technical detail behind a disclosure")
	}

	for _, c := range []struct {
		name   string
		id     int64
		field  string
		change string
		want   string
		diff   string
	}{
		{"by the CDP", byCDP, "nationality", "IN", "Nationality: returned by the CDP and not changed yet", "Nationality: Antarctica → India"},
		{"by the checker", byChecker, "email_id", "fatima.hassan@example.com", "returned by the checker and not changed yet",
			"E-mail: fatima@example.com → fatima.hassan@example.com"},
	} {
		t.Run(c.name, func(t *testing.T) {
			issues, submit := agent.reviewStep(c.id)
			if len(issues) != 1 || !strings.Contains(issues[0], c.want) || submit {
				t.Errorf("before the change: issues %q, submit offered %t; want one issue %q and no submit", issues, submit, c.want)
			}
			if resp := agent.post(fmt.Sprintf("/drafts/%d/submit", c.id), nil); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a submit before the change: %d, want 422", resp.StatusCode)
			}
			_, doc := agent.page(fmt.Sprintf("/drafts/%d", c.id))
			version, _ := doc.Find(`input[name="version"]`).Attr("value")
			readBody(t, agent.post(fmt.Sprintf("/drafts/%d", c.id), url.Values{"version": {version}, c.field: {c.change}}))
			if issues, submit := agent.reviewStep(c.id); len(issues) != 0 || !submit {
				t.Errorf("after the change: issues %q, submit offered %t; want none and the submit", issues, submit)
			}
			readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", c.id), nil))
			readBody(t, checker.post(fmt.Sprintf("/approvals/%d/claim", c.id), nil))
			_, doc = checker.page(fmt.Sprintf("/approvals/%d", c.id))
			changes := doc.Find(`[data-testid="case-changes"] li`)
			if got := strings.Join(strings.Fields(changes.Text()), " "); changes.Length() != 1 || got != c.diff {
				t.Errorf("the checker's changes since the last submission: %q, want %q", got, c.diff)
			}
		})
	}
}

// internals are what an agent's page must never show: an action or state name of the
// machine, a key of the trail's facts, a raw timestamp, an HTTP status or a CDP code.
var internals = regexp.MustCompile(
	`\b[a-z]+\.[a-z_]+\b|\b[a-z]+_[a-z_]+\b|\d{4}-\d\d-\d\dT|HTTP \d|code \d|job|attempt: `,
)

// agentTimelineInSentences checks the timeline on draft id's page as its agent sees it: the
// CDP's return in words with the field's label, nothing internal, no checker's refusal.
func agentTimelineInSentences(t *testing.T, agent *client, id int64) {
	t.Helper()
	_, doc := agent.page(fmt.Sprintf("/drafts/%d?step=review", id))
	timeline := strings.Join(strings.Fields(doc.Find(`[data-testid="timeline"]`).Text()), " ")
	if !strings.Contains(timeline, "The CDP asked to correct Nationality") ||
		!strings.Contains(timeline, "Approved by the checker") {
		t.Errorf("agent's timeline: %q, want the CDP's return in words", timeline)
	}
	if m := internals.FindAllString(timeline, -1); m != nil {
		t.Errorf("agent's timeline shows internals %q:\n%s", m, timeline)
	}
	if doc.Find(`[data-testid="timeline-detail"]`).Length() != 0 || strings.Contains(timeline, "A decision was refused") {
		t.Errorf("agent's timeline shows technical detail or a checker's refusal: %q", timeline)
	}
}

// TestReviewShowsWhatWillBeSent: the review step of a complete draft shows every field as
// people read it and a thumbnail of each document; once submitted, the panel says what
// happens next.
func TestReviewShowsWhatWillBeSent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agent := e.agent("amal", "DXB-01", "AE")
	id := agent.completeDraftWith(validEmiratesID(4700), map[string]string{"salutation": "MRS"})
	_, doc := agent.page(fmt.Sprintf("/drafts/%d?step=review", id))
	for name, want := range map[string]string{"salutation": "Mrs", "nationality": "India", "date_of_birth": "17 May 1990",
		"dnfbp": "No", "middle_name": "(none)"} {
		if got := strings.TrimSpace(doc.Find(`[data-testid="sent-` + name + `"]`).Text()); got != want {
			t.Errorf("review shows %s as %q, want %q", name, got, want)
		}
	}
	for _, kind := range []string{"id_front", "id_back", "face"} {
		src, _ := doc.Find(`[data-testid="sent-doc-` + kind + `"] img`).Attr("src")
		if src != fmt.Sprintf("/drafts/%d/documents/%s?size=thumb", id, kind) {
			t.Errorf("review's thumbnail of %s: %q", kind, src)
		}
	}
	readBody(t, agent.post(fmt.Sprintf("/drafts/%d/submit", id), nil))
	_, doc = agent.page(fmt.Sprintf("/drafts/%d", id))
	if next := doc.Find(`[data-testid="submission-next"]`).Text(); !strings.Contains(
		next,
		"A checker of your branch reviews the customer next",
	) {
		t.Errorf("after submitting, what happens next: %q", next)
	}
}
