package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/submission"
	"kycportal/internal/views/pages"
)

// approvalList is the supervisor's queue: the branch's cases to check or to retry.
func (s *Server) approvalList(c echo.Context) error {
	subs, err := s.submissions.Approvals(c.Request().Context(), signedIn(c))
	if err != nil {
		return err
	}
	var rows []pages.ApprovalRow
	l := langOf(c)
	for _, sub := range subs {
		r := pages.ApprovalRow{DraftID: sub.DraftID, Customer: strings.TrimSpace(sub.FirstName + " " + sub.LastName),
			Country: sub.Country, Maker: sub.MakerName, State: submission.State(sub.State).Label(),
			Submitted: l.Stamp(sub.SubmittedAt.In(s.zoneOf(c.Request().Context(), sub.Branch)))}
		if sub.ClaimExpiresAt.After(s.Now()) {
			r.ClaimedBy = sub.ClaimedByName
		}
		rows = append(rows, r)
	}
	return render(c, http.StatusOK, pages.ApprovalsPage(s.chromeT(c, "nav_approvals", "approvals"), rows))
}
