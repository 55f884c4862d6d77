package submission

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// Release gives back the claim supervisor u holds on a case, before deciding: the case
// waits in the branch's queue again, and its agent is told, so that they know why it still
// waits and may ask another checker (docs/submission.md).
func (s *Service) Release(ctx context.Context, u store.User, draftID int64) error {
	err := s.DB.InTx(ctx, func(tx pgx.Tx) error {
		_, sub, err := s.decision(ctx, tx, u, draftID)
		if err != nil {
			return err
		}
		sub.ClaimedBy = 0
		sub.ClaimExpiresAt = time.Time{}
		sub.UpdatedAt = s.Now()
		if err := store.SaveSubmission(ctx, tx, sub); err != nil {
			return err
		}
		err = Notify(ctx, tx, store.Notification{UserID: sub.MakerID, Branch: sub.Branch, Kind: NoticeClaimReleased,
			DraftID: draftID, CreatedAt: s.Now()}, "notice.claim_released", "Case", caseName(sub), "Who", u.Username)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: audit.ClaimReleased, EntityType: "submission",
			EntityID: entityID(draftID), After: map[string]any{"released_by": u.Username}})
	})
	return s.refusedBy(ctx, draftID, err, ErrOwnCase, ErrNotClaimed)
}

// lapsed tells the supervisor whose claim on sub lapsed, without a decision, that u takes
// the case now: whatever they were still reading of it, it is no longer theirs to decide.
func (s *Service) lapsed(ctx context.Context, tx pgx.Tx, sub store.Submission, u store.User) error {
	if sub.ClaimedBy == 0 || sub.ClaimedBy == u.ID {
		return nil
	}
	err := Notify(ctx, tx, store.Notification{UserID: sub.ClaimedBy, Branch: sub.Branch, Kind: NoticeClaimReleased,
		DraftID: sub.DraftID, CreatedAt: s.Now()}, "notice.claim_lapsed", "Case", caseName(sub), "Who", u.Username)
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Event{Action: audit.ClaimReleased, EntityType: "submission",
		EntityID: entityID(sub.DraftID), After: map[string]any{"lapsed_holder": sub.ClaimedByName, "taken_by": u.Username}})
}
