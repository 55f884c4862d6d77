package submission

import (
	"context"
	"errors"
	"fmt"

	"kycportal/internal/audit"
	"kycportal/internal/cdp"
	"kycportal/internal/store"
)

// maxCaseEvents bounds the events of one evidence pack; a case has a few dozen.
const maxCaseEvents = 10_000

// Evidence is the evidence pack of a case the user may see (docs/audit.md): the payload
// the portal sends the CDP for it (as the worker builds it, files by hash), its documents,
// every event of the case that the latest checkpoint covers with its inclusion proof, and
// that checkpoint. Its making is audited.
func (s *Service) Evidence(ctx context.Context, u store.User, draftID int64) (audit.Pack, error) {
	sub, err := s.Of(ctx, u, draftID)
	if err != nil {
		return audit.Pack{}, err
	}
	d, err := s.Drafts.Pinned(ctx, s.DB.Pool, draftID)
	if err != nil {
		return audit.Pack{}, err
	}
	body, err := s.Payload(ctx, d)
	if err != nil {
		return audit.Pack{}, err
	}
	var p audit.Pack
	if p.Payload, p.Documents, err = cdp.PayloadByHash(body, sub.ECRN); err != nil {
		return p, err
	}
	if p.Checkpoint, err = audit.LatestCheckpoint(ctx, s.DB.Pool); err != nil {
		return p, err
	}
	// The case's events are attributed to its branch; another branch's reader of it is
	// not part of its story.
	f := audit.Filter{Customer: entityID(draftID), Branch: sub.Branch, Limit: maxCaseEvents}
	events, err := audit.List(ctx, s.DB.Pool, f)
	if err != nil {
		return p, err
	}
	for i := len(events) - 1; i >= 0; i-- { // oldest first
		proof, err := audit.Prove(ctx, s.DB.Pool, events[i].ID, p.Checkpoint)
		if errors.Is(err, audit.ErrNotSealed) {
			continue // newer than the checkpoint: the next pack will carry it
		}
		if err != nil {
			return p, err
		}
		p.Events = append(p.Events, proof)
	}
	err = audit.RecordAlone(inBranch(ctx, sub.Branch), s.DB.Pool, audit.Event{Action: audit.EvidenceExported,
		EntityType: "submission", EntityID: entityID(draftID),
		After: map[string]any{"events": len(p.Events), "documents": len(p.Documents), "tree_size": p.Checkpoint.Size}})
	if err != nil {
		return p, fmt.Errorf("submission.Evidence: %w", err)
	}
	return p, nil
}
