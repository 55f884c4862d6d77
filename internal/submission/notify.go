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

// notice is what the case's agent is told when sub has moved from from to its state: the
// notice's kind and its message id ([notice] of the catalogues); "" when the move is not news
// to them (their own steps, the queue's inner moves).
func notice(sub store.Submission, from State) (kind, key string) {
	switch to := State(sub.State); {
	case to == Returned && sub.ReturnNote != nil && sub.ReturnNote.By == "cdp":
		return NoticeCDPRefusal, "notice.cdp_refused"
	case to == Returned:
		return NoticeReturned, "notice.returned"
	case from == UnderInvestigation && to == Onboarded:
		return NoticeInvestigationClosed, "notice.investigation_onboarded"
	case from == UnderInvestigation && to == Rejected:
		return NoticeInvestigationClosed, "notice.investigation_rejected"
	case to == Onboarded && sub.Kind == KindUpdate:
		return NoticeUpdated, "notice.updated"
	case to == Onboarded:
		return NoticeOnboarded, "notice.onboarded"
	case to == Rejected:
		return NoticeRejected, "notice.rejected"
	}
	return "", ""
}

// queueNotice queues on b the notice of sub's move from from to its agent's inbox, in the
// agent's language, which sub carries: the worker writes one a send.
func queueNotice(b *pgx.Batch, sub store.Submission, from State) {
	if kind, key := notice(sub, from); kind != "" {
		store.QueueNotification(b, store.Notification{UserID: sub.MakerID, Branch: sub.Branch, Kind: kind,
			DraftID: sub.DraftID, CreatedAt: sub.UpdatedAt, Message: NoticeText(sub.MakerLanguage, key, "Case", caseName(sub))})
	}
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
	n.Message = NoticeText(u.Language, key, data...)
	return store.AddNotification(ctx, tx, n)
}

// NoticeText is the catalogue's message key in language (English when ""), filled with data,
// whose English string values are said in that language too; cut with an ellipsis where it
// is longer than the inbox keeps.
func NoticeText(language, key string, data ...any) string {
	l := i18n.Pick(language, "")
	for i := 1; i < len(data); i += 2 {
		if v, ok := data[i].(string); ok {
			data[i] = l.Say(v) // a value written in English, such as the case's name, in the user's language
		}
	}
	text := l.T(key, data...)
	if r := []rune(text); len(r) > MaxNotice {
		text = string(r[:MaxNotice-1]) + "…"
	}
	return text
}
