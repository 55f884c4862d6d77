package drafts

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/identity"
	"kycportal/internal/store"
)

// StartUpdate starts an update case of the CDP customer ecrn, found by the document in:
// a draft under the latest pack of its country, prefilled with record (the CDP's record of
// the customer by form field), which it keeps to show what the update changes. An update
// case of the customer already open in the branch is returned instead of a second one.
func (s *Service) StartUpdate(
	ctx context.Context, u store.User, in NewDraft, ecrn string, record map[string]string,
) (int64, error) {
	doc, err := identity.Check(s.Packs, u.Countries, in)
	if err != nil {
		return 0, err
	}
	var id int64
	err = audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		var err error
		if id, err = store.OpenUpdateCase(ctx, tx, u.Branch, ecrn); err != nil {
			return audit.Event{}, err
		}
		if id != 0 {
			return audit.Event{}, errOpenAlready
		}
		row := s.newRow(u, doc)
		row.Values, row.CDPRecord = record, record
		row.UpdateECRN = ecrn
		id, err = store.CreateDraft(ctx, tx, row)
		event := s.created(id, u, doc, map[string]any{"update_of": ecrn})
		event.Reason = "update of a CDP customer"
		return event, err
	})
	if errors.Is(err, errOpenAlready) {
		return id, nil
	}
	return id, err
}

// errOpenAlready rolls back a start that found the customer's update case open already.
var errOpenAlready = errors.New("an update case of this customer is open already")

// Change is a field an update case changes from the CDP's record.
type Change struct {
	Field, Label, Before, After string
}

// Changes lists, in the pack's order, the fields of the CDP's record of the customer whose
// value an update case changes; nil for an onboarding. Fields the record does not hold are
// not changes: the CDP's answers hold few, and the update sends every field anyway.
func Changes(d Draft) []Change {
	if d.UpdateECRN == "" {
		return nil
	}
	var out []Change
	for _, sec := range d.Pack.Sections {
		for _, f := range sec.Fields {
			before, known := d.CDPRecord[f.Name]
			if after := d.Values[f.Name]; known && after != before {
				out = append(out, Change{Field: f.Name, Label: f.Label, Before: before, After: after})
			}
		}
	}
	return out
}
