package drafts

import (
	"context"
	"strings"
	"testing"
	"time"

	"kycportal/internal/blobs"
	"kycportal/internal/documents"
	"kycportal/internal/packs"
	"kycportal/internal/packs/packstest"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// registry holds the embedded packs plus, as the next release would, an AE v2 in which the
// place of birth becomes required.
func registry(t *testing.T, withV2 bool) *packs.Registry {
	t.Helper()
	return packstest.AE(t, func(files map[string]string) {
		if withV2 {
			v2 := strings.Replace(files["data/ae-v1.json"], `"version": 1`, `"version": 2`, 1)
			files["data/ae-v2.json"] = strings.Replace(v2, `"label": "Place of birth",`, `"label": "Place of birth",
          "required": true,`, 1)
		}
	})
}

func service(t *testing.T, db *store.DB, r *packs.Registry) *Service {
	return &Service{DB: db, Packs: r, Blobs: blobs.Ephemeral(), Scanner: documents.NoScanner{},
		Now: func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }}
}

func agent(t *testing.T, db *store.DB) store.User {
	t.Helper()
	u, err := store.CreateUser(context.Background(), db.Pool, store.User{Username: "amal", DisplayName: "Amal",
		Role: store.RoleAgent, Branch: "DXB-01", Countries: []string{"AE"}, PasswordHash: "unused"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), testdb.New(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// TestPackPinning: a draft started under AE v1 keeps v1's rules after v2 ships; a new
// draft starts under v2.
func TestPackPinning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	u := agent(t, db)
	id, err := service(
		t,
		db,
		registry(t, false),
	).Create(ctx, u, NewDraft{Country: "AE", IDType: "4", IDNumber: "784199012345676"})
	if err != nil {
		t.Fatal(err)
	}
	upgraded := service(t, db, registry(t, true))
	old, err := upgraded.View(ctx, u, id)
	if err != nil {
		t.Fatal(err)
	}
	if old.Pack.Version != 1 || required(old, "place_of_birth") {
		t.Errorf(
			"open draft now under v%d (place of birth required: %v), want v1 rules",
			old.Pack.Version,
			required(old, "place_of_birth"),
		)
	}
	newID, err := upgraded.Create(ctx, u, NewDraft{Country: "AE", IDType: "4", IDNumber: "784199554586091"})
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := upgraded.View(ctx, u, newID)
	if fresh.Pack.Version != 2 || !required(fresh, "place_of_birth") {
		t.Errorf("new draft under v%d, want v2 with place of birth required", fresh.Pack.Version)
	}
}

func required(d Draft, field string) bool {
	for _, i := range Review(d, nil, time.Now(), nil) {
		if i.Field == field {
			return true
		}
	}
	return false
}
