package submission

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/drafts"
)

func (e *env) submitted() int64 {
	e.t.Helper()
	id := e.draft(emiratesID(int(time.Now().UnixNano() % 1e6)))
	if err := e.svc.Submit(context.Background(), e.agent, id); err != nil {
		e.t.Fatal(err)
	}
	if s := e.submission(id); s.State != AwaitingApproval {
		e.t.Fatalf("state %s after submit, want awaiting_approval", s.State)
	}
	return id
}

var review = Review{
	Reasons: map[string]string{"date_of_birth": "mismatch", "face": "illegible"},
	Comment: "Check the birth date",
}

func TestMakerCannotCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	id := e.submitted()
	maker := e.agent
	maker.Role = "supervisor" // were the maker a supervisor, the server still refuses
	if err := e.svc.Claim(context.Background(), maker, id); !errors.Is(err, ErrOwnCase) {
		t.Fatalf("claim by the maker = %v, want ErrOwnCase", err)
	}
	if !slices.Contains(e.actions(id), string(audit.SubmissionRefused)) {
		t.Errorf("refusal not audited: %v", e.actions(id))
	}
}

func TestExpiredClaimIsReleased(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	ctx := context.Background()
	id := e.submitted()
	a, b := e.supervisors[0], e.supervisors[1]
	if err := e.svc.Claim(ctx, a, id); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Claim(ctx, b, id); !errors.Is(err, ErrClaimed) {
		t.Fatalf("second claim = %v, want ErrClaimed", err)
	}
	e.clock.Advance(e.svc.Rules.ClaimFor + time.Second)
	if err := e.svc.Approve(ctx, a, id, password); !errors.Is(err, ErrNotClaimed) {
		t.Fatalf("approve on an expired claim = %v, want ErrNotClaimed", err)
	}
	if err := e.svc.Claim(ctx, b, id); err != nil {
		t.Fatalf("claim after expiry: %v", err)
	}
	if err := e.svc.Approve(ctx, b, id, password); err != nil {
		t.Fatal(err)
	}
	if s := e.submission(id); s.State != Queued || s.CheckerID != b.ID {
		t.Errorf("state %s checker %d, want queued by %d", s.State, s.CheckerID, b.ID)
	}
	var jobs int
	if err := e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE
		(args->>'draft_id')::bigint = $1`, id).Scan(&jobs); err != nil ||
		jobs != 1 {
		t.Errorf("%d jobs queued (%v), want 1", jobs, err)
	}
}

func TestStepUpWithAWrongPasswordIsRefusedAndAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	ctx := context.Background()
	id := e.submitted()
	sup := e.supervisors[0]
	if err := e.svc.Claim(ctx, sup, id); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Approve(ctx, sup, id, "wrong password"); !errors.Is(err, ErrStepUp) {
		t.Fatalf("approve = %v, want ErrStepUp", err)
	}
	if s := e.submission(id); s.State != AwaitingApproval {
		t.Errorf("state %s, want still awaiting_approval", s.State)
	}
	if !slices.Contains(e.actions(id), string(audit.StepUpFailed)) {
		t.Errorf("step-up failure not audited: %v", e.actions(id))
	}
}

func TestReturnNeedsReasonsAndIsCapped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	ctx := context.Background()
	e.svc.Rules.MaxReturns = 1
	id := e.submitted()
	sup := e.supervisors[0]
	if err := e.svc.Claim(ctx, sup, id); err != nil {
		t.Fatal(err)
	}
	var fe drafts.FieldErrors
	if err := e.svc.Return(ctx, sup, id, Review{Comment: "no reasons"}); !errors.As(err, &fe) || fe["reasons"] == "" {
		t.Fatalf("return without reasons = %v", err)
	}
	bad := Review{Reasons: map[string]string{"date_of_birth": "because"}, Comment: "typed?"}
	if err := e.svc.Return(ctx, sup, id, bad); !errors.As(err, &fe) {
		t.Fatalf("return with an unknown reason type = %v", err)
	}
	if err := e.svc.Return(ctx, sup, id, review); err != nil {
		t.Fatal(err)
	}
	s := e.submission(id)
	if s.State != Returned || s.ReturnNote.Fields["face"] != "illegible" || s.Returns != 1 {
		t.Fatalf("after return: %s %+v", s.State, s.ReturnNote)
	}
	// The agent corrects the birth date and resubmits: refused while the returned face photo
	// is the same; taken again, it goes. The second return is over the cap.
	if _, err := e.svc.Drafts.Save(ctx, e.agent, id, 100, map[string]string{"date_of_birth": "1990-05-18"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Submit(ctx, e.agent, id); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("resubmit with the returned photo unchanged = %v, want ErrIncomplete", err)
	}
	e.document(id, "face", cdptest.JPEG("face, taken again"))
	if err := e.svc.Submit(ctx, e.agent, id); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Claim(ctx, sup, id); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Return(ctx, sup, id, review); !errors.Is(err, ErrReturnCap) {
		t.Fatalf("second return = %v, want ErrReturnCap", err)
	}
	if err := e.svc.Reject(ctx, sup, id, review); err != nil {
		t.Fatal(err)
	}
	want := []string{"submission.submitted", "submission.claimed", "submission.returned", "submission.reopened",
		"submission.resubmitted", "submission.submitted", "submission.claimed", "submission.refused", "submission.rejected"}
	if got := e.actions(id); !slices.Equal(got, want) {
		t.Errorf("timeline %v\nwant %v", got, want)
	}
}

// TestStepUpSharesTheSignInThrottle: wrong step-up passwords count as failed sign-ins of the
// supervisor at that address, each audited; the fifth locks, the right one then waits, and so
// does signing in from there.
func TestStepUpSharesTheSignInThrottle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "sup-a", Role: "supervisor", ClientIP: "10.0.0.7"})
	id := e.submitted()
	sup := e.supervisors[0]
	if err := e.svc.Claim(ctx, sup, id); err != nil {
		t.Fatal(err)
	}
	var locked auth.LockedError
	for i := 1; i <= auth.FreeFailures; i++ {
		err := e.svc.Approve(ctx, sup, id, "wrong password")
		if i < auth.FreeFailures && !errors.Is(err, ErrStepUp) || i == auth.FreeFailures && !errors.As(err, &locked) {
			t.Fatalf("wrong step-up %d: %v", i, err)
		}
	}
	if err := e.svc.Approve(ctx, sup, id, password); !errors.As(err, &locked) {
		t.Errorf("the right step-up while locked: %v, want locked", err)
	}
	_, err := e.svc.Passwords.(*auth.Service).Login(
		ctx,
		auth.Attempt{Username: sup.Username, Password: password, ClientIP: "10.0.0.7"},
	)
	if !errors.As(err, &locked) {
		t.Errorf("signing in from the same address: %v, want locked", err)
	}
	if n := countOf(e.actions(id), string(audit.StepUpFailed)); n != auth.FreeFailures {
		t.Errorf("%d step-up failures audited, want %d", n, auth.FreeFailures)
	}
}
