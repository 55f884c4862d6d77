package submission

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/blobs"
	"kycportal/internal/branches/branchtest"
	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/cdp/sandbox"
	"kycportal/internal/documents"
	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/packs/packstest"
	"kycportal/internal/payload"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// env is a database, the AE pack, an agent and two supervisors of one branch, and the
// submission service; a CDP sandbox and a worker come with start.
type env struct {
	t           *testing.T
	dsn         string
	db          *store.DB
	clock       *cdptest.Clock
	svc         *Service
	agent       store.User
	supervisors [2]store.User
	queue       QueueConfig // startWorker's, with its worker and test speeds
}

const password = "correct horse battery staple"

// newEnv builds the environment; makerChecker is the AE pack's flag.
func newEnv(t *testing.T, makerChecker bool) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, dsn: testdb.New(t), clock: cdptest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	var err error
	if e.db, err = store.Open(ctx, e.dsn); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.db.Close)
	hasher := auth.NewTestHasher()
	e.svc = newEnvService(t, e.db, e.clock.Now, makerChecker)
	e.svc.Passwords = &auth.Service{DB: e.db, Hasher: hasher, Now: e.clock.Now}
	e.agent = e.user(hasher, "agent", store.RoleAgent)
	e.supervisors = [2]store.User{
		e.user(hasher, "sup-a", store.RoleSupervisor),
		e.user(hasher, "sup-b", store.RoleSupervisor),
	}
	return e
}

