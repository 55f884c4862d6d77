package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// draftList is "My drafts": the open drafts the agent started, to resume.
func (s *Server) draftList(c echo.Context) error {
	list, err := s.drafts.Mine(c.Request().Context(), signedIn(c))
	if err != nil {
		return err
	}
	rows := make([]pages.DraftRow, 0, len(list))
	for _, d := range list {
		name := strings.TrimSpace(d.FirstName + " " + d.LastName)
		if name == "" {
			name = "(no name yet)"
		}
		rows = append(rows, pages.DraftRow{ID: d.ID, Country: d.Country, Name: name, Updated: day(d.UpdatedAt)})
	}
	return render(c, http.StatusOK, pages.DraftListPage(s.chrome(c, "My drafts", "drafts"), rows))
}
