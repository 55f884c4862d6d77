// Package drafts is the onboarding-draft service: creating a draft under a country's pack,
// saving what agents type without ever overwriting a colleague silently, discarding, and
// the documents a draft holds. Every change commits in one transaction with its audit event.
package drafts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/documents"
	"kycportal/internal/identity"
	"kycportal/internal/packs"
	"kycportal/internal/store"
)

// BlobStore keeps document bytes (blobs.Documents: encrypted, in PostgreSQL or S3). q is
// the transaction of the change the blob belongs to; Put returns the key that names it.
type BlobStore interface {
	Put(ctx context.Context, q store.Querier, data []byte) (string, error)
	Get(ctx context.Context, q store.Querier, key string) ([]byte, error)
	GetAll(ctx context.Context, q store.Querier, keys []string) ([][]byte, error) // in their order
}

// Service holds what drafts need.
type Service struct {
	DB      *store.DB
	Packs   *packs.Registry
	Blobs   BlobStore
	Scanner documents.Scanner
	Now     func() time.Time
	Key     []byte // the audit HMAC key: the trail names ID numbers only as audit.IDRef

	photoTurns turns // one photo preparation per user at a time (turns.go)
}

// ErrNotFound answers every request for a draft the user may not see, so that a guessed
// id tells nothing.
var ErrNotFound = errors.New("draft not found")

// ErrClosed refuses a change to a discarded or submitted draft.
var ErrClosed = errors.New("this draft is no longer open: it was discarded or submitted")

// FieldErrors are messages for the agent, by form field: every service refuses input with
// them, the identity check first.
type FieldErrors = identity.FieldErrors

// NewDraft is what starts a draft: an identity document as the agent entered it.
type NewDraft = identity.Entered

// Draft is a stored draft with the pack it is pinned to.
type Draft struct {
	store.DraftRow
	Pack *packs.Pack
}

// visible is the object-level rule: agents see the drafts of their branch, for the
// countries they onboard.
func visible(u store.User, d store.DraftRow) bool {
	return d.Branch == u.Branch && slices.Contains(u.Countries, d.Country)
}

// Create starts a draft under the latest pack of its country.
func (s *Service) Create(ctx context.Context, u store.User, in NewDraft) (int64, error) {
	doc, err := identity.Check(s.Packs, u.Countries, in)
	if err != nil {
		return 0, err
	}
	var id int64
	err = audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		id, err = store.CreateDraft(ctx, tx, s.newRow(u, doc))
		return s.created(id, u, doc, nil), err
	})
	return id, err
}

// newRow is the row of a draft that u starts for doc, under doc's pack.
func (s *Service) newRow(u store.User, doc identity.Document) store.DraftRow {
	return store.DraftRow{Country: doc.Pack.Country, PackVersion: doc.Pack.Version, IDType: doc.IDType,
		IDNumber: doc.Number, IssuedCountry: doc.IssuedCountry, Branch: u.Branch, CreatedBy: u.ID, CreatedAt: s.Now()}
}

// created is the event of draft id started by u for doc, with extra fields beside the
// document's and the pack's.
func (s *Service) created(id int64, u store.User, doc identity.Document, extra map[string]any) audit.Event {
	after := s.idFields(doc.Number)
	maps.Copy(after, map[string]any{"country": doc.Pack.Country, "pack_version": doc.Pack.Version,
		"id_type": doc.IDType, "issued_country": doc.IssuedCountry, "branch": u.Branch})
	maps.Copy(after, extra)
	return audit.Event{Action: audit.DraftCreated, EntityType: "draft", EntityID: strconv.FormatInt(id, 10),
		After: after}
}

// idFields names an ID number in an event as the trail allows: its last 4 and keyed hash.
func (s *Service) idFields(number string) map[string]any {
	ref := audit.NewIDRef(s.Key, number)
	return map[string]any{"id_last4": ref.Last4, "id_hmac": ref.HMAC}
}

// load reads a draft the user may see, with its pack, in q. Another branch's draft is not
// found either, but asking for it is a denial the trail keeps, in a transaction of its own.
func (s *Service) load(ctx context.Context, q store.Querier, u store.User, id int64, forUpdate bool) (Draft, error) {
	d, err := store.DraftByID(ctx, q, id, forUpdate)
	return s.judge(ctx, u, id, d, err)
}

