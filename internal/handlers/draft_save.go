package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kycportal/internal/drafts"
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
	status := http.StatusOK
	switch {
	case len(res.Conflicts) > 0:
		status = http.StatusConflict
	case len(res.Refused) > 0:
		status = http.StatusUnprocessableEntity
	}
	if isHTMX(c) {
		a, err := s.autosaveView(c.Request().Context(), res, posted, form.Get("step"))
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
func (s *Server) fieldAfterSave(ctx context.Context, res drafts.Saved, name, posted string) (pages.Field, bool) {
	f, ok := res.Draft.Pack.Field(name)
	if !ok {
		return pages.Field{}, false
	}
	v := s.fieldView(ctx, res.Draft, f, res.Draft.Values[name], false)
	if msg, refused := res.Refused[name]; refused {
		v.Value, v.Error = posted, msg
	}
	if c, conflict := res.Conflicts[name]; conflict {
		v.Error = ""
		v.Conflict = &pages.Conflict{Theirs: c.Theirs, Yours: c.Yours, Keep: fmt.Sprintf("/drafts/%d", res.Draft.ID),
			Advice: "Keep yours, or reload the page to take the saved value."}
	}
	return v, true
}

// autosaveView is the answer to one autosave: the field's message, the badge, and the
// steps' counts of issues as they now stand. The counts are the draft's own issues: the
// CDP's pre-flight reads every document, too much for each keystroke, and runs when a
// step's page is shown.
func (s *Server) autosaveView(ctx context.Context, res drafts.Saved, posted map[string]string, step string) (pages.Autosave, error) {
	docs, err := s.drafts.Documents(ctx, res.Draft.ID)
	if err != nil {
		return pages.Autosave{}, err
	}
	issues, err := s.submissions.Issues(ctx, res.Draft, docs)
	if err != nil {
		return pages.Autosave{}, err
	}
	a := pages.Autosave{DraftID: res.Draft.ID, Version: res.Draft.Version, Steps: stepLinks(res.Draft, issues, step)}
	if res.Draft.Version > 1 {
		a.SavedAt = "Saved " + clock(res.Draft.UpdatedAt, s.zoneOf(ctx, res.Draft.Branch))
	}
	for name, value := range posted {
		if v, ok := s.fieldAfterSave(ctx, res, name, value); ok {
			a.Messages = append(a.Messages, v)
		}
	}
	for _, name := range res.Refreshed {
		f, _ := res.Draft.Pack.Field(name)
		v := s.fieldView(ctx, res.Draft, f, res.Draft.Values[name], false)
		v.Note = "Updated by another save while this page was open."
		a.Refreshed = append(a.Refreshed, v)
	}
	return a, nil
}

// renderSaveProblems shows the step again with what was refused or in conflict.
func (s *Server) renderSaveProblems(c echo.Context, status int, res drafts.Saved, posted map[string]string, step string) error {
	v, err := s.draftView(c.Request().Context(), res.Draft, step, false)
	if err != nil {
		return err
	}
	for i, f := range v.Fields {
		after, ok := s.fieldAfterSave(c.Request().Context(), res, f.Name, posted[f.Name])
		if !ok || (after.Conflict == nil && res.Refused[f.Name] == "") {
			continue
		}
		if after.Conflict != nil { // the page shows the saved value: a stale copy never wins by a second click
			after.Conflict.Advice = "The field shows the saved value; type yours again to replace it."
		}
		v.Fields[i] = after
	}
	v.Flash = "Some values were not saved: see the messages below."
	return render(c, status, pages.DraftPage(s.chrome(c, "Draft", "drafts"), v))
}
