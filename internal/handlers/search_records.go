package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/i18n"
	"kycportal/internal/search"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// searchRecords searches our own drafts and submissions by name, phone or part of an ID
// number, a page at a time, among those the user may see.
func (s *Server) searchRecords(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	form := c.Request().PostForm
	u := signedIn(c)
	v := s.recordsForm(c)
	v.By, v.Q = form.Get("by"), form.Get("q")
	q, err := search.ParseQuery(v.By, v.Q)
	var invalid search.InvalidQuery
	if errors.As(err, &invalid) {
		v.Errors[invalid.Field] = invalid.Message
		return s.answerRecords(c, http.StatusUnprocessableEntity, v)
	}
	after, err := recordsCursor(form)
	if err != nil {
		return err
	}
	page, err := s.search.Records(c.Request().Context(), u, q, after)
	if err != nil {
		return err
	}
	v.Searched, v.Rows = true, recordRows(langOf(c), page.Records, u, s.zoneOf(c.Request().Context(), u.Branch))
	if page.Next != nil {
		v.Next = &pages.Cursor{Name: page.Next.Name, ID: page.Next.ID}
	}
	return s.answerRecords(c, http.StatusOK, v)
}

func (s *Server) answerRecords(c echo.Context, status int, v pages.RecordSearch) error {
	return s.answerSearch(c, status, pages.Search{ID: s.idSearchForm(c), Records: v}, pages.RecordsSection(v))
}

// recordsCursor is where the page asked for starts: after_name and after_id of the last
// page's last row, or nothing for the first page.
func recordsCursor(form url.Values) (store.NameCursor, error) {
	cur := store.NameCursor{Name: form.Get("after_name")}
	if raw := form.Get("after_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 || len(cur.Name) > 400 {
			return cur, refusal(http.StatusBadRequest, "err.cursor")
		}
		cur.ID = id
	}
	return cur, nil
}

func recordRows(l *i18n.Lang, list []store.Record, u store.User, loc *time.Location) []pages.RecordRow {
	out := make([]pages.RecordRow, 0, len(list))
	for _, r := range list {
		name := strings.TrimSpace(r.FirstName + " " + r.LastName)
		if name == "" {
			name = l.T("cases.no_name")
		}
		out = append(out, pages.RecordRow{DraftID: r.ID, Link: canOpen(u, r.Branch, r.Country),
			Name: name, Country: r.Country, IDMasked: masked(r.IDNumber), Phone: r.Phone, Status: r.Status,
			Who: r.CreatedByName, Branch: r.Branch, On: l.Stamp(r.UpdatedAt.In(loc))})
	}
	return out
}
