package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"kycportal/internal/app"
	"kycportal/internal/auth"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
	"kycportal/internal/worklist"
)

// A demo branch an upgrade migrated without its CDP location gets the demo's; one an
// administrator completed keeps theirs.
func TestSeedBranchCompletesAMigratedDemoBranch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	reg := app.NewBranches(db, packs.Default())
	migrated := store.Branch{Code: "DXB-01", Name: "DXB-01", Country: "AE", TimeZone: "UTC", Channel: "WEB", Active: true}
	completed := store.Branch{
		Code:          "HQ",
		Name:          "Head office",
		Country:       "AE",
		TimeZone:      "Asia/Dubai",
		CDPLocationID: "784999",
		Channel:       "WEB",
		Active:        true,
	}
	for _, b := range []store.Branch{migrated, completed} {
		if err := store.AddBranch(ctx, db.Pool, b); err != nil {
			t.Fatal(err)
		}
	}
	demo, err := loadDemo()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range demo.Branches {
		b := store.Branch{Code: d.Code, Name: d.Name, Country: d.Country, TimeZone: d.TimeZone,
			CDPLocationID: d.CDPLocationID, Channel: d.Channel, Active: true}
		if err := seedBranch(ctx, reg, b); err != nil {
			t.Fatal(err)
		}
	}
	for code, want := range map[string]string{"DXB-01": "784101", "HQ": "784999", "MNL-01": "608101"} {
		if b, err := reg.Get(ctx, code); err != nil || b.CDPLocationID != want {
			t.Errorf("%s: location %q (%v), want %s", code, b.CDPLocationID, err, want)
		}
	}
}

// TestDemoWorklist: make run's first start gives the demo agent the sandbox's found
// customer, onboarded 23 months before with an ID expiring in 30 days: the day's watch puts
// its ID expiry and its review on the branch's worklist, and a second start adds nothing.
func TestDemoWorklist(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	reg := app.NewBranches(db, packs.Default())
	accounts := &auth.Accounts{DB: db, Hasher: auth.NewTestHasher()}
	for range 2 {
		if err := seedDemo(ctx, reg, accounts, t.TempDir()); err != nil {
			t.Fatal(err)
		}
	}
	w := &worklist.Service{DB: db, Now: time.Now, Rules: worklist.DefaultRules}
	if _, _, err := w.Watch(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	items, err := w.List(ctx, store.User{Branch: "DXB-01"})
	var got []string
	for _, it := range items {
		got = append(got, it.ECRN+" "+it.Kind)
	}
	if want := []string{"7841003233051516 id_expiry", "7841003233051516 review"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("demo worklist %q (%v), want %q", got, err, want)
	}
}
