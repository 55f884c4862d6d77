package handlers

import (
	"slices"

	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/views/pages"
)

// caseChanges lists, in the form's order, what a resubmitted case sends differently from
// its previous submission: each field with its value before and after, and each document
// taken in again. A first submission (previous nil) has none.
func caseChanges(d drafts.Draft, latest, previous map[string]string) []pages.CaseChange {
	if previous == nil {
		return nil
	}
	var out []pages.CaseChange
	for _, sec := range d.Pack.Sections {
		for i := range sec.Fields {
			f := &sec.Fields[i]
			if was, now := previous[f.Name], latest[f.Name]; was != now {
				out = append(out, pages.CaseChange{Field: f.Name, Label: f.Label, Before: d.Pack.Display(f, was),
					After: d.Pack.Display(f, now)})
			}
		}
	}
	for _, kind := range packs.DocumentKinds {
		was, now := previous[kind], latest[kind]
		if was == now {
			continue
		}
		ch := pages.CaseChange{Field: kind, Label: reasonLabel(d.Pack, kind), Before: "a file", After: "a new file"}
		if was == "" {
			ch.Before = ""
		}
		if now == "" {
			ch.After = ""
		}
		out = append(out, ch)
	}
	return out
}

// markChanged flags the case's items that changed since its previous submission.
func markChanged(a *pages.Approval) {
	for i := range a.Items {
		a.Items[i].Changed = slices.ContainsFunc(
			a.Changed,
			func(ch pages.CaseChange) bool { return ch.Field == a.Items[i].Name },
		)
	}
}
