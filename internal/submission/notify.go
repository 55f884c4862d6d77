package submission

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/i18n"
	"kycportal/internal/store"
)

// The kinds of submission case.
const (
	KindOnboard = "onboard"
	KindUpdate  = "update"
)

// Kinds of notification about a case (docs/drafts.md).
const (
	NoticeReturned            = "returned"
	NoticeCDPRefusal          = "cdp_refusal"
	NoticeOnboarded           = "onboarded"
	NoticeUpdated             = "updated"
	NoticeRejected            = "rejected"
	NoticeInvestigationClosed = "investigation_closed"
	NoticeClaimReleased       = "claim_released"
)

// caseName names sub's case in a notification: its number and its customer.
func caseName(sub store.Submission) string {
	who := strings.TrimSpace(sub.FirstName + " " + sub.LastName)
	if who == "" {
		who = "the customer"
	}
	return fmt.Sprintf("Case #%d (%s)", sub.DraftID, who)
}

// notice is what the case's agent is told when sub has moved from from to its state; ""
// when the move is not news to them (their own steps, the queue's inner moves).
func notice(sub store.Submission, from State) (kind, message string) {
	name := caseName(sub)
	switch to := State(sub.State); {
	case to == Returned && sub.ReturnNote != nil && sub.ReturnNote.By == "cdp":
		return NoticeCDPRefusal, name + " was refused by the CDP: correct the fields it names and submit again."
	case to == Returned:
		return NoticeReturned, name + " was returned by the checker: see the reasons and submit again."
	case from == UnderInvestigation && to == Onboarded:
		return NoticeInvestigationClosed, name + ": the compliance investigation closed and the customer is onboarded."
	case from == UnderInvestigation && to == Rejected:
		return NoticeInvestigationClosed, name + ": the compliance investigation closed and the customer was rejected."
	case to == Onboarded && sub.Kind == KindUpdate:
		return NoticeUpdated, name + ": the CDP accepted the update."
	case to == Onboarded:
		return NoticeOnboarded, name + " is onboarded at the CDP."
	case to == Rejected:
		return NoticeRejected, name + " was rejected."
	}
	return "", ""
}

// notify writes, in tx, the notice of sub's move from from to its agent's inbox.
func (s *Service) notify(ctx context.Context, tx pgx.Tx, sub store.Submission, from State) error {
	kind, message := notice(sub, from)
	if kind == "" {
		return nil
	}
	return store.AddNotification(ctx, tx, store.Notification{UserID: sub.MakerID, Branch: sub.Branch, Kind: kind,
		DraftID: sub.DraftID, Message: message, CreatedAt: sub.UpdatedAt})
}

// MaxNotice is the longest notification the inbox keeps (its table's check).
const MaxNotice = 500

// Notify writes to a user's inbox, in tx, the catalogue's message key in the language the
// user chose (English when none), filled with data; a message longer than the inbox keeps
// is cut with an ellipsis. n carries everything else.
func Notify(ctx context.Context, tx pgx.Tx, n store.Notification, key string, data ...any) error {
	u, err := store.UserByID(ctx, tx, n.UserID)
	if err != nil {
		return err
	}
	n.Message = i18n.Pick(u.Language, "").T(key, data...)
	if r := []rune(n.Message); len(r) > MaxNotice {
		n.Message = string(r[:MaxNotice-1]) + "…"
	}
	return store.AddNotification(ctx, tx, n)
}
