package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/drafts"
	"kycportal/internal/i18n"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/views/pages"
)

// draftList is the case list: an agent's own cases, a supervisor's whole branch, filtered
// by state and text, the most recently active first, with the counts per state.
func (s *Server) draftList(c echo.Context) error {
	v, status, err := s.caseList(c)
	if err != nil {
		return err
	}
	return render(c, status, pages.CaseListPage(s.chrome(c, v.Title, "drafts"), v))
}

// draftRows are the counts and rows of the case list alone, which the page asks for every
// 20 seconds (a passive request: it does not keep the session alive).
func (s *Server) draftRows(c echo.Context) error {
	v, status, err := s.caseList(c)
	if err != nil {
		return err
	}
	return render(c, status, pages.CaseResults(v))
}

// caseList reads the list the request's filters ask for; refused filters are shown with
// the list unfiltered, 422.
func (s *Server) caseList(c echo.Context) (pages.CaseList, int, error) {
	u, l := signedIn(c), langOf(c)
	v := pages.CaseList{Title: l.T("nav_cases"), Branch: u.Role == store.RoleSupervisor,
		State: c.QueryParam("state"), Text: c.QueryParam("q")}
	if v.Branch {
		v.Title = l.T("cases.branch_title", "Branch", u.Branch)
	}
	status := http.StatusOK
	list, err := s.submissions.Cases(c.Request().Context(), u, v.State, v.Text)
	var fe drafts.FieldErrors
	if errors.As(err, &fe) {
		v.Error = fe["state"] + fe["q"]
		v.State = ""
		v.Text = ""
		status = http.StatusUnprocessableEntity
		list, err = s.submissions.Cases(c.Request().Context(), u, "", "")
	}
	if err != nil {
		return v, status, err
	}
	v.Counts = stateCounts(l, v, list.Counts)
	for _, cs := range list.Cases {
		v.Rows = append(v.Rows, caseRow(l, cs, v.Branch, s.zoneOf(c.Request().Context(), u.Branch)))
	}
	v.Limited = len(list.Cases) == submission.CasePageSize
	v.RowsURL = "/drafts/rows?" + url.Values{"state": {v.State}, "q": {v.Text}}.Encode()
	return v, status, nil
}

func stateCounts(l *i18n.Lang, v pages.CaseList, counts map[string]int) []pages.StateCount {
	var out []pages.StateCount
	for _, st := range store.CaseStates {
		q := url.Values{"state": {st}}
		if v.Text != "" {
			q.Set("q", v.Text)
		}
		out = append(out, pages.StateCount{Key: st, Label: l.T("state." + st), N: counts[st], Current: st == v.State,
			Href: "/drafts?" + q.Encode()})
	}
	return out
}

// caseRow is a case as the list shows it; a supervisor opens a submitted case as its checker.
func caseRow(l *i18n.Lang, cs store.Case, branch bool, loc *time.Location) pages.CaseRow {
	name := strings.TrimSpace(cs.FirstName + " " + cs.LastName)
	if name == "" {
		name = l.T("cases.no_name")
	}
	r := pages.CaseRow{DraftID: cs.DraftID, Country: cs.Country, Customer: name, State: cs.State,
		StateLabel: l.T("state." + cs.State), Owner: cs.OwnerName, Activity: l.Stamp(cs.ActivityAt.In(loc)), ECRN: cs.ECRN}
	switch {
	case !branch:
		r.Href = "/drafts/" + strconv.FormatInt(cs.DraftID, 10)
	case cs.HasSubmit:
		r.Href = "/approvals/" + strconv.FormatInt(cs.DraftID, 10)
	}
	return r
}
