package submission

import (
	"context"
	"testing"

	"kycportal/internal/store"
)

// TestWorkerNoticeInTheAgentsLanguage: the notice of an onboarding reaches the agent in the
// language they chose, read with the case (store.Submission.MakerLanguage), not in English.
func TestWorkerNoticeInTheAgentsLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	ctx := context.Background()
	if err := store.SetUserLanguage(ctx, e.db.Pool, e.agent.ID, "ms"); err != nil {
		t.Fatal(err)
	}
	cdpSrv := e.startSandbox(sandboxConfig(0, 0), 0)
	id := e.draft(emiratesID(930))
	if err := e.svc.Submit(ctx, e.agent, id); err != nil {
		t.Fatal(err)
	}
	e.startWorker(cdpSrv.client)
	if s := e.settled([]int64{id})[id]; s != Onboarded {
		t.Fatalf("state %s, want onboarded", s)
	}
	sub := e.submission(id).Submission
	malay, english := NoticeText("ms", "notice.onboarded", "Case", caseName(sub)), NoticeText("", "notice.onboarded", "Case", caseName(sub))
	inbox, err := e.svc.Inbox(ctx, e.agent)
	if err != nil || len(inbox) != 1 || inbox[0].Message != malay || malay == english {
		t.Errorf("inbox %+v (%v); want one notice %q, in Malay", inbox, err, malay)
	}
}
