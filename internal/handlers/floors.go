package handlers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/drafts"
	"kycportal/internal/i18n"
	"kycportal/internal/search"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// Floors is the portal's handler with what the performance harness (internal/perf,
// docs/performance.md) measures apart from the whole request: the middleware of an access
// level in front of a handler that does nothing (the F2 floor), and the views the pages
// build from data they already hold (the F1 floor), each as the real handler builds it.
type Floors struct {
	s *Server
	e *echo.Echo
}

// NewFloors is the portal's handler as New builds it, with three floor routes added:
// POST /floor/agent, GET /floor/reviewer and POST /floor/upload, behind the middleware of
// an agent's form, a reviewer's page and an agent's upload.
func NewFloors(d Deps) (*Floors, error) {
	s, err := newServer(d)
	if err != nil {
		return nil, err
	}
	e := s.router()
	floor := func(c echo.Context) error {
		if _, err := io.Copy(io.Discard, c.Request().Body); err != nil { // as the real routes read it
			return err
		}
		return c.String(http.StatusOK, "floor")
	}
	e.Add(http.MethodPost, "/floor/agent", floor, s.guard(agentOnly)...)
	e.Add(http.MethodGet, "/floor/reviewer", floor, s.guard(reviewer)...)
	e.Add(http.MethodPost, "/floor/upload", floor, s.guard(agentUpload)...)
	return &Floors{s: s, e: e}, nil
}

// Handler serves the portal's routes and the floor routes.
func (f *Floors) Handler() http.Handler { return f.e }

// context is an echo context of a GET of target with session cookie, for u, as the
// middleware leaves it.
func (f *Floors) context(cookie *http.Cookie, u store.User, target string) (echo.Context, error) {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.AddCookie(cookie)
	sess, err := f.s.sessions.Get(req, sessionName)
	if err != nil {
		return nil, err
	}
	c := f.e.NewContext(req, httptest.NewRecorder())
	c.Set(keySession, sess)
	c.Set(keyUser, u)
	return c, nil
}

// IDSearchView is the search section an agent's search by ID answers with when found is
// what it found of doc.
func (f *Floors) IDSearchView(
	cookie *http.Cookie, u store.User, doc search.Document, found search.Found,
) (templ.Component, error) {
	c, err := f.context(cookie, u, "/search")
	if err != nil {
		return nil, err
	}
	v := f.s.idSearchForm(c)
	v.Country = doc.Country
	v.IDType = doc.IDType
	v.IDNumber = doc.Number
	v.IssuedCountry = doc.IssuedCountry
	v.Result = &pages.IDResult{
		Outcome: found.CDP.Outcome.String(),
		Own:     ownMatches(i18n.Pick("en", ""), found.Own, u, time.UTC),
		Onboard: &pages.Onboard{CSRF: v.CSRF, Country: doc.Country, IDType: doc.IDType, IDNumber: doc.Number,
			IssuedCountry: doc.IssuedCountry},
	}
	return pages.IDSearchSection(*v), nil
}

// RecordsView is the records section a search of by for q answers with when page is what
// it found.
func (f *Floors) RecordsView(
	cookie *http.Cookie, u store.User, by, q string, page search.Page,
) (templ.Component, error) {
	c, err := f.context(cookie, u, "/search")
	if err != nil {
		return nil, err
	}
	v := f.s.recordsForm(c)
	v.By = by
	v.Q = q
	v.Searched = true
	v.Rows = recordRows(i18n.Pick("en", ""), page.Records, u, time.UTC)
	return pages.RecordsSection(v), nil
}

// AutosaveView is the answer to an autosave of the fields posted, in English, that saved res.
func (f *Floors) AutosaveView(
	ctx context.Context, res drafts.Saved, posted map[string]string, step string,
) (templ.Component, error) {
	v, err := f.s.autosaveView(ctx, i18n.Pick("en", ""), res, posted, step)
	if err != nil {
		return nil, err
	}
	return pages.AutosaveResult(v), nil
}

// AuditFilter is the filter the audit page and its export read from target's query, as u
// asks it.
func (f *Floors) AuditFilter(cookie *http.Cookie, u store.User, target string) (audit.Filter, error) {
	c, err := f.context(cookie, u, target)
	if err != nil {
		return audit.Filter{}, err
	}
	filter, _ := auditFilter(c)
	return filter, nil
}

// AuditView is the results region the audit page at target shows u when rows are the
// events found.
func (f *Floors) AuditView(
	cookie *http.Cookie, u store.User, target string, rows []audit.Row,
) (templ.Component, error) {
	c, err := f.context(cookie, u, target)
	if err != nil {
		return nil, err
	}
	_, q := auditFilter(c)
	l := pages.AuditList{Query: q}
	for _, r := range rows {
		l.Rows = append(l.Rows, eventRow(r))
	}
	return pages.AuditResults(f.s.chrome(c, "Audit trail", "audit"), l), nil
}
