package search

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"kycportal/internal/cdp"
	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// countingCDP answers every lookup "not found" and counts them.
type countingCDP struct{ lookups atomic.Int32 }

func (c *countingCDP) Lookup(context.Context, string, string) cdp.Result {
	c.lookups.Add(1)
	return cdp.Result{Outcome: cdp.NotFound, Code: 45001}
}

func (c *countingCDP) GetCustomer(context.Context, string) cdp.Result {
	return cdp.Result{Outcome: cdp.NotFound}
}

// TestLookupLimitHoldsAcrossReplicas: two portals on one database share each user's count;
// the lookup over the limit never reaches the CDP, is audited, and says when to come back;
// the next window starts afresh.
func TestLookupLimitHoldsAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, testdb.New(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	u, err := store.CreateUser(ctx, db.Pool, store.User{Username: "amal", DisplayName: "Amal", Role: store.RoleAgent,
		Branch: "DXB-01", Countries: []string{"AE"}, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	clock := cdptest.NewClock(time.Date(2026, 3, 2, 9, 0, 20, 0, time.UTC))
	fake := &countingCDP{}
	limit := Limit{Lookups: 3, Window: time.Minute}
	a := &Service{DB: db, CDP: fake, Key: []byte("k"), Limit: limit, Now: clock.Now}
	b := &Service{DB: db, CDP: fake, Key: []byte("k"), Limit: limit, Now: clock.Now}
	doc := Document{Country: "AE", IDType: "4", IssuedCountry: "AE", Number: "784199012345676"}
	for i, replica := range []*Service{a, b, a} {
		if _, err := replica.ByID(ctx, u, doc); err != nil {
			t.Fatalf("lookup %d: %v", i+1, err)
		}
	}
	_, err = b.ByID(ctx, u, doc)
	var limited LimitedError
	if !errors.As(err, &limited) || limited.RetryAfter != 40*time.Second || limited.Limit != limit {
		t.Fatalf("fourth lookup in the minute: %v (%+v), want refused for 40 s", err, limited)
	}
	if n := fake.lookups.Load(); n != 3 {
		t.Errorf("the CDP saw %d lookups, want 3", n)
	}
	var denied int
	err = db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events
		WHERE action = 'customer.lookup_limited' AND outcome = 'denied'`).Scan(&denied)
	if err != nil || denied != 1 {
		t.Errorf("%d lookup_limited events (%v), want 1", denied, err)
	}
	clock.Advance(40 * time.Second)
	if _, err := a.ByID(ctx, u, doc); err != nil {
		t.Errorf("first lookup of the next minute: %v", err)
	}
}
