package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/drafts"
	"kycportal/internal/i18n"
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
	loc, l := s.zoneOf(c.Request().Context(), d.Branch), langOf(c)
	d.Pack = d.Pack.In(l.Code)
	for _, e := range entries {
		h.Rows = append(h.Rows, pages.HistoryRow{When: l.Stamp(e.OccurredAt.In(loc)), Who: who(l, e),
			Action: historySentence(l, d, e), Reason: e.Reason, Changes: draftChanges(d, e)})
	}
	return render(c, http.StatusOK, pages.HistoryPage(s.chromeT(c, "hist.title", "drafts"), h))
}

// historySentence says what an event of a draft's trail was, in words.
// d's pack is in l's language.
func historySentence(l *i18n.Lang, d drafts.Draft, e audit.Entry) string {
	doc := reasonLabel(d.Pack, fmt.Sprint(e.After["kind"]))
	before := reasonLabel(d.Pack, fmt.Sprint(e.Before["kind"]))
	switch e.Action {
	case audit.DraftCreated:
		return l.T("hist.created")
	case audit.DraftUpdated:
		return l.T("hist.updated")
	case audit.DraftViewed:
		return l.T("hist.viewed")
	case audit.DraftDiscarded:
		return l.T("hist.discarded")
	case audit.DraftTamperAttempt:
		return l.T("hist.tamper")
	case audit.DocumentUploaded:
		return l.T("hist.doc_uploaded", "Doc", doc)
	case audit.DocumentReplaced:
		return l.T("hist.doc_replaced", "Doc", doc)
	case audit.DocumentRemoved:
		return l.T("hist.doc_removed", "Doc", before)
	case audit.DocumentViewed:
		return l.T("hist.doc_viewed", "Doc", doc)
	case audit.DocumentRejected:
		return l.T("hist.doc_refused", "Doc", doc)
	case audit.DocumentWarningsAccepted:
		return l.T("hist.doc_kept", "Doc", before)
	case audit.AccessDenied:
		return l.T("hist.denied")
	}
	return l.T("tl.changed")
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
