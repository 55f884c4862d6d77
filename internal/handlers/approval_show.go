package handlers

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/session"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/views/pages"
)

// approvalShow is one case as its checker reviews it; viewing it is audited as a draft view.
func (s *Server) approvalShow(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	a, err := s.approvalView(c, id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.ApprovalPage(s.chromeT(c, "sub.case", "approvals"), a))
}

func (s *Server) approvalView(c echo.Context, id int64) (pages.Approval, error) {
	ctx, u := c.Request().Context(), signedIn(c)
	sub, err := s.submissions.Of(ctx, u, id)
	if err != nil {
		return pages.Approval{}, submissionFailure(err)
	}
	d, err := s.drafts.View(ctx, u, id)
	if err != nil {
		return pages.Approval{}, draftFailure(err)
	}
	l := langOf(c)
	d.Pack = d.Pack.In(l.Code)
	t, _ := d.Pack.IDType(d.IDType)
	shown, err := s.shownID(c, d)
	if err != nil {
		return pages.Approval{}, err
	}
	a := pages.Approval{DraftID: id, Country: d.Country, IDLabel: t.Label, IDNumber: shown, Maker: sub.MakerName,
		Customer: strings.TrimSpace(
			d.Values["first_name"] + " " + d.Values["last_name"],
		), CustomerAr: d.Values["full_name_arabic"],
		State: submission.State(sub.State).Label(), Mine: sub.MakerID == u.ID,
		UpdateOf: d.UpdateECRN, Updates: updateChanges(d)}
	s.caseStepUp(c, u, &a)
	if sub.ClaimExpiresAt.After(s.Now()) {
		a.ClaimedBy = sub.ClaimedByName
		a.ClaimedByMe = sub.ClaimedBy == u.ID
		a.ClaimUntil = l.Stamp(sub.ClaimExpiresAt.In(s.zoneOf(ctx, sub.Branch)))
	}
	for _, sec := range summary(d) {
		a.Items = append(a.Items, sec.Items...)
	}
	docs, err := s.drafts.Documents(ctx, id)
	if err != nil {
		return a, err
	}
	for _, doc := range docs {
		a.Items = append(a.Items, pages.ReviewItem{Name: doc.Kind, Label: reasonLabel(d.Pack, doc.Kind),
			Value: l.T("draft.uploaded", "When", l.Stamp(doc.UploadedAt.In(s.zoneOf(ctx, d.Branch))))})
	}
	for _, v := range s.docViews(ctx, l, d, docs) {
		if v.Present {
			a.Docs = append(a.Docs, v)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(submission.ReasonTypes)) {
		a.ReasonTypes = append(a.ReasonTypes, pages.Choice{Code: code, Label: submission.ReasonTypes[code]})
	}
	entries, err := s.submissions.Timeline(ctx, id)
	if err != nil {
		return a, err
	}
	a.Timeline, a.Compare = timelineRows(l, d.Pack, entries, true, s.zoneOf(ctx, d.Branch)), comparison(entries)
	latest, previous, err := s.submissions.Sent(ctx, id)
	a.Changed = caseChanges(d, latest, previous)
	markChanged(&a)
	return a, err
}

// caseStepUp sets how u proves it is them at a case's approval: their password, or, signed
// in through the identity provider (no password), by signing in there again, or with a code
// of their authenticator app when they have one.
func (s *Server) caseStepUp(c echo.Context, u store.User, a *pages.Approval) {
	a.StepUp = "password"
	if session.SignedInWithSSO(sessionOf(c)) && s.sso != nil {
		a.StepUp = "provider"
		a.Provider = s.sso.Name()
		a.CodeFallback = u.TOTPSecret != ""
	}
}

// stepUpOf is how u proves it is them at a review's approval: their password, or, signed in
// through the identity provider (no password), a code of their authenticator app once they
// have one.
func stepUpOf(c echo.Context, u store.User) string {
	switch {
	case !session.SignedInWithSSO(sessionOf(c)):
		return "password"
	case u.TOTPSecret != "":
		return "code"
	}
	return "enrol"
}

// comparison is the last side-by-side the worker recorded after an "already exists".
func comparison(entries []audit.Entry) []pages.CompareRow {
	for i := len(entries) - 1; i >= 0; i-- {
		existing, _ := entries[i].After["existing_customer"].(map[string]any)
		draft, _ := entries[i].After["this_draft"].(map[string]any)
		if existing == nil || draft == nil {
			continue
		}
		ecrn := entries[i].After["existing_ecrn"] // a different person: the case keeps no ECRN
		if ecrn == nil {
			ecrn = entries[i].After["ecrn"] // the same person: the case updates it
		}
		return []pages.CompareRow{
			{Label: "ECRN", Existing: fmt.Sprint(ecrn), Case: "none: not linked"},
			{Label: "Name", Existing: fmt.Sprint(existing["name"]), Case: fmt.Sprint(draft["name"])},
			{Label: "Date of birth", Existing: fmt.Sprint(existing["date_of_birth"]), Case: fmt.Sprint(draft["date_of_birth"])},
		}
	}
	return nil
}
