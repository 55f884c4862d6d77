package store_test

import (
	"context"
	"slices"
	"testing"

	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

// TestNamePartsFollowOnlyTheName: saving another field of a draft leaves its name parts as
// they are (not deleted and inserted again at every autosave); changing the name or the
// branch rewrites them.
func TestNamePartsFollowOnlyTheName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Open(t).Pool
	u, err := store.CreateUser(
		ctx,
		pool,
		store.User{Username: "np", DisplayName: "NP", Role: store.RoleAgent, Branch: "B1", PasswordHash: "x"},
	)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = pool.QueryRow(ctx, `INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country, branch, values,
		created_by, updated_by, created_at, updated_at)
		VALUES ('AE', 1, '4', '784199012345676', 'AE', 'B1', '{"first_name": "Fatima", "last_name": "Hassan"}', $1, $1, now(), now())
		RETURNING id`, u.ID).
		Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	parts := func() (rows []string, xmins []string) {
		t.Helper()
		r, err := pool.Query(
			ctx,
			`SELECT branch || ':' || part, xmin::text FROM draft_name_parts WHERE draft_id = $1 ORDER BY part`,
			id,
		)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var part, xmin string
			if err := r.Scan(&part, &xmin); err != nil {
				t.Fatal(err)
			}
			rows, xmins = append(rows, part), append(xmins, xmin)
		}
		return rows, xmins
	}
	update := func(set string) {
		t.Helper()
		if _, err := pool.Exec(ctx, `UPDATE drafts SET `+set+` WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
	before, written := parts()
	if !slices.Equal(before, []string{"B1:fatima hassan", "B1:hassan"}) {
		t.Fatalf("parts of a new draft: %v", before)
	}
	update(`values = values || '{"current_city": "Dubai"}'`)
	if after, again := parts(); !slices.Equal(after, before) || !slices.Equal(again, written) {
		t.Errorf("saving the city rewrote the name parts: %v (written by %v, before by %v)", after, again, written)
	}
	update(`values = values || '{"last_name": "Noor"}'`)
	if after, _ := parts(); !slices.Equal(after, []string{"B1:fatima noor", "B1:noor"}) {
		t.Errorf("parts after the name changed: %v", after)
	}
	update(`branch = 'B2'`)
	if after, _ := parts(); !slices.Equal(after, []string{"B2:fatima noor", "B2:noor"}) {
		t.Errorf("parts after the branch changed: %v", after)
	}
}
