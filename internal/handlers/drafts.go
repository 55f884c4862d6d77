package handlers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/drafts"
	"kycportal/internal/store"
)

// signedIn is the user of a route that requireRole guards.
func signedIn(c echo.Context) store.User {
	u, _ := userOf(c)
	return u
}

// draftParam is the draft id of the path; anything but a number is simply not found.
func draftParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}

// draftFailure turns the draft service's refusals into answers.
func draftFailure(err error) error {
	switch {
	case errors.Is(err, drafts.ErrNotFound), errors.Is(err, drafts.ErrNoDocument):
		return echo.NewHTTPError(http.StatusNotFound)
	case errors.Is(err, drafts.ErrClosed):
		return refusal(http.StatusConflict, "err.draft_closed")
	}
	return err
}

// lastValues flattens a posted form, keeping the last value of each key: a checkbox
// posts its hidden empty value first, then "yes" when ticked.
func lastValues(form map[string][]string, skip ...string) map[string]string {
	out := map[string]string{}
	for k, vs := range form {
		if len(vs) > 0 && !slices.Contains(skip, k) {
			out[k] = vs[len(vs)-1]
		}
	}
	return out
}

// clock formats a time as the pages show it: UTC, to the second.
// clock says the time of day of t in loc, with the zone named ("14:05:09 +04").
func clock(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04:05 MST") }

// zoneOf is the time zone of a branch, in which its people read every time and in which
// its day starts: the branch registry's, or the configured default for a branch it does not
// hold (docs/drafts.md).
func (s *Server) zoneOf(ctx context.Context, branch string) *time.Location {
	if loc := s.branches.Zone(ctx, branch); loc != nil {
		return loc
	}
	if s.TimeZone == nil {
		return time.UTC
	}
	return s.TimeZone
}

// shownID is the ID number of draft d as its page shows it: masked, unless the viewer
// asked to see it (?reveal=id), which the trail records.
func (s *Server) shownID(c echo.Context, d drafts.Draft) (string, error) {
	if c.QueryParam("reveal") != "id" {
		return masked(d.IDNumber), nil
	}
	return grouped(d.IDNumber), s.drafts.RevealID(c.Request().Context(), d)
}
