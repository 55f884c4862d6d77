package drafts

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestPhotoTurns: while a user's photo is being prepared, that user's next one waits (so one
// user never holds more than one of the process's decode slots) and another user's does not;
// the waiting one goes on when the turn is given back, and nothing is kept once all are done.
func TestPhotoTurns(t *testing.T) {
	t.Parallel()
	var tu turns
	ctx := context.Background()
	first, err := tu.take(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := tu.take(short, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the same user's second photo: %v, want it to wait", err)
	}
	soon, cancelSoon := context.WithTimeout(ctx, time.Second)
	defer cancelSoon()
	other, err := tu.take(soon, 2)
	if err != nil {
		t.Fatalf("another user's photo waited: %v", err)
	}
	other()
	next := make(chan func())
	go func() {
		release, err := tu.take(ctx, 1)
		if err != nil {
			t.Error(err)
		}
		next <- release
	}()
	select {
	case <-next:
		t.Fatal("the user's next photo did not wait for the first")
	case <-time.After(50 * time.Millisecond):
	}
	first()
	(<-next)()
	if len(tu.users) != 0 {
		t.Errorf("%d users' turns kept after all were done", len(tu.users))
	}
}
