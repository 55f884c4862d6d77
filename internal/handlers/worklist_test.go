package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// workItems are the worklist's rows as "ecrn urgency".
func workItems(doc *goquery.Document) []string {
	var out []string
	doc.Find(`[data-testid="work-item"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.Join(strings.Fields(s.Find("td").First().Text()), " "))
	})
	return out
}

// TestWorklistPage: the branch's agents and supervisors see its items, the most urgent
// first; an agent records a contact and starts the renewal, which opens the update case.
func TestWorklistPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	amal, sara := e.agent("amal", "DXB-01", "AE"), e.checkerOf("sara", "DXB-01")
	stranger := e.agent("omar", "AUH-01", "AE")
	soon := e.submission("amal", "DXB-01", "onboarded", 0, 0, "")
	late := e.submission("amal", "DXB-01", "onboarded", 0, 0, "")
	ctx := context.Background()
	for i, it := range []struct {
		draft int64
		due   string
	}{{soon, "2026-04-01"}, {late, "2026-02-20"}} {
		_, err := e.db.Pool.Exec(
			ctx,
			`UPDATE submissions SET ecrn = $2 WHERE draft_id = $1`,
			it.draft,
			fmt.Sprint(7841000000000000+i),
		)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.db.Pool.Exec(ctx, `INSERT INTO worklist_items (branch, draft_id, ecrn, kind, due_on, found_on)
			VALUES ('DXB-01', $1, $2, 'id_expiry', $3, '2026-03-02')`, it.draft, fmt.Sprint(7841000000000000+i), it.due)
		if err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"2026-02-20 10 days overdue", "2026-04-01 in 30 days"}
	for _, c := range []*client{amal, sara} {
		if _, doc := c.page("/worklist"); !slices.Equal(workItems(doc), want) {
			t.Errorf("worklist %q, want %q", workItems(doc), want)
		}
	}
	if _, doc := stranger.page("/worklist"); len(workItems(doc)) != 0 {
		t.Error("another branch's worklist shows our items")
	}
	_, doc := amal.page("/worklist")
	id, _ := doc.Find(`[data-testid="work-item"]`).First().Attr("data-item")
	if resp := amal.post("/worklist/"+id+"/contact", url.Values{"outcome": {"lost"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown outcome: %d, want 422", resp.StatusCode)
	}
	if resp := amal.post("/worklist/"+id+"/contact", url.Values{"outcome": {"visited"}, "note": {strings.Repeat("n", 501)}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("note too long: %d, want 422", resp.StatusCode)
	}
	resp := amal.post("/worklist/"+id+"/contact", url.Values{"outcome": {"visited"}, "note": {"left a card"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record a visit: %d", resp.StatusCode)
	}
	if _, doc := sara.page("/worklist"); !strings.Contains(doc.Find(`[data-testid="contacts"]`).Text(), "last: visited") {
		t.Errorf("the supervisor does not see the visit: %q", doc.Find(`[data-testid="contacts"]`).Text())
	}
	if doc.Find(`[data-testid="start-renewal"]`).Length() == 0 {
		t.Fatal("no Start renewal for an agent")
	}
	resp = amal.post("/worklist/"+id+"/renew", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/drafts/%d", late) {
		t.Errorf("start renewal: %d to %q, want the case of the customer", resp.StatusCode, resp.Header.Get("Location"))
	}
	if !slices.Contains(e.auditActions(), "worklist.renewal_started") ||
		!slices.Contains(e.auditActions(), "worklist.contact_recorded") {
		t.Error("the contact or the renewal is not audited")
	}
}
