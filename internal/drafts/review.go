package drafts

import (
	"encoding/hex"
	"slices"
	"time"

	"kycportal/internal/packs"
	"kycportal/internal/store"
)

// Issue is one thing that keeps a draft from being complete, with where to fix it.
type Issue struct {
	Step    string // a section key, or StepDocuments
	Field   string // a field name or a document kind
	Label   string
	Message string
}

// Review lists everything still missing or invalid in a draft, in the order of the form.
// A field or document of returned (nil: the draft was not returned) that still holds what
// it held when it came back is an issue too, until the agent changes it.
func Review(d Draft, docs []store.Document, today time.Time, returned *store.ReturnNote) []Issue {
	var out []Issue
	for _, p := range d.Pack.Check(d.Values, today) {
		f, _ := d.Pack.Field(p.Field)
		out = append(out, Issue{Step: p.Section, Field: p.Field, Label: f.Label, Message: p.Message})
	}
	for _, sec := range d.Pack.Sections {
		for _, f := range sec.Fields {
			if unchanged(d, docs, returned, f.Name) &&
				!slices.ContainsFunc(out, func(i Issue) bool { return i.Field == f.Name }) {
				out = append(
					out,
					Issue{Step: sec.Key, Field: f.Name, Label: f.Label, Message: stillReturned(d.Pack, returned, f.Name)},
				)
			}
		}
	}
	for _, kind := range packs.DocumentKinds {
		meta, _ := d.Pack.Document(kind)
		i := slices.IndexFunc(docs, func(doc store.Document) bool { return doc.Kind == kind })
		switch {
		case i < 0 && slices.Contains(d.Pack.RequiredDocuments(d.IDType), kind):
			out = append(out, Issue{Step: StepDocuments, Field: kind, Label: meta.Label, Message: d.Pack.Say("pack.required")})
		case i >= 0 && len(docs[i].Warnings) > 0 && docs[i].WarningReason == "":
			out = append(out, Issue{Step: StepDocuments, Field: kind, Label: meta.Label,
				Message: d.Pack.Say("pack.doc_warnings")})
		case unchanged(d, docs, returned, kind):
			out = append(
				out,
				Issue{Step: StepDocuments, Field: kind, Label: meta.Label, Message: stillReturned(d.Pack, returned, kind)},
			)
		}
	}
	return out
}

// Holding is what a draft holds under a field name or document kind: the field's value, or
// the document's SHA-256 in hex ("" for a document it lacks).
func Holding(d Draft, docs []store.Document, name string) string {
	if _, ok := d.Pack.Field(name); ok {
		return d.Values[name]
	}
	i := slices.IndexFunc(docs, func(doc store.Document) bool { return doc.Kind == name })
	if i < 0 {
		return ""
	}
	return hex.EncodeToString(docs[i].SHA256)
}

// unchanged is true when returned sent name back and the draft still holds what it held then.
func unchanged(d Draft, docs []store.Document, returned *store.ReturnNote, name string) bool {
	if returned == nil {
		return false
	}
	was, ok := returned.Was[name]
	return ok && returned.Fields[name] != "" && Holding(d, docs, name) == was
}

func stillReturned(p *packs.Pack, returned *store.ReturnNote, name string) string {
	if returned.By == "cdp" {
		return p.Say("pack.returned_cdp", "Reason", returned.Fields[name])
	}
	return p.Say("pack.returned_checker")
}
