package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kycportal/internal/drafts"
	"kycportal/internal/i18n"
	"kycportal/internal/outcomes"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/views/pages"
)

// draftSubmit sends a complete draft on; a repeated submit lands on the same page.
func (s *Server) draftSubmit(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	if err := s.submissions.Submit(c.Request().Context(), signedIn(c), id); err != nil {
		return submissionFailure(err)
	}
	return c.Redirect(http.StatusSeeOther, "/drafts/"+strconv.FormatInt(id, 10))
}

// draftCorrect reopens an onboarded customer's draft for a correction, sent as an update.
func (s *Server) draftCorrect(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	if err := s.submissions.Correct(c.Request().Context(), signedIn(c), id); err != nil {
		return submissionFailure(err)
	}
	return c.Redirect(http.StatusSeeOther, "/drafts/"+strconv.FormatInt(id, 10))
}

// submissionView is the submission panel of a draft's page.
// d's pack is in l's language.
func (s *Server) submissionView(
	ctx context.Context, l *i18n.Lang, d drafts.Draft, complete bool,
) (pages.Submission, error) {
	v := pages.Submission{DraftID: d.ID}
	sub, err := s.submissions.Current(ctx, d.ID)
	if errors.Is(err, store.ErrNotFound) {
		v.CanSubmit = complete && d.Status == store.DraftOpen
		return v, nil
	}
	if err != nil {
		return v, err
	}
	state := submission.State(sub.State)
	v.State = sub.State
	v.Label = state.Label()
	v.ECRN = sub.ECRN
	v.Seen = caseVersion(sub)
	v.Resubmit = state == submission.Returned || state == submission.StateDraft
	v.CanSubmit = complete && v.Resubmit
	v.CanCorrect = state == submission.Onboarded
	if sub.ReturnNote != nil && v.Resubmit {
		v.ReturnedBy = sub.ReturnNote.By
		v.Comment = sub.ReturnNote.Comment
		v.Reasons = reasons(l, d.Pack, sub.ReturnNote)
	}
	entries, err := s.submissions.Timeline(ctx, d.ID)
	v.Timeline = timelineRows(l, d.Pack, entries, false, s.zoneOf(ctx, d.Branch))
	if o, ok := lastOutcome(entries); ok && state != submission.StateDraft {
		if state == submission.Onboarded {
			// A lookup may have settled it (an answer lost on the way): what counts is that the CDP holds it.
			o = outcomes.Of("onboard", "accepted")
		}
		o = o.In(l)
		v.Outcome = &pages.Outcome{Title: o.Title, Meaning: o.Meaning, Next: o.Next}
	}
	return v, err
}

// updateChanges are what an update case changes from the CDP's record, as pages show them.
func updateChanges(d drafts.Draft) []pages.UpdateChange {
	var out []pages.UpdateChange
	for _, ch := range drafts.Changes(d) {
		out = append(out, pages.UpdateChange{Field: ch.Field, Label: ch.Label, Before: ch.Before, After: ch.After})
	}
	return out
}

// caseVersion names a submission as it stands: it changes with every move of the case.
func caseVersion(sub store.Submission) string {
	return sub.State + "." + strconv.FormatInt(sub.UpdatedAt.UnixMicro(), 10)
}

// markReturned puts each reason of a return under its field or document.
func markReturned(v *pages.DraftView) {
	for _, r := range v.Submission.Reasons {
		for i := range v.Fields {
			if v.Fields[i].Name == r.Name {
				v.Fields[i].Error = "Returned: " + r.Reason
			}
		}
		for i := range v.Docs {
			if v.Docs[i].Kind == r.Name {
				v.Docs[i].Error = "Returned: " + r.Reason
			}
		}
	}
}
