package submission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/contract"
	"kycportal/internal/drafts"
	"kycportal/internal/payload"
	"kycportal/internal/store"
)

// Payload is exactly what the worker sends the CDP for d: its values through the pack's
// cdp keys, its documents' bytes, and its branch's CDP location and channel.
func (s *Service) Payload(ctx context.Context, d drafts.Draft) (cdp.Payload, error) {
	return s.payloadIn(ctx, s.DB.Pool, d)
}

// payloadIn is Payload read through q: inside a transaction, its own connection, so that it
// never waits for a second one of the pool.
func (s *Service) payloadIn(ctx context.Context, q store.Querier, d drafts.Draft) (cdp.Payload, error) {
	b, err := store.BranchByCode(ctx, q, d.Branch, false)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("the draft's branch %s: %w", d.Branch, err)
	} // a branch missing from the registry sends nothing of its own: the pre-flight says so
	docs, err := store.CurrentDocuments(ctx, q, d.ID)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(docs))
	for i, doc := range docs {
		keys[i] = doc.BlobKey
	}
	data, err := s.Drafts.Blobs.GetAll(ctx, q, keys)
	if err != nil {
		return nil, err
	}
	files := make([]payload.File, len(docs))
	for i, doc := range docs {
		files[i] = payload.File{Kind: doc.Kind, ContentType: doc.ContentType, Data: data[i]}
	}
	in := payload.Draft{
		Pack:          d.Pack,
		Values:        d.Values,
		IDType:        d.IDType,
		IDNumber:      d.IDNumber,
		IssuedCountry: d.IssuedCountry,
	}
	return payload.Build(in, payload.Branch{Channel: b.Channel, LocationID: b.CDPLocationID}, files)
}

// Finding is one thing the CDP would refuse in a draft's payload, placed where it can be
// fixed: on a form field or document (Field set), or with a supervisor (the branch's
// settings, a value the agent cannot edit).
type Finding struct {
	Field  string // a pack field name or document kind; empty: a supervisor's task
	Path   string // the payload path the contract names
	Reason string // in words
}

// Preflight runs the contract's rules on exactly the payload the worker would send.
func (s *Service) Preflight(ctx context.Context, d drafts.Draft) ([]Finding, error) {
	return s.preflightIn(ctx, s.DB.Pool, d)
}

// preflightIn is Preflight read through q.
func (s *Service) preflightIn(ctx context.Context, q store.Querier, d drafts.Draft) ([]Finding, error) {
	p, err := s.payloadIn(ctx, q, d)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, f := range contract.Check(body, s.Now()) {
		out = append(out, place(d, p, f.Path, f.Reason))
	}
	return out, nil
}

// place attaches a reason about a payload path to the draft's field or document that fed
// it. A path the agent cannot edit (the branch's settings, the pack's fixed values, a field
// the pack does not send) becomes a supervisor's task, never a raw path on the form.
func place(d drafts.Draft, p cdp.Payload, path, reason string) Finding {
	o, ok := payload.OriginOf(d.Pack, p, path)
	switch {
	case ok && (o.From == payload.FromField || o.From == payload.FromDocument):
		return Finding{Field: o.Name, Path: path, Reason: reason}
	case ok && o.From == payload.FromBranch:
		return Finding{Path: path, Reason: "the branch's CDP setting " + strings.ReplaceAll(o.Name, "_", " ") + " " + reason +
			": an administrator completes branch " + d.Branch + " at Admin › Branches"}
	}
	return Finding{Path: path, Reason: "the CDP refuses a value that no form field holds: a supervisor decides"}
}

// formFields attaches the CDP's messages to the draft's fields and documents. What no field
// holds is a supervisor's task: its paths and the CDP's words go to task, never to the form.
func formFields(d drafts.Draft, p cdp.Payload, details map[string]string) (fields, task map[string]string) {
	fields, task = map[string]string{}, map[string]string{}
	for path, msg := range details {
		if f := place(d, p, path, msg); f.Field != "" {
			fields[f.Field] = strings.TrimSpace(fields[f.Field] + " " + f.Reason)
		} else {
			task[path] = msg
		}
	}
	return fields, task
}
