package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/store"
	"kycportal/internal/views/pages"
	"kycportal/internal/worklist"
)

// workItemParam is the item id of the path; anything but a number is simply not found.
func workItemParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}

// workItemPath is an item's page.
func workItemPath(id int64) string { return "/worklist/" + strconv.FormatInt(id, 10) }

// worklistFailure turns the worklist's refusals into answers.
func worklistFailure(err error) error {
	if errors.Is(err, worklist.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return submissionFailure(err)
}

// worklistView is the branch's worklist for user u, as of today.
func (s *Server) worklistView(c echo.Context, u store.User) (pages.Worklist, error) {
	items, err := s.worklist.List(c.Request().Context(), u)
	w := pages.Worklist{Branch: u.Branch, Outcomes: worklist.Outcomes}
	today := s.Now().UTC().Truncate(24 * time.Hour)
	for _, it := range items {
		days := int(it.DueOn.Sub(today).Hours() / 24)
		v := pages.WorkItem{ID: it.ID, ECRN: it.ECRN, Country: it.Country, What: worklist.KindLabel(it.Kind),
			Due: it.DueOn.Format(time.DateOnly), Risk: it.Risk, Overdue: days < 0, Contacts: it.Contacts,
			LastResult: it.LastResult, Customer: it.FirstName + " " + it.LastName,
			CanRenew: u.Role == store.RoleAgent && !it.Awaiting, Urgency: urgency(days), Awaiting: it.Awaiting}
		if it.RenewalID != 0 {
			v.CaseHref = caseHref(u, it.RenewalID)
		}
		w.Items = append(w.Items, v)
	}
	return w, err
}

func urgency(days int) string {
	switch {
	case days < 0:
		return strconv.Itoa(-days) + " days overdue"
	case days == 0:
		return "due today"
	}
	return "in " + strconv.Itoa(days) + " days"
}
