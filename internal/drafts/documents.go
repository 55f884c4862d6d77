package drafts

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/documents"
	"kycportal/internal/packs"
	"kycportal/internal/store"
)

// ErrNoDocument answers a request for a document kind the draft does not hold.
var ErrNoDocument = errors.New("no such document")

// Upload checks file as the draft's document of kind and stores it, replacing the one
// before; a refusal is audited with its reason and returned as a *documents.Rejection.
func (s *Service) Upload(
	ctx context.Context, u store.User, id int64, kind string, file documents.File,
) (store.Document, error) {
	if !slices.Contains(packs.DocumentKinds, kind) {
		return store.Document{}, ErrNoDocument
	}
	d, err := s.load(ctx, s.DB.Pool, u, id, false)
	if err != nil {
		return store.Document{}, err
	}
	prepared, err := s.prepare(ctx, u.ID, kind, file)
	if err == nil {
		err = s.scan(ctx, file)
	}
	var rejected *documents.Rejection
	if errors.As(err, &rejected) {
		return store.Document{}, s.recordRejection(ctx, d, kind, rejected)
	}
	if err != nil {
		return store.Document{}, err
	}
	return s.store(ctx, u, id, kind, prepared)
}

func (s *Service) scan(ctx context.Context, file documents.File) error {
	if err := s.Scanner.Scan(ctx, io.NewSectionReader(file, 0, file.Size())); err != nil {
		return &documents.Rejection{Kind: documents.Unacceptable,
			Message: "The virus scanner refused this file, or could not check it. Use another copy, or ask IT."}
	}
	return nil
}

func (s *Service) recordRejection(ctx context.Context, d Draft, kind string, r *documents.Rejection) error {
	err := audit.Apply(ctx, s.DB.Pool, func(pgx.Tx) (audit.Event, error) {
		return audit.Event{Action: audit.DocumentRejected, EntityType: "draft", EntityID: strconv.FormatInt(d.ID, 10),
			After: map[string]any{"kind": kind}, Reason: r.Message, Outcome: audit.Failure}, nil
	})
	if err != nil {
		return err
	}
	return r
}

func (s *Service) store(
	ctx context.Context, u store.User, id int64, kind string, p documents.Prepared,
) (store.Document, error) {
	doc := store.Document{DraftID: id, Kind: kind, ContentType: p.ContentType, Size: len(p.Data),
		Width: p.Width, Height: p.Height, SHA256: p.SHA256, Warnings: p.Warnings, UploadedBy: u.ID, UploadedAt: s.Now()}
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		d, err := s.openForChange(ctx, tx, u, id)
		if err != nil {
			return audit.Event{}, err
		}
		n, err := store.CountUploads(ctx, tx, id)
		if err == nil && n >= documents.MaxUploads {
			err = &documents.Rejection{
				Kind: documents.LimitReached,
				Message: "This draft has received the most uploads allowed (" + strconv.Itoa(
					documents.MaxUploads,
				) + "). Ask a supervisor.",
			}
		}
		if err != nil {
			return audit.Event{}, err
		}
		action, before, err := s.replace(ctx, tx, u, d, kind)
		if err == nil {
			err = s.putBlobs(ctx, tx, &doc, p)
		}
		if err == nil {
			doc.ID, err = store.AddDocument(ctx, tx, doc)
		}
		return audit.Event{Action: action, EntityType: "draft", EntityID: strconv.FormatInt(id, 10), Before: before,
			After: documentFacts(doc)}, err
	})
	return doc, err
}

