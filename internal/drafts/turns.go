package drafts

import (
	"context"
	"sync"

	"kycportal/internal/documents"
)

// turns gives each user one photo preparation at a time. The process decodes photos within
// one pixel budget, first come first served (documents); without turns, one user's six large
// uploads queued in front of everyone else's. With them a user's uploads queue behind each
// other, and only one of them at a time competes with other users' for the budget.
type turns struct {
	mu    sync.Mutex
	users map[int64]*turn
}

type turn struct {
	ch    chan struct{} // holds a token while the user's preparation runs
	users int           // requests holding or waiting for this turn
}

// take waits for user's turn; release gives it back.
func (t *turns) take(ctx context.Context, user int64) (release func(), err error) {
	t.mu.Lock()
	if t.users == nil {
		t.users = map[int64]*turn{}
	}
	tu := t.users[user]
	if tu == nil {
		tu = &turn{ch: make(chan struct{}, 1)}
		t.users[user] = tu
	}
	tu.users++
	t.mu.Unlock()
	done := func() {
		t.mu.Lock()
		if tu.users--; tu.users == 0 {
			delete(t.users, user)
		}
		t.mu.Unlock()
	}
	select {
	case tu.ch <- struct{}{}:
		return func() { <-tu.ch; done() }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}

// prepare checks an upload in user's turn: a report (parsed by qpdf, not decoded) needs none.
func (s *Service) prepare(
	ctx context.Context, user int64, kind string, file documents.File,
) (documents.Prepared, error) {
	if kind != "ekyc_report" {
		release, err := s.photoTurns.take(ctx, user)
		if err != nil {
			return documents.Prepared{}, err
		}
		defer release()
	}
	return documents.Prepare(kind, file)
}
