package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/session"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// savedSession is a session row of user with the cookie token, and its scope.
func savedSession(t *testing.T, db *store.DB, userID int64, token string, now time.Time) session.Scope {
	t.Helper()
	s := sessions.NewSession(nil, "kyc")
	s.ID = token
	scope, ok := session.ScopeOf(s)
	if !ok {
		t.Fatal("no scope for a saved session")
	}
	err := store.SaveSession(context.Background(), db.Pool, store.SessionRow{IDHash: scope.ID, UserID: userID,
		CSRFToken: "csrf", Values: map[string]string{}, CreatedAt: now, LastSeenAt: now})
	if err != nil {
		t.Fatal(err)
	}
	return scope
}

// TestFoundCustomersStayWithTheirSession: a session finds the customers it searched for,
// the newest MaxFound of them; another session finds none of them, even given the first's
// rows; the table never holds an ID number in the clear; the rows go with the session.
func TestFoundCustomersStayWithTheirSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	u, err := store.CreateUser(ctx, db.Pool, store.User{Username: "amal", DisplayName: "Amal", Role: store.RoleAgent,
		Branch: "DXB-01", Countries: []string{"AE"}, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	clock := cdptest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc := &Service{DB: db, Key: []byte("k"), Limit: DefaultLimit, Now: clock.Now}
	mine, theirs := savedSession(
		t,
		db,
		u.ID,
		"token of mine",
		clock.Now(),
	), savedSession(
		t,
		db,
		u.ID,
		"token of theirs",
		clock.Now(),
	)
	doc := func(i int) Document {
		return Document{Country: "AE", IDType: "4", IssuedCountry: "AE", Number: fmt.Sprintf("78419901234%04d", i)}
	}
	ecrn := func(i int) string { return fmt.Sprintf("784100000000%04d", i) }
	for i := range MaxFound + 1 {
		clock.Advance(time.Second)
		if err := svc.Remember(ctx, mine, ecrn(i), doc(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Remember(ctx, mine, ecrn(MaxFound), doc(MaxFound)); err != nil { // found again: still one row
		t.Fatal(err)
	}
	if _, err := svc.Found(ctx, mine, ecrn(0)); !errors.Is(err, ErrNotFound) {
		t.Errorf("the oldest of %d found: %v, want ErrNotFound", MaxFound+1, err)
	}
	for i := 1; i <= MaxFound; i++ {
		if got, err := svc.Found(ctx, mine, ecrn(i)); err != nil || got != doc(i) {
			t.Errorf("found %d: %+v %v, want %+v", i, got, err, doc(i))
		}
	}
	if _, err := svc.Found(ctx, theirs, ecrn(1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("another session's customer: %v, want ErrNotFound", err)
	}
	stolen := session.Scope{ID: mine.ID, Key: theirs.Key} // the rows, without the cookie
	if _, err := svc.Found(ctx, stolen, ecrn(1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("the rows opened without the session's key: %v, want ErrNotFound", err)
	}

	var rows int
	var dump string
	err = db.Pool.QueryRow(ctx, `SELECT count(*), coalesce(string_agg(f::text || encode(number_sealed, 'escape'), ' '), '')
		FROM search_found f`).Scan(&rows, &dump)
	if err != nil || rows != MaxFound {
		t.Fatalf("%d rows (%v), want %d", rows, err, MaxFound)
	}
	for i := range MaxFound + 1 {
		if strings.Contains(dump, doc(i).Number) {
			t.Errorf("the table holds the ID number %s in the clear", doc(i).Number)
		}
	}
	if _, err := store.DeleteSession(ctx, db.Pool, mine.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM search_found`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d rows after the session ended (%v), want 0", rows, err)
	}
}
