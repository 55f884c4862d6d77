package handlers

import (
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
		return echo.NewHTTPError(http.StatusConflict, "This draft was discarded or submitted: it can no longer change.")
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
func clock(t time.Time) string { return t.UTC().Format("15:04:05") }

func day(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }
