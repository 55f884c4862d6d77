package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/drafts"
	"kycportal/internal/views/pages"
)

// draftHistory is the story of a draft for its agent: who did what and when, in words, and
// each field's change by its label, from what to what.
func (s *Server) draftHistory(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	d, entries, err := s.drafts.History(c.Request().Context(), signedIn(c), id)
	if err != nil {
		return draftFailure(err)
	}
	h := pages.History{DraftID: id}
	loc := s.zoneOf(c.Request().Context(), d.Branch)
	for _, e := range entries {
		h.Rows = append(h.Rows, pages.HistoryRow{When: stamp(e.OccurredAt, loc), Who: who(e),
			Action: historySentence(d, e), Reason: e.Reason, Changes: draftChanges(d, e)})
	}
	return render(c, http.StatusOK, pages.HistoryPage(s.chrome(c, "Draft history", "drafts"), h))
}

// historySentence says what an event of a draft's trail was, in words.
func historySentence(d drafts.Draft, e audit.Entry) string {
	doc := reasonLabel(d.Pack, fmt.Sprint(e.After["kind"]))
	switch e.Action {
	case audit.DraftCreated:
		return "Started the draft"
	case audit.DraftUpdated:
		return "Changed the draft"
	case audit.DraftViewed:
		return "Opened the draft"
	case audit.DraftDiscarded:
		return "Discarded the draft"
	case audit.DraftTamperAttempt:
		return "Tried to change a field that cannot change: refused"
	case audit.DocumentUploaded:
		return "Uploaded the " + doc
	case audit.DocumentReplaced:
		return "Replaced the " + doc
	case audit.DocumentRemoved:
		return "Removed the " + reasonLabel(d.Pack, fmt.Sprint(e.Before["kind"]))
	case audit.DocumentViewed:
		return "Viewed the " + doc
	case audit.DocumentRejected:
		return "A file for the " + doc + " was refused"
	case audit.DocumentWarningsAccepted:
		return "Kept the " + reasonLabel(d.Pack, fmt.Sprint(e.Before["kind"])) + " despite its quality warnings"
	case audit.AccessDenied:
		return "Access refused"
	}
	return "Changed"
}

// draftChanges lists the fields a change of the draft recorded, in the form's order, each
// by its label with its value as people read it.
func draftChanges(d drafts.Draft, e audit.Entry) []pages.Change {
	if e.Action != audit.DraftUpdated {
		return nil
	}
	var out []pages.Change
	for _, sec := range d.Pack.Sections {
		for i := range sec.Fields {
			f := &sec.Fields[i]
			if after, ok := e.After[f.Name]; ok {
				out = append(out, pages.Change{Field: f.Label, Before: d.Pack.Display(f, show(e.Before[f.Name])),
					After: d.Pack.Display(f, show(after))})
			}
		}
	}
	return out
}

func show(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
