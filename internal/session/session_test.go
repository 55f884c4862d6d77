package session

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// TestRecordKeepsEveryField: a record written to a session row and read back is the same
// record; an empty one leaves the row's values empty.
func TestRecordKeepsEveryField(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 9, 30, 15, 123456789, time.UTC)
	full := Record{UserID: 7, CSRFToken: "csrf", CreatedAt: at, LastSeenAt: at.Add(time.Minute),
		SSO: true, OIDCSID: "sid-1", Grant: "grant", Pending: Pending{SSOState: "state", SSONonce: "nonce", SSOVerifier: "verifier",
			StepUpCase: "12", StepUpSince: "1765100000", TOTP: "sealed"}}
	row := store.SessionRow{UserID: full.UserID, CSRFToken: full.CSRFToken, CreatedAt: full.CreatedAt,
		LastSeenAt: full.LastSeenAt, Values: full.values()}
	if got := recordOf(row); *got != full {
		t.Errorf("read back %+v, want %+v", *got, full)
	}
	if v := (&Record{UserID: 7, CSRFToken: "csrf"}).values(); len(v) != 0 {
		t.Errorf("an empty record's values: %v, want none", v)
	}
}

// TestSessionLifecycle: a signed-in session comes back typed from its cookie, with what a
// flow kept in it; a session signed in through the provider says so; an idle one expires
// and is gone; the scope of a session is its table key and a key only its cookie gives.
func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clock, m, u := newManager(t)
	request := func(token string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if token != "" {
			r.AddCookie(&http.Cookie{Name: CookieName, Value: token})
		}
		return r
	}
	before, err := m.New(request(""), "kyc")
	if err != nil || !before.IsNew || CSRFToken(before) == "" || UserID(before) != 0 {
		t.Fatalf("a new session: %+v %v", RecordOf(before), err)
	}
	s, err := m.Login(request(""), httptest.NewRecorder(), before, u)
	if err != nil {
		t.Fatal(err)
	}
	if CSRFToken(s) == CSRFToken(before) {
		t.Error("the CSRF token survived sign-in")
	}
	RecordOf(s).Pending.TOTP = "sealed secret"
	if err := m.Save(request(s.ID), httptest.NewRecorder(), s); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Minute)
	back, err := m.New(request(s.ID), "kyc")
	if err != nil {
		t.Fatal(err)
	}
	if rec := RecordOf(back); rec.UserID != u.ID || rec.CSRFToken != CSRFToken(s) || rec.Pending.TOTP != "sealed secret" ||
		rec.SSO || !rec.CreatedAt.Equal(clock.Now().Add(-5*time.Minute)) {
		t.Errorf("loaded %+v", rec)
	}
	if got, ok := User(back); !ok || got.ID != u.ID || got.Username != "amal" || got.Role != store.RoleAgent ||
		got.Branch != "DXB-01" || !slices.Equal(got.Countries, []string{"AE"}) || !got.Active {
		t.Errorf("the user read with the session: %+v %v, want amal", got, ok)
	}
	if _, ok := User(before); ok {
		t.Error("a session before sign-in has a user")
	}

	viaProvider, err := m.LoginSSO(request(""), httptest.NewRecorder(), back, u, "provider session", "sealed grant")
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := m.New(request(viaProvider.ID), "kyc")
	if rec := RecordOf(loaded); err != nil || !SignedInWithSSO(loaded) || rec.OIDCSID != "provider session" ||
		Grant(loaded) != "sealed grant" ||
		rec.Pending.TOTP != "" {
		t.Errorf("signed in through the provider: %+v %v", rec, err)
	}
	if gone, _ := m.New(request(s.ID), "kyc"); !gone.IsNew {
		t.Error("the session before the provider's sign-in still opens")
	}

	scope, ok := ScopeOf(viaProvider)
	other, _ := ScopeOf(&sessions.Session{ID: "another token"})
	if hash := sha256.Sum256([]byte(viaProvider.ID)); !ok || string(scope.ID) != string(hash[:]) ||
		scope.Key == other.Key {
		t.Errorf("scope %x (%v), want the token's hash and a key of its own", scope.ID, ok)
	}
	if _, ok := ScopeOf(before); ok {
		t.Error("an unsaved session has a scope")
	}

	clock.Advance(16 * time.Minute)
	if _, err := m.New(request(viaProvider.ID), "kyc"); !errors.Is(err, ErrExpired) {
		t.Errorf("after 16 idle minutes: %v, want ErrExpired", err)
	}
	if _, err := store.SessionByHash(ctx, db.Pool, scope.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the expired session's row: %v, want gone", err)
	}
}

// TestAnEndedSessionIsRecordedOnce: two requests that read the same timed-out session
// before either ends it (an htmx page fires several at once) record one session.expired,
// not one each; a second click of "Sign out" records one logout.
func TestAnEndedSessionIsRecordedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clock, m, u := newManager(t)
	s, err := m.Login(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder(), m.fresh("kyc"), u)
	if err != nil {
		t.Fatal(err)
	}
	row, err := store.SessionByHash(ctx, db.Pool, hashToken(s.ID))
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(16 * time.Minute)
	for range 2 { // both requests hold the row they read
		if err := m.expire(ctx, row); !errors.Is(err, ErrExpired) {
			t.Fatalf("expire: %v, want ErrExpired", err)
		}
	}
	out, err := m.Login(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder(), m.fresh("kyc"), u)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // both clicks hold the session their request read
		click := *out
		click.Options = &sessions.Options{}
		if err := m.Logout(httptest.NewRequest(http.MethodPost, "/logout", nil), httptest.NewRecorder(), &click); err != nil {
			t.Fatal(err)
		}
	}
	for _, action := range []string{"session.expired", "logout"} {
		var n int
		err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%d %s events, want 1", n, action)
		}
	}
}

// newManager is a session manager on a database of its own, with a 15-minute idle timeout
// and a clock of its own, and an agent to sign in.
func newManager(t *testing.T) (db *store.DB, clock *cdptest.Clock, m *Manager, agent store.User) {
	t.Helper()
	db = testdb.Open(t)
	clock = cdptest.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	m = &Manager{DB: db, Now: clock.Now, Idle: 15 * time.Minute, Absolute: 8 * time.Hour}
	agent, err := store.CreateUser(context.Background(), db.Pool, store.User{Username: "amal", DisplayName: "Amal",
		Role: store.RoleAgent, Branch: "DXB-01", Countries: []string{"AE"}, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return db, clock, m, agent
}
