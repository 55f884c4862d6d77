package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kycportal/internal/store"
)

// seedDraft stores a draft of number with values, as if agent created it at.
func (e *env) seedDraft(agent store.User, number string, values map[string]string, at time.Time) int64 {
	e.t.Helper()
	ctx := context.Background()
	id, err := store.CreateDraft(
		ctx,
		e.db.Pool,
		store.DraftRow{Country: "AE", PackVersion: 1, IDType: "4", IDNumber: number,
			IssuedCountry: "AE", Branch: agent.Branch, CreatedBy: agent.ID, CreatedAt: at},
	)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := json.Marshal(values)
	if _, err := e.db.Pool.Exec(ctx, `UPDATE drafts SET values = $2 WHERE id = $1`, id, b); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// searchRecords posts the search of our own records and returns the names listed.
func (c *client) searchRecords(form url.Values) (*http.Response, *goquery.Document, []string) {
	c.e.t.Helper()
	resp, doc := parsed(c.e.t, c.post("/search/records", form, "HX-Request", "true"))
	names := testID(doc, "record-name").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	return resp, doc, names
}

// TestRecordsSearchKeepsToWhatEachRoleMaySee: name (any case and accent), phone and part of
// the ID number find a draft; an agent sees their branch, a supervisor theirs, an admin all,
// and only an agent's own-branch rows link to the draft.
func TestRecordsSearchKeepsToWhatEachRoleMaySee(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dxb, auh := e.agent("amal", "DXB-01", "AE"), e.agent("badr", "AUH-01", "AE")
	at := e.clock.Now()
	e.seedDraft(e.userNamed("amal"), "784199012345676", map[string]string{"first_name": "José", "last_name": "Ramírez",
		"primary_mobile_number": "+971501234567"}, at)
	e.seedDraft(e.userNamed("badr"), "784199554586091", map[string]string{"first_name": "Josefina", "last_name": "Oduya",
		"primary_mobile_number": "+971501234567"}, at)
	supervisor, admin := e.reviewer(store.RoleSupervisor, "DXB-01"), e.reviewer(store.RoleAdmin, "HQ")
	for _, c := range []*client{dxb, auh, supervisor, admin} {
		c.page("/search")
	}
	tests := []struct {
		who    string
		c      *client
		by, q  string
		want   []string
		linked bool
	}{
		{"agent", dxb, "name", "JOSE", []string{"José Ramírez"}, true},
		{"agent", dxb, "name", "josé ram", []string{"José Ramírez"}, true},
		{"agent", dxb, "phone", "050 123 4567", []string{"José Ramírez"}, true},
		{"agent", dxb, "id", "1990-1234567", []string{"José Ramírez"}, true},
		{"agent", dxb, "name", "ramirez", []string{"José Ramírez"}, true}, // a surname, its accent left out
		{"agent of another branch", auh, "name", "jose", []string{"Josefina Oduya"}, true},
		{"agent of another branch", auh, "id", "12345676", nil, false},
		{"supervisor", supervisor, "phone", "+971501234567", []string{"José Ramírez"}, false},
		{"admin", admin, "name", "jos", []string{"José Ramírez", "Josefina Oduya"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.who+" "+tt.by+" "+tt.q, func(t *testing.T) {
			resp, doc, names := tt.c.searchRecords(url.Values{"by": {tt.by}, "q": {tt.q}})
			if resp.StatusCode != http.StatusOK || !slices.Equal(names, tt.want) {
				t.Fatalf("%d, names %v, want %v", resp.StatusCode, names, tt.want)
			}
			if linked := testID(doc, "record-row").Find("a").Length() > 0; linked != tt.linked {
				t.Errorf("rows linked: %v", linked)
			}
			if got := testID(doc, "record-id").First().Text(); len(names) > 0 && !strings.HasPrefix(got, "•••• ") {
				t.Errorf("ID number shown as %q, want it masked", got)
			}
		})
	}
	resp, doc, _ := dxb.searchRecords(url.Values{"by": {"id"}, "q": {"78"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(testID(doc, "error-q").Text(), "3 to 30") {
		t.Errorf("a 2-character ID fragment: %d %q", resp.StatusCode, testID(doc, "error-q").Text())
	}
}

// TestRecordsPagesByKeyset: a page of 20 newest first, then the rest from where it stopped,
// with nothing twice or left out.
func TestRecordsPagesByKeyset(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	amal := e.userNamed("amal")
	var want []int64
	for i := range 25 {
		e.clock.Advance(time.Minute)
		want = append(want, e.seedDraft(amal, "78419901234567"+string(rune('0'+i%10)), map[string]string{
			"first_name": "Zafar", "last_name": "Nadeem"}, e.clock.Now()))
	}
	slices.Reverse(want)
	c.page("/search")
	ids := func(doc *goquery.Document) []int64 {
		var out []int64
		testID(doc, "record-row").Each(func(_ int, s *goquery.Selection) {
			var id int64
			_ = json.Unmarshal([]byte(strings.TrimPrefix(s.Find("a").Text(), "#")), &id)
			out = append(out, id)
		})
		return out
	}
	_, first, _ := c.searchRecords(url.Values{"by": {"name"}, "q": {"zafar"}})
	next := url.Values{}
	first.Find(`[data-testid="records-next-form"] input`).Each(func(_ int, s *goquery.Selection) {
		next.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	_, second, _ := c.searchRecords(next)
	if got := ids(first); !slices.Equal(got, want[:20]) {
		t.Errorf("first page %v, want %v", got, want[:20])
	}
	if got := ids(second); !slices.Equal(got, want[20:]) || testID(second, "records-next").Length() != 0 {
		t.Errorf("second page %v, want %v and no further page", got, want[20:])
	}
	_, _, after := e.lastEvent("records.searched")
	if !strings.Contains(after, `"by": "name"`) || !strings.Contains(after, `"more": false`) {
		t.Errorf("records.searched event: %s", after)
	}
}

// TestRecordsEscapeWhatDraftsHold: a name holding markup is shown as text.
func TestRecordsEscapeWhatDraftsHold(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	e.seedDraft(e.userNamed("amal"), "784199012345676", map[string]string{"first_name": `<script>alert(1)</script>`,
		"last_name": `" onmouseover="x`}, e.clock.Now())
	c.page("/search")
	resp := c.post("/search/records", url.Values{"by": {"id"}, "q": {"12345676"}})
	body := readBody(t, resp)
	if strings.Contains(body, "<script>alert") || strings.Contains(body, `" onmouseover="x`) ||
		!strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("the name was not escaped:\n%s", body)
	}
}

// TestRecordsByAnyNamePart: a surname, a part typed with or without its apostrophe or
// accents, and an Arabic family name written with or without its hamza and harakat each
// find their customer.
func TestRecordsByAnyNamePart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.agent("amal", "DXB-01", "AE")
	amal := e.userNamed("amal")
	ids := map[string]int64{}
	for i, n := range [][2]string{{"Priya", "Menon"}, {"Siobhán", "O'Brien"}, {"محمد", "آل مكتوم"}, {"Zoë", "Ångström-Lee"}} {
		ids[n[1]] = e.seedDraft(
			amal,
			"78419901234500"+string(rune('0'+i)),
			map[string]string{"first_name": n[0], "last_name": n[1]},
			e.clock.Now(),
		)
	}
	c.page("/search")
	for q, want := range map[string]string{"Menon": "Menon", "menon": "Menon", "O'Br": "O'Brien", "obr": "O'Brien",
		"siobhan o": "O'Brien", "آل مكتوم": "آل مكتوم", "ال مكتوم": "آل مكتوم", "مكتوم": "آل مكتوم", "lee": "Ångström-Lee",
		"angstrom": "Ångström-Lee"} {
		_, doc, _ := c.searchRecords(url.Values{"by": {"name"}, "q": {q}})
		rows := testID(doc, "record-row")
		if rows.Length() != 1 || !strings.Contains(rows.Text(), fmt.Sprintf("#%d", ids[want])) {
			t.Errorf("%q: %d rows %q, want %s's draft", q, rows.Length(), strings.Join(strings.Fields(rows.Text()), " "), want)
		}
	}
}
