package handlers

import (
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/views/pages"
)

// draftHistory is the audit trail of a draft: who changed which field from what to what.
func (s *Server) draftHistory(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	_, entries, err := s.drafts.History(c.Request().Context(), signedIn(c), id)
	if err != nil {
		return draftFailure(err)
	}
	h := pages.History{DraftID: id}
	for _, e := range entries {
		h.Rows = append(h.Rows, pages.HistoryRow{When: e.OccurredAt.UTC().Format("2006-01-02 15:04:05"),
			Who: e.Username + " (" + e.Role + ")", Action: string(e.Action), Reason: e.Reason, Outcome: e.Outcome,
			Changes: changes(e)})
	}
	return render(c, http.StatusOK, pages.HistoryPage(s.chrome(c, "Draft history", "drafts"), h))
}

// changes lists the fields an event recorded, each with its before and after.
func changes(e audit.Entry) []pages.Change {
	var out []pages.Change
	for _, k := range slices.Sorted(maps.Keys(union(e.Before, e.After))) {
		out = append(out, pages.Change{Field: k, Before: show(e.Before[k]), After: show(e.After[k])})
	}
	return out
}

func union(a, b map[string]any) map[string]any {
	out := map[string]any{}
	maps.Copy(out, a)
	maps.Copy(out, b)
	return out
}

func show(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
