// Package branchtest registers branches for tests: users can only belong to a registered,
// active branch.
package branchtest

import (
	"context"
	"errors"
	"testing"

	"kycportal/internal/store"
)

// Ensure registers each code not yet registered as an active UAE branch that sends as the
// CDP sandbox's demo location.
func Ensure(t testing.TB, q store.Querier, codes ...string) {
	t.Helper()
	ctx := context.Background()
	for _, code := range codes {
		_, err := store.BranchByCode(ctx, q, code, false)
		if errors.Is(err, store.ErrNotFound) {
			err = store.AddBranch(ctx, q, store.Branch{Code: code, Name: "Test branch " + code, Country: "AE",
				TimeZone: "Asia/Dubai", CDPLocationID: "784101", Channel: "WEB", Active: true})
		}
		if err != nil && !errors.Is(err, store.ErrConflict) {
			t.Fatal(err)
		}
	}
}
