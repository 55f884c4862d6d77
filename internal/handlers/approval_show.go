package handlers

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
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
	return render(c, http.StatusOK, pages.ApprovalPage(s.chrome(c, "Case", "approvals"), a))
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
	t, _ := d.Pack.IDType(d.IDType)
	a := pages.Approval{DraftID: id, Country: d.Country, IDLabel: t.Label, IDNumber: d.IDNumber, Maker: sub.MakerName,
		Customer: strings.TrimSpace(d.Values["first_name"] + " " + d.Values["last_name"]),
		State:    submission.State(sub.State).Label(), Mine: sub.MakerID == u.ID,
		UpdateOf: d.UpdateECRN, Updates: updateChanges(d)}
	if sub.ClaimExpiresAt.After(s.Now()) {
		a.ClaimedBy, a.ClaimedByMe, a.ClaimUntil = sub.ClaimedByName, sub.ClaimedBy == u.ID, clock(sub.ClaimExpiresAt)
	}
	for _, sec := range d.Pack.Sections {
		for _, f := range sec.Fields {
			a.Items = append(a.Items, pages.ReviewItem{Name: f.Name, Label: f.Label, Value: d.Values[f.Name]})
		}
	}
	docs, err := s.drafts.Documents(ctx, id)
	if err != nil {
		return a, err
	}
	for _, doc := range docs {
		a.Items = append(a.Items, pages.ReviewItem{Name: doc.Kind, Label: reasonLabel(d.Pack, doc.Kind),
			Value: doc.ContentType + ", uploaded " + day(doc.UploadedAt) + " UTC"})
	}
	for _, v := range docViews(d, docs) {
		if v.Present {
			a.Docs = append(a.Docs, v)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(submission.ReasonTypes)) {
		a.ReasonTypes = append(a.ReasonTypes, pages.Choice{Code: code, Label: submission.ReasonTypes[code]})
	}
	entries, err := s.submissions.Timeline(ctx, id)
	a.Timeline, a.Compare = timelineRows(entries, true), comparison(entries)
	return a, err
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
