package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kycportal/internal/drafts"
	"kycportal/internal/i18n"
	"kycportal/internal/views/pages"
)

// draftSave stores what the agent typed: one field at a time from htmx autosave, or a
// whole step from the form without JavaScript. Someone else's newer value is never
// overwritten silently: the answer is a 409 with both values.
func (s *Server) draftSave(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	if err := parseForm(c); err != nil {
		return err
	}
	form := c.Request().PostForm
	seen, _ := strconv.Atoi(form.Get("version"))
	posted := lastValues(form, "_csrf", "version", "step")
	res, err := s.drafts.Save(c.Request().Context(), signedIn(c), id, seen, posted)
	if err != nil {
		return draftFailure(err)
	}
	l := langOf(c)
	res.Draft.Pack = res.Draft.Pack.In(l.Code)
	status := http.StatusOK
	switch {
	case len(res.Conflicts) > 0:
		status = http.StatusConflict
	case len(res.Refused) > 0:
		status = http.StatusUnprocessableEntity
	}
	if isHTMX(c) {
		a, err := s.autosaveView(c.Request().Context(), l, res, posted, form.Get("step"))
		if err != nil {
			return err
		}
		return render(c, status, pages.AutosaveResult(a))
	}
	step := drafts.Step(res.Draft.Pack, form.Get("step"))
	if status != http.StatusOK {
		return s.renderSaveProblems(c, status, res, posted, step)
	}
	for _, p := range res.Draft.Pack.Check(res.Draft.Values, s.Now()) {
		if p.Section == step {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/drafts/%d?step=%s&check=1", id, step))
		}
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/drafts/%d?step=%s", id, drafts.NextStep(res.Draft.Pack, step)))
}

// fieldAfterSave is a posted field as the agent should now see it.
func (s *Server) fieldAfterSave(
	ctx context.Context, l *i18n.Lang, res drafts.Saved, name, posted string,
) (pages.Field, bool) {
	f, ok := res.Draft.Pack.Field(name)
	if !ok {
		return pages.Field{}, false
	}
	v := s.fieldView(ctx, l, res.Draft, f, res.Draft.Values[name], false)
	if msg, refused := res.Refused[name]; refused {
		if _, err := res.Draft.Pack.Clean(f, posted); err != nil {
			msg = err.Error() // the same refusal, in the page's language
		}
		v.Value, v.Error = posted, msg
	}
	if c, conflict := res.Conflicts[name]; conflict {
		v.Error = ""
		v.Conflict = &pages.Conflict{Theirs: c.Theirs, Yours: c.Yours, Keep: fmt.Sprintf("/drafts/%d", res.Draft.ID),
			Advice: l.T("draft.conflict_advice")}
	}
	return v, true
}

// autosaveView is the answer to one autosave: the field's message, the badge, and the
// steps' counts of issues as they now stand. The counts are the draft's own issues: the
// CDP's pre-flight reads every document, too much for each keystroke, and runs when a
// step's page is shown. res's pack is in l's language.
func (s *Server) autosaveView(
	ctx context.Context, l *i18n.Lang, res drafts.Saved, posted map[string]string, step string,
) (pages.Autosave, error) {
	docs, err := s.drafts.Documents(ctx, res.Draft.ID)
	if err != nil {
		return pages.Autosave{}, err
	}
	issues, err := s.submissions.Issues(ctx, res.Draft, docs)
	if err != nil {
		return pages.Autosave{}, err
	}
	a := pages.Autosave{DraftID: res.Draft.ID, Version: res.Draft.Version, Steps: stepLinks(l, res.Draft, issues, step)}
	if res.Draft.Version > 1 {
		a.SavedAt = l.T("draft.saved", "Time", clock(res.Draft.UpdatedAt, s.zoneOf(ctx, res.Draft.Branch)))
	}
	for name, value := range posted {
		if v, ok := s.fieldAfterSave(ctx, l, res, name, value); ok {
			a.Messages = append(a.Messages, v)
		}
	}
	for _, name := range res.Refreshed {
		f, _ := res.Draft.Pack.Field(name)
		v := s.fieldView(ctx, l, res.Draft, f, res.Draft.Values[name], false)
		v.Note = l.T("draft.refreshed")
		a.Refreshed = append(a.Refreshed, v)
	}
	return a, nil
}

// renderSaveProblems shows the step again with what was refused or in conflict.
func (s *Server) renderSaveProblems(
	c echo.Context, status int, res drafts.Saved, posted map[string]string, step string,
) error {
	l := langOf(c)
	v, err := s.draftView(c.Request().Context(), l, res.Draft, step, false)
	if err != nil {
		return err
	}
	for i, f := range v.Fields {
		after, ok := s.fieldAfterSave(c.Request().Context(), l, res, f.Name, posted[f.Name])
		if !ok || (after.Conflict == nil && res.Refused[f.Name] == "") {
			continue
		}
		if after.Conflict != nil { // the page shows the saved value: a stale copy never wins by a second click
			after.Conflict.Advice = l.T("draft.conflict_retype")
		}
		v.Fields[i] = after
	}
	v.Flash = "Some values were not saved: see the messages below."
	return render(c, status, pages.DraftPage(s.chromeT(c, "search.draft", "drafts"), v))
}
