package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// notificationList is the user's inbox: what happened to their cases, each linking to its case.
func (s *Server) notificationList(c echo.Context) error {
	u := signedIn(c)
	list, err := s.submissions.Inbox(c.Request().Context(), u)
	if err != nil {
		return err
	}
	var out []pages.Notice
	for _, n := range list {
		out = append(
			out,
			pages.Notice{
				Kind:    n.Kind,
				Message: n.Message,
				When:    langOf(c).Stamp(n.CreatedAt.In(s.zoneOf(c.Request().Context(), u.Branch))),
				Unread:  !n.Read,
				Href:    caseHref(u, n.DraftID),
			},
		)
	}
	return render(c, http.StatusOK, pages.NotificationsPage(s.chromeT(c, "title.notifications", "notifications"), out))
}

// caseHref is where user u opens a case: its draft for an agent, its review for a supervisor.
func caseHref(u store.User, draftID int64) string {
	switch {
	case draftID == 0:
		return ""
	case u.Role == store.RoleSupervisor:
		return "/approvals/" + strconv.FormatInt(draftID, 10)
	}
	return "/drafts/" + strconv.FormatInt(draftID, 10)
}