// newEnvService is the submission service on db, with an insert-only queue client.
func newEnvService(t *testing.T, db *store.DB, now func() time.Time, makerChecker bool) *Service {
	t.Helper()
	queue, err := NewQueue(db.Pool, QueueConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return &Service{DB: db, Queue: queue, Now: now, Rules: DefaultRules,
		Drafts: &drafts.Service{DB: db, Packs: aePack(t, makerChecker), Blobs: blobs.Ephemeral(),
			Scanner: documents.NoScanner{}, Now: now}}
}

// aePack is the embedded AE pack, with maker-checker on or off.
func aePack(t *testing.T, makerChecker bool) *packs.Registry {
	t.Helper()
	return packstest.AE(t, func(files map[string]string) {
		ae := files["data/ae-v1.json"]
		if !strings.Contains(ae, `"maker_checker": true`) {
			t.Fatal("the AE pack no longer asks for a checker: adjust aePack")
		}
		files["data/ae-v1.json"] = strings.Replace(ae, `"maker_checker": true`,
			fmt.Sprintf(`"maker_checker": %t`, makerChecker), 1)
	})
}

func (e *env) user(h *auth.Hasher, name, role string) store.User {
	e.t.Helper()
	branchtest.Ensure(e.t, e.db.Pool, "DXB-01")
	u, err := (&auth.Accounts{DB: e.db, Hasher: h}).CreateUser(
		context.Background(),
		auth.NewUser{Username: name, DisplayName: name,
			Role: role, Branch: "DXB-01", Countries: []string{"AE"}},
		password,
		"test",
	)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// emiratesID is cdptest.EmiratesID, the name these tests grew up with.
func emiratesID(n int) string { return cdptest.EmiratesID(n) }

// draft creates a complete AE draft for the Emirates ID number; its documents are small
// files whose first bytes match their type, stored directly (the upload checks are the
// drafts package's tests).
func (e *env) draft(number string) int64 {
	e.t.Helper()
	return e.draftWithFront(number, cdptest.JPEG("front "+number))
}

// draftWithFront is draft with the given ID front.
func (e *env) draftWithFront(number string, front *payload.File) int64 {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.svc.Drafts.Create(ctx, e.agent, drafts.NewDraft{Country: "AE", IDType: "4", IDNumber: number})
	if err != nil {
		e.t.Fatal(err)
	}
	saved, err := e.svc.Drafts.Save(ctx, e.agent, id, 1, cdptest.AEDraftValues())
	if err != nil || len(saved.Refused) > 0 || len(saved.Conflicts) > 0 {
		e.t.Fatalf("save draft: %v %v %v", err, saved.Refused, saved.Conflicts)
	}
	for kind, f := range map[string]*payload.File{packs.DocIDFront: front,
		packs.DocIDBack: cdptest.JPEG("back"), packs.DocFace: cdptest.JPEG("face")} {
		e.document(id, kind, f)
	}
	return id
}

// document stores f as the draft's document of kind, replacing the one it held.
func (e *env) document(draftID int64, kind string, f *payload.File) {
	e.t.Helper()
	ctx := context.Background()
	sum := sha256.Sum256(f.Data)
	key := fmt.Sprintf("test-%d-%s-%x", draftID, kind, sum[:4])
	err := e.db.InTx(ctx, func(tx pgx.Tx) error {
		if old, err := store.CurrentDocument(ctx, tx, draftID, kind); err == nil {
			if err := store.RemoveDocument(ctx, tx, old.ID, e.agent.ID, e.clock.Now()); err != nil {
				return err
			}
		}
		if err := (store.PGBlobs{}).Put(ctx, tx, key, f.Data); err != nil {
			return err
		}
		_, err := store.AddDocument(ctx, tx, store.Document{DraftID: draftID, Kind: kind, ContentType: f.ContentType,
			BlobKey: key, Size: len(f.Data), SHA256: sum[:], UploadedBy: e.agent.ID, UploadedAt: e.clock.Now()})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// cdpServer is the sandbox over loopback HTTP behind a recorder, and a client for it.
type cdpServer struct {
	*recorder
	srv    *httptest.Server
	client *cdp.Client
}

func (e *env) startSandbox(cfg sandbox.Config, loseAnswers float64) *cdpServer {
	e.t.Helper()
	sb, err := sandbox.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	rec := newRecorder(sb, loseAnswers)
	srv := httptest.NewServer(rec)
	e.t.Cleanup(srv.Close)
	c := cdp.Config{BaseURL: srv.URL, Scope: cdp.DefaultScope, Timeout: 5 * time.Second}.WithSandboxDefaults()
	// The test's clock ages the client's tokens and its cool-down after a failed token request.
	client, err := cdp.New(c, cdp.Options{Logger: slog.New(slog.DiscardHandler), Now: e.clock.Now})
	if err != nil {
		e.t.Fatal(err)
	}
	return &cdpServer{recorder: rec, srv: srv, client: client}
}

// sandboxConfig is the sandbox with no latency, seeded so a run's draws repeat.
func sandboxConfig(failRate, dropRate float64) sandbox.Config {
	c := sandbox.DefaultConfig()
	c.FailRate = failRate
	c.DropRate = dropRate
	c.Seed = 6
	return c
}

// startWorker works the queue against client until the test ends.
func (e *env) startWorker(client *cdp.Client) *river.Client[pgx.Tx] {
	e.t.Helper()
	w, err := NewWorker(e.svc, client, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	w.RetryBase, w.RetryMax = 2*time.Millisecond, 20*time.Millisecond
	e.queue.Worker = w
	e.queue.Concurrency = 8
	e.queue.Log = slog.New(slog.DiscardHandler)
	e.queue.PollInterval = 20 * time.Millisecond
	q, err := NewQueue(e.db.Pool, e.queue)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := q.Start(ctx); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		cancel()
		<-q.Stopped()
	})
	return q
}

// settled waits, up to a deadline, until none of drafts is queued or sending, and returns
// their states.
func (e *env) settled(ids []int64) map[int64]State {
	e.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		states := e.states(ids)
		busy := 0
		for _, s := range states {
			if s == Queued || s == Sending {
				busy++
			}
		}
		if busy == 0 {
			return states
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d of %d submissions still queued or sending after 90s", busy, len(ids))
		}
		<-tick.C
	}
}

func (e *env) states(ids []int64) map[int64]State {
	e.t.Helper()
	out := map[int64]State{}
	for _, id := range ids {
		out[id] = e.submission(id).State
	}
	return out
}

// sub is a submission as tests read it.
type sub struct {
	State State
	store.Submission
}

func (e *env) submission(id int64) sub {
	e.t.Helper()
	s, err := store.SubmissionByDraft(context.Background(), e.db.Pool, id, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return sub{State: State(s.State), Submission: s}
}

// timeline is a submission's timeline, oldest first.
func (e *env) timeline(id int64) []audit.Entry {
	e.t.Helper()
	entries, err := e.svc.Timeline(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return entries
}

// actions lists the audit actions of a submission's timeline, oldest first.
func (e *env) actions(id int64) []string {
	e.t.Helper()
	var out []string
	for _, en := range e.timeline(id) {
		out = append(out, string(en.Action))
	}
	return out
}
