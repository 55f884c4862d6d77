package drafts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// TestEverySaveWritesOneEvent: a save that changes fields writes exactly one draft.updated
// event with their before and after, in the transaction of the change; a save that
// changes nothing, or only conflicts, writes none; a draft that does not exist is not
// found; and when the event cannot be written the change is not kept either.
func TestEverySaveWritesOneEvent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, u, s, id := aeDraft(t)
	events := func() []string {
		t.Helper()
		rows, err := db.Pool.Query(ctx, `SELECT coalesce(before::text, ''), after::text FROM audit_events
			WHERE action = 'draft.updated' AND entity_type = 'draft' AND entity_id = $1 ORDER BY id`, strconv.FormatInt(id, 10))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var before, after string
			if err := rows.Scan(&before, &after); err != nil {
				t.Fatal(err)
			}
			got = append(got, before+" → "+after)
		}
		return got
	}
	saves := []struct {
		seen   int
		posted map[string]string
		events int
	}{
		{1, map[string]string{"first_name": "Zoë"}, 1},
		{2, map[string]string{"first_name": "Zoë"}, 1}, // the same value: no change
		{
			1,
			map[string]string{"first_name": "Zoe"},
			1,
		}, // someone saved it since version 1: a conflict
		{2, map[string]string{"last_name": "Haddad", "current_city": "Ajman"}, 2}, // two fields, one event
	}
	for i, save := range saves {
		if _, err := s.Save(ctx, u, id, save.seen, save.posted); err != nil {
			t.Fatalf("save %d: %v", i+1, err)
		}
		if got := events(); len(got) != save.events {
			t.Errorf("after save %d: %d draft.updated events %v, want %d", i+1, len(got), got, save.events)
		}
	}
	if got := events(); len(got) == 2 &&
		got[1] != `{"last_name": "", "current_city": ""} → {"last_name": "Haddad", "current_city": "Ajman"}` {
		t.Errorf("the two-field save's event: %s", got[1])
	}

	if _, err := s.Save(ctx, u, id+1000, 1, map[string]string{"first_name": "Nobody"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a save of a draft that does not exist: %v, want ErrNotFound", err)
	}

	// An actor the table refuses (PostgreSQL takes no NUL in text): the save fails whole.
	refused := audit.WithActor(ctx, audit.Actor{Username: "a\x00b", Role: "agent"})
	if _, err := s.Save(refused, u, id, 3, map[string]string{"first_name": "Lost"}); err == nil ||
		!strings.Contains(err.Error(), "audit.Record") {
		t.Fatalf("a save whose event cannot be written: %v, want the event's error", err)
	}
	d, err := s.View(ctx, u, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 3 || d.Values["first_name"] != "Zoë" || len(events()) != 2 {
		t.Errorf(
			"after the failed save: version %d, first name %q, %d events; want 3, Zoë, 2",
			d.Version,
			d.Values["first_name"],
			len(events()),
		)
	}
}

// TestConcurrentSavesAreJudgedInTurn: two saves of one field from the same version, at
// once, never both win: the draft's row is locked from the read that goes with the
// transaction's BEGIN, so the second reads the first's version and is a conflict.
func TestConcurrentSavesAreJudgedInTurn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, u, s, id := aeDraft(t)
	seen := 1
	for round := range 10 {
		var results [2]Saved
		var errs [2]error
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				results[i], errs[i] = s.Save(
					ctx,
					u,
					id,
					seen,
					map[string]string{"first_name": fmt.Sprintf("Name%c%c", 'a'+round, 'a'+i)},
				)
			})
		}
		wg.Wait()
		won, lost := 0, 0
		for i := range 2 {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			won += len(results[i].Changed)
			lost += len(results[i].Conflicts)
		}
		if won != 1 || lost != 1 {
			t.Fatalf("round %d: %d saves changed the name and %d were conflicts, want one of each", round, won, lost)
		}
		seen++
	}
}

// aeDraft is a service on a database of its own and an AE draft that its agent started.
func aeDraft(t *testing.T) (db *store.DB, u store.User, s *Service, id int64) {
	t.Helper()
	db = openDB(t)
	u = agent(t, db)
	s = service(t, db, registry(t, false))
	id, err := s.Create(context.Background(), u, NewDraft{Country: "AE", IDType: "4", IDNumber: "784199012345676"})
	if err != nil {
		t.Fatal(err)
	}
	return db, u, s, id
}
