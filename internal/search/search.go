// Package search finds customers: by identity document in the CDP and among our own drafts at
// once, and among our own records by name, phone or part of an ID number. Every search and
// every customer view is audited with the ID number only as an audit.IDRef.
package search

import (
	"context"
	"fmt"
	"sync"
	"time"

	"kycportal/internal/audit"
	"kycportal/internal/cdp"
	"kycportal/internal/store"
)

// CDP is what search needs of the CDP client.
type CDP interface {
	Lookup(ctx context.Context, idType, idNumber string) cdp.Result
	GetCustomer(ctx context.Context, ecrn string) cdp.Result
}

// Limit is how many CDP lookups one user may make in a window.
type Limit struct {
	Lookups int
	Window  time.Duration
}

// DefaultLimit is the limit when none is configured.
var DefaultLimit = Limit{Lookups: 60, Window: time.Minute}

// Service holds what searches need.
type Service struct {
	DB    *store.DB
	CDP   CDP
	Key   []byte // the audit HMAC key of audit.NewIDRef
	Limit Limit
	Now   func() time.Time
}

// Document is an identity document as searched: a checked country and ID type, and the
// normalised number.
type Document struct {
	Country, IDType, IssuedCountry, Number string
}

// Found is what one search by ID found: the CDP's answer and our own drafts of the document.
type Found struct {
	CDP cdp.Result
	Own []store.DraftSummary
}

// LimitedError refuses a lookup beyond the user's limit.
type LimitedError struct {
	Limit      Limit
	RetryAfter time.Duration
}

func (e LimitedError) Error() string {
	return fmt.Sprintf("more than %d CDP lookups in %s", e.Limit.Lookups, e.Limit.Window)
}

// ByID asks the CDP and our own records about doc at once. A refusal by the rate limit is a
// LimitedError, audited; a CDP failure is not an error here but Found.CDP's outcome, so that
// our own matches are still shown.
func (s *Service) ByID(ctx context.Context, u store.User, doc Document) (Found, error) {
	if err := s.countLookup(ctx, u, doc); err != nil {
		return Found{}, err
	}
	var f Found
	var ownErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		f.Own, ownErr = store.DraftsWithIDNumber(ctx, s.DB.Pool, doc.IssuedCountry, doc.IDType, doc.Number, 0)
	})
	f.CDP = s.CDP.Lookup(ctx, doc.IDType, doc.Number)
	wg.Wait()
	if ownErr != nil {
		return Found{}, ownErr
	}
	own := len(f.Own)
	return f, s.record(ctx, customerEvent(audit.CustomerSearched, f.CDP.ECRN, failed(f.CDP), s.details(doc, f.CDP, &own)))
}

// OwnByID lists our own drafts of doc, for the new-draft form's check as a number is typed.
// It answers who else onboards an identity, across branches, so it is counted against the
// same per-user limit as a CDP lookup and audited like one (draft.id_checked).
func (s *Service) OwnByID(ctx context.Context, u store.User, doc Document) ([]store.DraftSummary, error) {
	if err := s.countLookup(ctx, u, doc); err != nil {
		return nil, err
	}
	own, err := store.DraftsWithIDNumber(ctx, s.DB.Pool, doc.IssuedCountry, doc.IDType, doc.Number, 0)
	if err != nil {
		return nil, err
	}
	n := len(own)
	e := audit.Event{
		Action:     audit.DraftIDChecked,
		EntityType: "customer",
		After:      s.details(doc, cdp.Result{}, &n),
		Outcome:    audit.Success,
	}
	return own, s.record(ctx, e)
}

// countLookup counts one lookup against the user's limit, refusing it when over.
func (s *Service) countLookup(ctx context.Context, u store.User, doc Document) error {
	limit := s.limit()
	now := s.Now()
	start := now.Truncate(limit.Window)
	n, err := store.CountCDPLookup(ctx, s.DB.Pool, u.ID, start)
	if err != nil || n <= limit.Lookups {
		return err
	}
	refused := LimitedError{Limit: limit, RetryAfter: start.Add(limit.Window).Sub(now)}
	err = s.record(ctx, customerEvent(audit.CustomerLookupLimited, "", audit.Denied, s.details(doc, cdp.Result{}, nil)))
	if err != nil {
		return err
	}
	return refused
}

func (s *Service) limit() Limit {
	if s.Limit.Lookups < 1 || s.Limit.Window <= 0 {
		return DefaultLimit
	}
	return s.Limit
}

// Customer reads the customer ecrn, whose document the caller knows from the search that
// found it, and records the view.
func (s *Service) Customer(ctx context.Context, ecrn string, doc Document) (cdp.Result, error) {
	res := s.CDP.GetCustomer(ctx, ecrn)
	return res, s.record(ctx, customerEvent(audit.CustomerViewed, ecrn, failed(res), s.details(doc, res, nil)))
}

// Reveal records that the agent asked to see the full ID number of the customer ecrn.
func (s *Service) Reveal(ctx context.Context, ecrn string, doc Document) error {
	return s.record(ctx, customerEvent(audit.CustomerIDRevealed, ecrn, audit.Success, s.details(doc, cdp.Result{}, nil)))
}

// details are what an event says of a search: the document as an IDRef and what came of it.
type details struct {
	Country       string `json:"country"`
	IDType        string `json:"id_type"`
	IssuedCountry string `json:"issued_country"`
	audit.IDRef
	Result     string `json:"result,omitempty"`
	CDPCode    int    `json:"cdp_code,omitempty"`
	OwnMatches *int   `json:"own_matches,omitempty"`
}

func (s *Service) details(doc Document, res cdp.Result, own *int) details {
	d := details{Country: doc.Country, IDType: doc.IDType, IssuedCountry: doc.IssuedCountry,
		IDRef: audit.NewIDRef(s.Key, doc.Number), CDPCode: res.Code, OwnMatches: own}
	if res.Outcome != 0 {
		d.Result = res.Outcome.String()
	}
	return d
}

// failed is the audit outcome of a CDP call: the call itself went wrong, or it answered.
func failed(res cdp.Result) string {
	switch res.Outcome {
	case cdp.CDPError, cdp.AuthFailed, cdp.Unavailable, cdp.InvalidRequest:
		return audit.Failure
	}
	return audit.Success
}

func customerEvent(action audit.Action, ecrn, outcome string, d details) audit.Event {
	return audit.Event{Action: action, EntityType: "customer", EntityID: ecrn, After: d, Outcome: outcome}
}

// record appends e to the trail on its own: a search changes nothing else.
func (s *Service) record(ctx context.Context, e audit.Event) error {
	e.OccurredAt = s.Now()
	return audit.RecordAlone(ctx, s.DB.Pool, e)
}
