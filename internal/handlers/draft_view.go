package handlers

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"kycportal/internal/documents"
	"kycportal/internal/drafts"
	"kycportal/internal/i18n"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/views/pages"
)

func stepTitle(l *i18n.Lang, p *packs.Pack, key string) string {
	switch key {
	case drafts.StepDocuments, drafts.StepReview:
		return l.T("draft." + key)
	}
	s, _ := p.Section(key)
	return s.Title
}

// draftIssues is what still stands between the draft and its submission: its own issues
// and, once there are none, what the CDP would refuse, also by field or document (refused).
func (s *Server) draftIssues(
	ctx context.Context, l *i18n.Lang, d drafts.Draft, docs []store.Document,
) (issues []drafts.Issue, refused map[string]string, err error) {
	issues, err = s.submissions.Issues(ctx, d, docs)
	if err != nil || len(issues) > 0 || d.Status != store.DraftOpen {
		return issues, nil, err
	}
	findings, err := s.submissions.Preflight(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	issues, refused = preflightIssues(l, d, findings)
	return issues, refused, nil
}

// stepLinks are the draft's steps, each with how many of issues are on it; d's pack is in
// l's language.
func stepLinks(l *i18n.Lang, d drafts.Draft, issues []drafts.Issue, current string) []pages.StepLink {
	var links []pages.StepLink
	for _, key := range drafts.Steps(d.Pack) {
		n := 0
		for _, i := range issues {
			if i.Step == key {
				n++
			}
		}
		links = append(links, pages.StepLink{Key: key, Title: stepTitle(l, d.Pack, key), Current: key == current, Issues: n})
	}
	return links
}

// draftView builds the page of one step. showRequired marks empty required fields too,
// as when the agent arrives from the review or tried to continue.
// The draft's pack speaks l's language from here on.
func (s *Server) draftView(
	ctx context.Context, l *i18n.Lang, d drafts.Draft, step string, showRequired bool,
) (pages.DraftView, error) {
	d.Pack = d.Pack.In(l.Code)
	docs, err := s.drafts.Documents(ctx, d.ID)
	if err != nil {
		return pages.DraftView{}, err
	}
	reuse, err := s.drafts.Reuse(ctx, d.IssuedCountry, d.IDType, d.IDNumber, d.ID)
	if err != nil {
		return pages.DraftView{}, err
	}
	issues, refused, err := s.draftIssues(ctx, l, d, docs)
	if err != nil {
		return pages.DraftView{}, err
	}
	t, _ := d.Pack.IDType(d.IDType)
	v := pages.DraftView{ID: d.ID, Country: d.Pack.Name, IDLabel: t.Label, IDNumber: masked(d.IDNumber),
		PackLabel: l.T("draft.pack", "Name", d.Pack.Name, "Version", d.PackVersion), Version: d.Version,
		Open: d.Status == store.DraftOpen, Status: d.Status, Step: step, StepTitle: stepTitle(l, d.Pack, step),
		MakerChecker: d.Pack.MakerChecker, Reuse: reuseItems(l, reuse, d.Branch, s.zoneOf(ctx, d.Branch)), UpdateOf: d.UpdateECRN,
		Updates: updateChanges(d)}
	if d.Version > 1 {
		v.SavedAt = l.T("draft.saved", "Time", clock(d.UpdatedAt, s.zoneOf(ctx, d.Branch)))
	}
	v.Steps = stepLinks(l, d, issues, step)
	switch step {
	case drafts.StepDocuments:
		v.Docs = s.docViews(ctx, l, d, docs)
		for i := range v.Docs {
			if msg := refused[v.Docs[i].Kind]; msg != "" {
				v.Docs[i].Error = msg
			}
		}
	case drafts.StepReview:
		v.Issues, v.Summary = issueViews(d.ID, issues), summary(d)
		for _, doc := range s.docViews(ctx, l, d, docs) {
			if doc.Present {
				v.Docs = append(v.Docs, doc)
			}
		}
	default:
		sec, _ := d.Pack.Section(step)
		for i := range sec.Fields {
			f := s.fieldView(ctx, l, d, &sec.Fields[i], d.Values[sec.Fields[i].Name], showRequired)
			if msg := refused[f.Name]; msg != "" && f.Error == "" {
				f.Error = msg
			}
			v.Fields = append(v.Fields, f)
		}
		for _, i := range issues {
			if showRequired && i.Step == step {
				v.StepIssues = append(v.StepIssues, pages.Issue{Label: i.Label, Message: i.Message, Href: "#f-" + i.Field})
			}
		}
	}
	v.Submission, err = s.submissionView(ctx, l, d, len(issues) == 0)
	markReturned(&v)
	return v, err
}

// fieldView is a field as its step shows it, with the message for value; d's pack is in l's
// language.
func (s *Server) fieldView(
	ctx context.Context, l *i18n.Lang, d drafts.Draft, f *packs.Field, value string, showRequired bool,
) pages.Field {
	p := d.Pack
	v := pages.Field{Name: f.Name, Label: f.Label, Type: f.Type, Value: value, Help: f.Help,
		Required: p.Required(f, d.Values), MaxLength: f.MaxLength, Error: p.Invalid(f, value, s.Now()),
		Rules: s.rules(ctx, d, f)}
	if c := f.RequiredWhen; c != nil {
		other, _ := p.Field(c.Field)
		var labels []string
		for _, code := range c.In {
			labels = append(labels, p.Label(other.List, code))
		}
		v.RequiredNote = l.T(
			"draft.required_when",
			"Field",
			strings.ToLower(other.Label),
			"Values",
			strings.Join(labels, l.T("draft.or")),
		)
	}
	if value == "" && showRequired && p.Required(f, d.Values) {
		v.Error = l.T("draft.required")
	}
	list := f.List
	if f.Type == packs.TypeCountry {
		list = packs.TypeCountry
	}
	for _, o := range p.Lists[list].Options {
		v.Options = append(v.Options, pages.Choice{Code: o.Code, Label: o.Label})
	}
	return v
}

func (s *Server) docViews(ctx context.Context, l *i18n.Lang, d drafts.Draft, docs []store.Document) []pages.Doc {
	required := d.Pack.RequiredDocuments(d.IDType)
	t, _ := d.Pack.IDType(d.IDType)
	var out []pages.Doc
	for _, meta := range d.Pack.Documents {
		i := slices.IndexFunc(docs, func(doc store.Document) bool { return doc.Kind == meta.Kind })
		if meta.Kind == packs.DocIDBack && !t.HasBack && i < 0 {
			continue // this ID has no back to photograph
		}
		v := pages.Doc{Kind: meta.Kind, Label: meta.Label, Required: slices.Contains(required, meta.Kind),
			Accept: "image/jpeg,image/png", Capture: "environment", IsImage: true, ScaleTo: documents.StoredEdge,
			MaxBytes: documents.MaxFileSize}
		switch meta.Kind {
		case packs.DocFace:
			v.Capture = "user"
		case packs.DocEKYCReport, packs.DocEKYCConfirmation:
			v.Accept = "application/pdf"
			v.Capture = ""
			v.IsImage = false
			v.ScaleTo = 0
		}
		if i >= 0 {
			fillDoc(l, &v, docs[i], s.zoneOf(ctx, d.Branch))
		}
		out = append(out, v)
	}
	return out
}

func fillDoc(l *i18n.Lang, v *pages.Doc, doc store.Document, loc *time.Location) {
	v.Present = true
	v.Warnings = doc.Warnings
	v.WarningReason = doc.WarningReason
	v.Size = fmt.Sprintf("%d KB", (doc.Size+999)/1000)
	if doc.Size >= 1e6 {
		v.Size = fmt.Sprintf("%.1f MB", float64(doc.Size)/1e6)
	}
	v.Uploaded = l.Stamp(doc.UploadedAt.In(loc))
	if doc.Width > 0 {
		v.Dims = fmt.Sprintf("%d×%d", doc.Width, doc.Height)
	} else {
		v.Dims = "PDF"
	}
}

// preflightIssues places the contract's findings on the draft's fields and documents, in
// plain words, and returns them also by field or document for the steps' messages. A finding
// no field holds is a task for a supervisor, said so on the review step.
func preflightIssues(l *i18n.Lang, d drafts.Draft, findings []submission.Finding) ([]drafts.Issue, map[string]string) {
	var out []drafts.Issue
	byName := map[string]string{}
	for _, f := range findings {
		msg := l.T("draft.cdp_would_refuse_short", "Reason", f.Reason)
		switch {
		case f.Field == "":
			out = append(out, drafts.Issue{Step: drafts.StepReview, Label: l.T("draft.for_supervisor"), Message: f.Reason})
			continue
		case slices.Contains(packs.DocumentKinds, f.Field):
			out = append(
				out,
				drafts.Issue{Step: drafts.StepDocuments, Field: f.Field, Label: reasonLabel(d.Pack, f.Field), Message: msg},
			)
		default:
			out = append(
				out,
				drafts.Issue{Step: sectionOf(d.Pack, f.Field), Field: f.Field, Label: reasonLabel(d.Pack, f.Field), Message: msg},
			)
		}
		byName[f.Field] = l.T("draft.cdp_would_refuse", "Reason", f.Reason)
	}
	return out, byName
}

func sectionOf(p *packs.Pack, field string) string {
	for _, s := range p.Sections {
		for _, f := range s.Fields {
			if f.Name == field {
				return s.Key
			}
		}
	}
	return drafts.StepReview
}

func issueViews(id int64, issues []drafts.Issue) []pages.Issue {
	var out []pages.Issue
	for _, i := range issues {
		href := fmt.Sprintf("/drafts/%d?step=%s&check=1#field-%s", id, i.Step, i.Field)
		switch {
		case i.Step == drafts.StepDocuments:
			href = fmt.Sprintf("/drafts/%d?step=%s#doc-%s", id, i.Step, i.Field)
		case i.Field == "":
			href = fmt.Sprintf("/drafts/%d?step=%s", id, i.Step)
		}
		out = append(out, pages.Issue{Label: i.Label, Message: i.Message, Href: href})
	}
	return out
}

// reuseItems names the other drafts of an identity: those of the user's branch in full,
// another branch's only as in use there (who onboards whom elsewhere is not this branch's).
func reuseItems(l *i18n.Lang, list []store.DraftSummary, branch string, loc *time.Location) []pages.ReuseItem {
	var out []pages.ReuseItem
	for _, r := range list {
		if r.Branch != branch {
			out = append(out, pages.ReuseItem{Elsewhere: true})
			continue
		}
		out = append(
			out,
			pages.ReuseItem{ID: r.ID, Who: r.CreatedByName, Branch: r.Branch, When: l.Stamp(r.CreatedAt.In(loc)),
				Status: r.Status},
		)
	}
	return out
}

// summary is every field of a draft by step, each value as people read it: what the
// review shows will be sent.
func summary(d drafts.Draft) []pages.SummarySection {
	var out []pages.SummarySection
	for _, sec := range d.Pack.Sections {
		s := pages.SummarySection{Title: sec.Title}
		for i := range sec.Fields {
			f := &sec.Fields[i]
			s.Items = append(s.Items, pages.ReviewItem{Name: f.Name, Label: f.Label, Value: d.Pack.Display(f, d.Values[f.Name])})
		}
		out = append(out, s)
	}
	return out
}

// digitsOnly matches the pack patterns that take digits alone: a phone's keypad fits them.
var digitsOnly = regexp.MustCompile(`^(?:\[0-9\]|\[1-9\]|\{[0-9,]+\}|[()?])+$`)

// rules renders the pack's rules of f into its input (docs/drafts.md): the pattern and its
// example, a date's bounds from the branch's today, the keypad, and the condition that
// makes it required.
func (s *Server) rules(ctx context.Context, d drafts.Draft, f *packs.Field) pages.Rules {
	r := pages.Rules{Pattern: f.Pattern, Hint: f.PatternHint}
	if digitsOnly.MatchString(f.Pattern) || f.Type == packs.TypeInteger {
		r.InputMode = "numeric"
	}
	today := s.Now().In(s.zoneOf(ctx, d.Branch))
	switch f.Date {
	case "past":
		r.Max = today.Format(time.DateOnly)
	case "future":
		r.Min = today.AddDate(0, 0, 1).Format(time.DateOnly)
	}
	if c := f.RequiredWhen; c != nil {
		r.RequiredWhenField, r.RequiredWhenIn = c.Field, strings.Join(c.In, " ")
	}
	return r
}