// replace takes out the current document of kind, if any, and names the action.
func (s *Service) replace(
	ctx context.Context, tx pgx.Tx, u store.User, d Draft, kind string,
) (audit.Action, map[string]any, error) {
	old, err := store.CurrentDocument(ctx, tx, d.ID, kind)
	if errors.Is(err, store.ErrNotFound) {
		return audit.DocumentUploaded, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	return audit.DocumentReplaced, documentFacts(old), store.RemoveDocument(ctx, tx, old.ID, u.ID, s.Now())
}

// putBlobs stores the file and its thumbnail, and names them in doc.
func (s *Service) putBlobs(ctx context.Context, tx pgx.Tx, doc *store.Document, p documents.Prepared) error {
	var err error
	if doc.BlobKey, err = s.Blobs.Put(ctx, tx, p.Data); err != nil || p.Thumb == nil {
		return err
	}
	doc.ThumbKey, err = s.Blobs.Put(ctx, tx, p.Thumb)
	return err
}

// documentFacts is what the audit keeps of a document: never its content.
func documentFacts(d store.Document) map[string]any {
	return map[string]any{"kind": d.Kind, "content_type": d.ContentType, "bytes": d.Size, "width": d.Width,
		"height": d.Height, "sha256": hex.EncodeToString(d.SHA256), "warnings": d.Warnings}
}

// openForChange locks a draft the user may change.
func (s *Service) openForChange(ctx context.Context, tx pgx.Tx, u store.User, id int64) (Draft, error) {
	d, err := s.load(ctx, tx, u, id, true)
	if err == nil && d.Status != store.DraftOpen {
		err = ErrClosed
	}
	return d, err
}

// Documents lists the documents a draft holds now.
func (s *Service) Documents(ctx context.Context, id int64) ([]store.Document, error) {
	return store.CurrentDocuments(ctx, s.DB.Pool, id)
}

// Document returns a draft's document of kind (its thumbnail when thumb), recording the view.
func (s *Service) Document(
	ctx context.Context, u store.User, id int64, kind string, thumb bool,
) (store.Document, []byte, error) {
	var doc store.Document
	var data []byte
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		_, err := s.load(ctx, tx, u, id, false)
		if err == nil {
			doc, err = store.CurrentDocument(ctx, tx, id, kind)
		}
		key := doc.BlobKey
		if thumb && doc.ThumbKey != "" {
			key = doc.ThumbKey
		}
		if err == nil {
			data, err = s.Blobs.Get(ctx, tx, key)
		}
		return audit.Event{Action: audit.DocumentViewed, EntityType: "draft", EntityID: strconv.FormatInt(id, 10),
			After: map[string]any{"kind": kind, "thumbnail": thumb}}, err
	})
	if errors.Is(err, store.ErrNotFound) {
		err = ErrNoDocument
	}
	return doc, data, err
}

// RemoveDocument takes a document out of a draft.
func (s *Service) RemoveDocument(ctx context.Context, u store.User, id int64, kind string) error {
	return s.changeDocument(ctx, u, id, kind, audit.DocumentRemoved, "", func(tx pgx.Tx, doc store.Document) error {
		return store.RemoveDocument(ctx, tx, doc.ID, u.ID, s.Now())
	})
}

// AcceptWarnings records why the agent goes on with a photo despite its quality warnings.
func (s *Service) AcceptWarnings(ctx context.Context, u store.User, id int64, kind, reason string) error {
	if l := len([]rune(reason)); l < 3 || l > 500 {
		return FieldErrors{"reason": "Say in 3 to 500 characters why this photo is good enough."}
	}
	return s.changeDocument(
		ctx,
		u,
		id,
		kind,
		audit.DocumentWarningsAccepted,
		reason,
		func(tx pgx.Tx, doc store.Document) error {
			return store.SetWarningReason(ctx, tx, doc.ID, reason)
		},
	)
}

func (s *Service) changeDocument(ctx context.Context, u store.User, id int64, kind string, action audit.Action,
	reason string, change func(pgx.Tx, store.Document) error) error {
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		_, err := s.openForChange(ctx, tx, u, id)
		var doc store.Document
		if err == nil {
			doc, err = store.CurrentDocument(ctx, tx, id, kind)
		}
		if err == nil {
			err = change(tx, doc)
		}
		return audit.Event{Action: action, EntityType: "draft", EntityID: strconv.FormatInt(id, 10),
			Before: documentFacts(doc), Reason: reason}, err
	})
	if errors.Is(err, store.ErrNotFound) {
		err = ErrNoDocument
	}
	return err
}