// judge gives the draft d, read for u with err, as load does: not found when it is not or
// u may not see it, with its pack when u may.
func (s *Service) judge(ctx context.Context, u store.User, id int64, d store.DraftRow, err error) (Draft, error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Draft{}, ErrNotFound
	case err != nil:
		return Draft{}, err
	case !visible(u, d):
		err := audit.RecordAlone(ctx, s.DB.Pool, audit.Event{Action: audit.AccessDenied, EntityType: "draft",
			EntityID: strconv.FormatInt(id, 10), Outcome: audit.Denied, Reason: "a draft of another branch or country"})
		if err != nil {
			return Draft{}, err
		}
		return Draft{}, ErrNotFound
	}
	return s.withPack(d)
}

func (s *Service) withPack(d store.DraftRow) (Draft, error) {
	p, ok := s.Packs.Get(d.Country, d.PackVersion)
	if !ok {
		return Draft{}, fmt.Errorf(
			"drafts: draft %d is pinned to %s pack v%d, which this build lacks",
			d.ID,
			d.Country,
			d.PackVersion,
		)
	}
	return Draft{DraftRow: d, Pack: p}, nil
}

// ForUpdate reads a draft the user may see, with its pack, and locks it until tx ends: the
// submission service judges one change of a draft at a time.
func (s *Service) ForUpdate(ctx context.Context, tx pgx.Tx, u store.User, id int64) (Draft, error) {
	return s.load(ctx, tx, u, id, true)
}

// Visible reads a draft the user may see, with its pack, and locks nothing: a read never
// waits for a change of the case, nor makes one wait (docs/submission.md, lock order).
func (s *Service) Visible(ctx context.Context, q store.Querier, u store.User, id int64) (Draft, error) {
	return s.load(ctx, q, u, id, false)
}

// Pinned reads any draft with its pack, for the system's own work (the submission worker).
func (s *Service) Pinned(ctx context.Context, q store.Querier, id int64) (Draft, error) {
	d, err := store.DraftByID(ctx, q, id, false)
	if err != nil {
		return Draft{}, err
	}
	return s.withPack(d)
}

// Peek reads a draft the user may see without recording a view: for the small reads a
// page repeats by itself (its state), which the trail need not keep.
func (s *Service) Peek(ctx context.Context, q store.Querier, u store.User, id int64) (Draft, error) {
	return s.load(ctx, q, u, id, false)
}

// View reads a draft for display and records that the user saw it.
func (s *Service) View(ctx context.Context, u store.User, id int64) (Draft, error) {
	var d Draft
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		var err error
		d, err = s.load(ctx, tx, u, id, false)
		return audit.Event{Action: audit.DraftViewed, EntityType: "draft", EntityID: strconv.FormatInt(id, 10)}, err
	})
	return d, err
}

// RevealID records that the user was shown the full ID number of draft d, which every page
// masks until asked.
func (s *Service) RevealID(ctx context.Context, d Draft) error {
	return audit.RecordAlone(ctx, s.DB.Pool, audit.Event{Action: audit.CustomerIDRevealed, EntityType: "draft",
		EntityID: strconv.FormatInt(d.ID, 10), After: s.idFields(d.IDNumber)})
}

// Discard closes an open draft for good, with the agent's reason.
func (s *Service) Discard(ctx context.Context, u store.User, id int64, reason string) error {
	if l := len([]rune(reason)); l < 3 || l > 500 {
		return FieldErrors{"reason": "Say in 3 to 500 characters why this draft is discarded."}
	}
	return audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		d, err := s.load(ctx, tx, u, id, true)
		if err == nil && d.Status != store.DraftOpen {
			err = ErrClosed
		}
		if err == nil {
			err = store.DiscardDraft(ctx, tx, id, u.ID, s.Now(), reason)
		}
		return audit.Event{Action: audit.DraftDiscarded, EntityType: "draft", EntityID: strconv.FormatInt(id, 10),
			Before: map[string]any{"status": d.Status}, After: map[string]any{"status": store.DraftDiscarded},
			Reason: reason}, err
	})
}

// Reuse lists the other drafts of the same identity document.
func (s *Service) Reuse(
	ctx context.Context, issuedCountry, idType, number string, except int64,
) ([]store.DraftSummary, error) {
	return store.DraftsWithIDNumber(ctx, s.DB.Pool, issuedCountry, idType, number, except)
}

// History is the audit trail of a draft the user may see.
func (s *Service) History(ctx context.Context, u store.User, id int64) (Draft, []audit.Entry, error) {
	d, err := s.load(ctx, s.DB.Pool, u, id, false)
	if err != nil {
		return d, nil, err
	}
	entries, err := audit.History(ctx, s.DB.Pool, "draft", strconv.FormatInt(id, 10), 1000)
	return d, entries, err
}
