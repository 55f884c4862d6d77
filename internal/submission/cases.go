package submission

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/drafts"
	"kycportal/internal/store"
)

// Input limits of the case list.
const (
	MaxCaseText  = 100 // characters of the text filter
	CasePageSize = 200 // cases shown at once; the counts cover them all
	InboxSize    = 100 // notifications shown at once
)

// CaseList is a page of cases with the counts per state.
type CaseList struct {
	Cases  []store.Case
	Counts map[string]int
}

// Cases lists the cases user u follows: an agent's own, or for a supervisor every case of
// the branch. Never another branch's: a case stays in the branch that started it.
func (s *Service) Cases(ctx context.Context, u store.User, state, text string) (CaseList, error) {
	if state != "" && !slices.Contains(store.CaseStates, state) {
		return CaseList{}, drafts.FieldErrors{"state": "Choose one of the states listed."}
	}
	if len([]rune(text)) > MaxCaseText {
		return CaseList{}, drafts.FieldErrors{"q": "Search with at most 100 characters."}
	}
	f := store.CaseFilter{Branch: u.Branch, State: state, Text: text, Limit: CasePageSize}
	if u.Role != store.RoleSupervisor {
		f.OwnerID = u.ID
	}
	var out CaseList
	err := s.DB.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		if out.Cases, err = store.Cases(ctx, tx, f); err != nil {
			return err
		}
		out.Counts, err = store.CaseCounts(ctx, tx, f)
		return err
	})
	return out, err
}

// Inbox is user u's notifications of their branch, newest first, and how many are unread.
func (s *Service) Inbox(ctx context.Context, u store.User) ([]store.Notification, error) {
	return store.Inbox(ctx, s.DB.Pool, u.ID, u.Branch, InboxSize)
}

// Unread counts user u's unread notifications.
func (s *Service) Unread(ctx context.Context, u store.User) (int, error) {
	return store.UnreadCount(ctx, s.DB.Pool, u.ID, u.Branch)
}

// MarkRead marks user u's notifications read, audited with how many.
func (s *Service) MarkRead(ctx context.Context, u store.User) error {
	return audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		n, err := store.MarkNotificationsRead(ctx, tx, u.ID, u.Branch, s.Now())
		return audit.Event{Action: audit.NotificationsRead, EntityType: "user", EntityID: entityID(u.ID),
			After: map[string]any{"marked_read": n}}, err
	})
}

// Watch reads, for user u, a submitted draft and its submission without recording a view:
// the draft page asks it every few seconds to see whether its case moved.
func (s *Service) Watch(ctx context.Context, u store.User, draftID int64) (drafts.Draft, store.Submission, error) {
	d, err := s.Drafts.Peek(ctx, s.DB.Pool, u, draftID)
	if err != nil {
		return d, store.Submission{}, err
	}
	sub, err := store.SubmissionByDraft(ctx, s.DB.Pool, draftID, false)
	if errors.Is(err, store.ErrNotFound) {
		err = drafts.ErrNotFound
	}
	return d, sub, err
}
