package drafts

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// readOnly are set when a draft starts and never by a save: posting one is a tamper attempt.
var readOnly = []string{"country", "pack_version", "id_type", "id_number", "issued_country", "branch", "status"}

// Conflict is a field someone else saved since the page was loaded, with both values.
type Conflict struct {
	Theirs, Yours string
}

// Saved is the outcome of a save.
type Saved struct {
	Draft     Draft
	Changed   []string            // fields this save changed
	Conflicts map[string]Conflict // fields not saved: someone else changed them meanwhile
	Refused   FieldErrors         // values not saved: too long, or control characters
	Refreshed []string            // fields someone else changed meanwhile that this save did not touch

	before map[string]string // the stored values of Changed
}

// Save stores the posted values of a draft that the client loaded at version seen. A field
// that changed since seen and is posted with another value is not saved but reported as a
// conflict with both values; the rest is saved, with one audit event holding the field-level
// before and after. Unknown form keys are ignored; read-only ones are audited as tampering.
func (s *Service) Save(ctx context.Context, u store.User, id int64, seen int, posted map[string]string) (Saved, error) {
	var out Saved
	var row store.DraftRow
	closed := false
	// The draft's locked read goes with the BEGIN: one round trip less an autosave.
	err := s.DB.InTxFrom(ctx, func(b *pgx.Batch) { store.QueueDraftForUpdate(b, id, &row) }, func(tx pgx.Tx) error {
		d, err := s.judge(ctx, u, id, row, nil)
		if err != nil {
			return err
		}
		// The attempt is recorded even on a closed draft: a submitted ID number is the prize.
		if err := s.recordTampering(ctx, tx, id, posted); err != nil {
			return err
		}
		if closed = d.Status != store.DraftOpen; closed {
			return nil
		}
		out = s.merge(d, seen, posted)
		if len(out.Changed) == 0 {
			return nil
		}
		return s.write(ctx, tx, u, &out)
	})
	switch {
	case errors.Is(err, store.ErrNotFound): // the read sent with the BEGIN found no draft
		err = ErrNotFound
	case err == nil && closed:
		err = ErrClosed
	}
	return out, err
}

// merge decides, field by field, what a save changes.
func (s *Service) merge(d Draft, seen int, posted map[string]string) Saved {
	out := Saved{Draft: d, Conflicts: map[string]Conflict{}, Refused: FieldErrors{}, before: map[string]string{}}
	out.Draft.Values = maps.Collect(maps.All(d.Values)) // a copy, never nil
	for _, name := range slices.Sorted(maps.Keys(posted)) {
		f, ok := d.Pack.Field(name)
		if !ok {
			continue
		}
		v, err := d.Pack.Clean(f, posted[name])
		switch {
		case err != nil:
			out.Refused[name] = err.Error()
		case v == d.Values[name]:
		case d.FieldVersions[name] > seen:
			out.Conflicts[name] = Conflict{Theirs: d.Values[name], Yours: v}
		default:
			out.before[name], out.Draft.Values[name] = d.Values[name], v
			out.Changed = append(out.Changed, name)
		}
	}
	for name, v := range d.FieldVersions {
		_, conflicted := out.Conflicts[name]
		if v > seen && !conflicted && !slices.Contains(out.Changed, name) {
			out.Refreshed = append(out.Refreshed, name)
		}
	}
	slices.Sort(out.Refreshed)
	return out
}

func (s *Service) write(ctx context.Context, tx pgx.Tx, u store.User, out *Saved) error {
	d := &out.Draft
	before, after := map[string]any{}, map[string]any{}
	d.FieldVersions = maps.Clone(d.FieldVersions)
	if d.FieldVersions == nil {
		d.FieldVersions = map[string]int{}
	}
	d.Version++
	for _, name := range out.Changed {
		before[name], after[name] = out.before[name], d.Values[name]
		d.FieldVersions[name] = d.Version
	}
	d.UpdatedBy = u.ID
	d.UpdatedByName = u.Username
	d.UpdatedAt = s.Now()
	// The UPDATE and its event go in one round trip: autosave is the portal's most
	// frequent write (docs/performance.md).
	b := &pgx.Batch{}
	store.QueueDraftValues(b, d.DraftRow)
	err := audit.Queue(ctx, b, audit.Event{Action: audit.DraftUpdated, EntityType: "draft",
		EntityID: strconv.FormatInt(d.ID, 10), Before: before, After: after})
	if err != nil {
		return err
	}
	return tx.SendBatch(ctx, b).Close()
}

func (s *Service) recordTampering(ctx context.Context, tx pgx.Tx, id int64, posted map[string]string) error {
	tampered := map[string]any{}
	for _, name := range readOnly {
		v, ok := posted[name]
		switch {
		case !ok:
		case name == "id_number": // the number tried, findable by an ID search, never in full
			maps.Copy(tampered, s.idFields(v))
		default:
			tampered[name] = v
		}
	}
	if len(tampered) == 0 {
		return nil
	}
	return audit.Record(ctx, tx, audit.Event{Action: audit.DraftTamperAttempt, EntityType: "draft",
		EntityID: strconv.FormatInt(id, 10), After: tampered, Outcome: audit.Denied,
		Reason: "read-only fields posted; ignored"})
}
