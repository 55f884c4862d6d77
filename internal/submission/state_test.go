package submission

import (
	"errors"
	"slices"
	"testing"
)

// allowed is the state machine, written out move by move.
var allowed = []string{
	"draft→awaiting_approval", "draft→queued", "draft→resubmitted",
	"resubmitted→awaiting_approval", "resubmitted→queued",
	"awaiting_approval→approved", "awaiting_approval→returned", "awaiting_approval→rejected",
	"approved→queued",
	"returned→draft",
	"queued→sending",
	"sending→onboarded", "sending→under_investigation", "sending→rejected", "sending→needs_attention",
	"sending→returned", "sending→queued", "sending→awaiting_approval",
	"under_investigation→onboarded", "under_investigation→rejected",
	"needs_attention→queued",
	"onboarded→draft",
}

// TestEveryTransition checks all 121 pairs of states: the allowed ones pass, every other is
// refused with a ForbiddenError naming both ends.
func TestEveryTransition(t *testing.T) {
	t.Parallel()
	if len(States) != 11 {
		t.Fatalf("%d states, want 11", len(States))
	}
	for _, from := range States {
		for _, to := range States {
			name := string(from) + "→" + string(to)
			t.Run(name, func(t *testing.T) {
				want := slices.Contains(allowed, name)
				if got := CanMove(from, to); got != want {
					t.Fatalf("CanMove = %v, want %v", got, want)
				}
				err := check(from, to)
				var fe *ForbiddenError
				switch {
				case want && err != nil:
					t.Fatalf("check refused an allowed move: %v", err)
				case !want && (!errors.As(err, &fe) || fe.From != from || fe.To != to):
					t.Fatalf("check = %v, want a ForbiddenError %s", err, name)
				}
			})
		}
	}
}
