package worklist

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"kycportal/internal/auth"
	"kycportal/internal/blobs"
	"kycportal/internal/branches/branchtest"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/testdb"
)

var day0 = time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)

type env struct {
	t     *testing.T
	db    *store.DB
	clock *cdptest.Clock
	svc   *Service
	agent store.User
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := testdb.Open(t)
	e := &env{t: t, db: db, clock: cdptest.NewClock(day0.Add(9 * time.Hour))}
	queue, err := submission.NewQueue(db.Pool, submission.QueueConfig{})
	if err != nil {
		t.Fatal(err)
	}
	subs := &submission.Service{DB: db, Queue: queue, Now: e.clock.Now, Rules: submission.DefaultRules,
		Drafts: &drafts.Service{DB: db, Packs: packs.Default(), Blobs: blobs.Ephemeral(), Now: e.clock.Now}}
	e.svc = &Service{DB: db, Submissions: subs, Now: e.clock.Now, Rules: DefaultRules,
		Login: &auth.Service{DB: db, Hasher: auth.NewTestHasher(), Now: e.clock.Now}}
	e.agent = e.user("amal", store.RoleAgent, "DXB-01")
	return e
}

func (e *env) user(name, role, branch string) store.User {
	e.t.Helper()
	branchtest.Ensure(e.t, e.db.Pool, branch)
	u, err := (&auth.Accounts{DB: e.db, Hasher: auth.NewTestHasher()}).CreateUser(
		context.Background(),
		auth.NewUser{Username: name, DisplayName: name,
			Role: role, Branch: branch, Countries: []string{"AE"}},
		"correct horse battery staple",
		"test",
	)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// customer stores a customer the agent onboarded at onboarded, with the draft's values.
func (e *env) customer(ecrn string, onboarded time.Time, values map[string]string) int64 {
	e.t.Helper()
	ctx := context.Background()
	v, _ := json.Marshal(values)
	var id int64
	err := e.db.Pool.QueryRow(ctx, `INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country,
		branch, status, values, created_by, updated_by, created_at, updated_at)
		VALUES ('AE', 1, '4', '784' || $1::text, 'AE', 'DXB-01', 'submitted', $2, $3, $3, $4, $4) RETURNING id`,
		ecrn[4:], v, e.agent.ID, onboarded).Scan(&id)
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = e.db.Pool.Exec(ctx, `INSERT INTO submissions (draft_id, state, country, branch, maker_id, ecrn, submitted_at,
		updated_at) VALUES ($1, 'onboarded', 'AE', 'DXB-01', $2, $3, $4, $4)`, id, e.agent.ID, ecrn, onboarded)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// watch runs the watch of the clock's day and returns the branch's worklist as "ecrn kind".
func (e *env) watch() (bool, []string) {
	e.t.Helper()
	ran, _, err := e.svc.Watch(context.Background(), e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	list, err := e.svc.List(context.Background(), e.agent)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, it := range list {
		out = append(out, it.ECRN+" "+it.Kind)
	}
	return ran, out
}

// TestWatchAddsEachItemOnce: customers enter the worklist as the clock brings their ID,
// visa or review within the window, once each, the most urgent first; a day's second run
// does nothing.
func TestWatchAddsEachItemOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.customer(
		"7841000000000001",
		day0.AddDate(-1, 0, 0),
		map[string]string{"date_of_expiry": "2027-04-10"},
	) // 90 days ahead
	e.customer("7841000000000002", day0.AddDate(0, -11, 0), map[string]string{"political_exposed_person": "yes",
		"date_of_expiry": "2030-01-01", "visa_expiry_date": "2027-01-01"}) // visa expired; high risk: review in a month
	e.customer("7841000000000003", day0.AddDate(0, -11, 0), map[string]string{"annual_income_range_id": "1",
		"date_of_expiry": "2031-01-01"}) // low risk: review in four years

	ran, list := e.watch()
	want := []string{"7841000000000002 visa_expiry", "7841000000000002 review"}
	if !ran || !slices.Equal(list, want) {
		t.Fatalf("day 0: ran %v, worklist %q; want %q", ran, list, want)
	}
	if ran, again := e.watch(); ran || !slices.Equal(again, want) {
		t.Errorf("second run of day 0: ran %v, worklist %q", ran, again)
	}
	e.clock.Advance(31 * 24 * time.Hour) // the first ID is now 59 days from expiry
	_, list = e.watch()
	want = []string{"7841000000000002 visa_expiry", "7841000000000002 review", "7841000000000001 id_expiry"}
	if !slices.Equal(list, want) {
		t.Errorf("day 31: %q, want %q", list, want)
	}
	e.clock.Advance(24 * time.Hour)
	if ran, list = e.watch(); !ran || len(list) != 3 {
		t.Errorf("day 32: ran %v, %d items; want a run that adds nothing", ran, len(list))
	}
	var notices int
	_ = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM notifications WHERE user_id = $1
		AND kind IN ('expiry_due', 'review_due')`, e.agent.ID).Scan(&notices)
	if notices != 3 {
		t.Errorf("%d notices to the agent, want one per item (3)", notices)
	}
}

// TestWatchRunsOnceAcrossReplicas: two processes work the queue with the daily job; the
// day's watch runs once and its items are not doubled.
func TestWatchRunsOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.svc.Now = time.Now
	e.customer(
		"7841000000000004",
		time.Now().AddDate(-1, 0, 0),
		map[string]string{"date_of_expiry": time.Now().Format(time.DateOnly)},
	)
	for range 2 {
		w, err := submission.NewWorker(e.svc.Submissions, nil, slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
		q, err := submission.NewQueue(e.db.Pool, submission.QueueConfig{Worker: w, Log: slog.New(slog.DiscardHandler),
			PollInterval: 50 * time.Millisecond, Register: Register(e.svc), Periodic: []*river.PeriodicJob{Periodic(time.Now)}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cancel(); <-q.Stopped() })
	}
	var runs, jobs, items int
	for deadline := time.Now().Add(60 * time.Second); runs == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		_ = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM worklist_runs`).Scan(&runs)
	}
	time.Sleep(2 * time.Second) // time for a second run, were there one
	ctx := context.Background()
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM worklist_runs`).Scan(&runs)
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'worklist_watch'`).Scan(&jobs)
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM worklist_items`).Scan(&items)
	if runs != 1 || jobs != 1 || items != 1 { // the ID expiring today
		t.Errorf("%d runs, %d jobs, %d items; want 1, 1 and 1", runs, jobs, items)
	}
}

// TestContactAndRenewal: contact attempts are checked and audited; another branch's item is
// not found, and asking is a denial; a renewal reopens the customer's case as an update, once.
func TestContactAndRenewal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	draftID := e.customer("7841000000000005", day0.AddDate(-1, 0, 0), map[string]string{"date_of_expiry": "2027-02-01"})
	e.watch()
	list, _ := e.svc.List(context.Background(), e.agent)
	if len(list) != 1 {
		t.Fatalf("worklist %+v, want the ID expiry", list)
	}
	id, ctx := list[0].ID, context.Background()
	var fe drafts.FieldErrors
	if err := e.svc.Contact(ctx, e.agent, id, "emailed", ""); !errors.As(err, &fe) {
		t.Errorf("unknown outcome: %v, want a field error", err)
	}
	if err := e.svc.Contact(ctx, e.agent, id, "called", "no answer"); err != nil {
		t.Fatal(err)
	}
	stranger := e.user("omar", store.RoleAgent, "AUH-01")
	if err := e.svc.Contact(ctx, stranger, id, "called", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("another branch: %v, want not found", err)
	}
	var contacts, denied int
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'worklist.contact_recorded'
		AND after->>'outcome' = 'called'`).Scan(&contacts)
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'access.denied'
		AND entity_type = 'worklist_item'`).Scan(&denied)
	if contacts != 1 || denied != 1 {
		t.Errorf("%d contact events, %d denials; want 1 and 1", contacts, denied)
	}
	for range 2 {
		got, err := e.svc.StartRenewal(ctx, e.agent, id)
		if err != nil || got != draftID {
			t.Fatalf("renewal: case %d (%v), want %d", got, err, draftID)
		}
	}
	sub, err := store.SubmissionByDraft(ctx, e.db.Pool, draftID, false)
	if err != nil || sub.State != "draft" || sub.Kind != submission.KindUpdate {
		t.Errorf("after the renewal: %s %s (%v), want a draft of kind update", sub.State, sub.Kind, err)
	}
	// The update goes through: the item is done and leaves the worklist.
	if _, err := e.db.Pool.Exec(ctx, `UPDATE submissions SET state = 'onboarded'
		WHERE draft_id = $1`, draftID); err != nil {
		t.Fatal(err)
	}
	if list, _ := e.svc.List(ctx, e.agent); len(list) != 0 {
		t.Errorf("worklist after the renewal was onboarded: %+v, want empty", list)
	}
}

// TestWatchNoticesInEachAgentsLanguage: the watch writes each agent's notice in the language
// that agent chose, English for one who chose none, in the same run.
func TestWatchNoticesInEachAgentsLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	english := e.agent
	malay := e.user("aziz", store.RoleAgent, "DXB-01")
	if err := store.SetUserLanguage(ctx, e.db.Pool, malay.ID, "ms"); err != nil {
		t.Fatal(err)
	}
	e.customer("7841000000000001", day0.AddDate(-1, 0, 0), map[string]string{"date_of_expiry": "2027-02-10"})
	e.agent = malay
	e.customer("7841000000000002", day0.AddDate(-1, 0, 0), map[string]string{"date_of_expiry": "2027-02-10"})
	e.watch()
	want := map[int64]string{english.ID: "Customer ECRN 7841000000000001: ID expires 2027-02-10. See the worklist.",
		malay.ID: "Pelanggan ECRN 7841000000000002: ID tamat tempoh 2027-02-10. Lihat senarai kerja."}
	for id, message := range want {
		var got string
		err := e.db.Pool.QueryRow(ctx, `SELECT message FROM notifications WHERE user_id = $1 AND kind = 'expiry_due'`, id).
			Scan(&got)
		if err != nil || got != message {
			t.Errorf("notice to user %d: %q (%v), want %q", id, got, err, message)
		}
	}
}
