package drafts

import (
	"slices"
	"time"

	"kycportal/internal/packs"
	"kycportal/internal/store"
)

// StepDocuments is the step of the form that holds the uploads.
const StepDocuments = "documents"

// Issue is one thing that keeps a draft from being complete, with where to fix it.
type Issue struct {
	Step    string // a section key, or StepDocuments
	Field   string // a field name or a document kind
	Label   string
	Message string
}

// Review lists everything still missing or invalid in a draft, in the order of the form.
func Review(d Draft, docs []store.Document, today time.Time) []Issue {
	var out []Issue
	for _, p := range d.Pack.Check(d.Values, today) {
		f, _ := d.Pack.Field(p.Field)
		out = append(out, Issue{Step: p.Section, Field: p.Field, Label: f.Label, Message: p.Message})
	}
	for _, kind := range packs.DocumentKinds {
		meta, _ := d.Pack.Document(kind)
		i := slices.IndexFunc(docs, func(doc store.Document) bool { return doc.Kind == kind })
		switch {
		case i < 0 && slices.Contains(d.Pack.RequiredDocuments(d.IDType), kind):
			out = append(out, Issue{Step: StepDocuments, Field: kind, Label: meta.Label, Message: "required"})
		case i >= 0 && len(docs[i].Warnings) > 0 && docs[i].WarningReason == "":
			out = append(out, Issue{Step: StepDocuments, Field: kind, Label: meta.Label,
				Message: "has quality warnings: retake it, or say why it is good enough"})
		}
	}
	return out
}
