package handlers

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
)

// readEvents are the only events a GET may record: that someone saw, exported or was refused.
var readEvents = []string{string(audit.DraftViewed), string(audit.DocumentViewed), string(audit.CustomerViewed),
	string(audit.AuditViewed), string(audit.AuditExported), string(audit.AccessDenied)}

// TestGETChangesNothing walks every GET route of the matrix as every role, on a case of
// the user's branch, on another branch's and on ids that do not exist: no table changes but
// the sessions' last activity, and the trail gains only read and refusal events
// (docs/security.md, checklist row 8).
func TestGETChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := e.otherBranchCase()
	own := e.agent("own-branch-agent", "DXB-01", "AE").completeDraft("784-1985-0000004-1")
	clients := e.matrixClients()
	checked := 0
	tableDigests := e.tableDigester()
	before := tableDigests() // each request's after is the next one's before
	for _, row := range readMatrix(t) {
		if row.method != http.MethodGet {
			continue
		}
		for _, target := range slices.Compact([]string{strings.ReplaceAll(row.request, "{other}", other),
			strings.NewReplacer("/drafts/1", fmt.Sprintf("/drafts/%d", own), "/approvals/1", fmt.Sprintf("/approvals/%d", own)).Replace(row.request)}) {
			for role, c := range clients {
				since := e.lastEventID()
				readBody(t, c.do(http.MethodGet, target, nil))
				after := tableDigests()
				for table, digest := range after {
					if before[table] != digest {
						t.Errorf("GET %s as %s changed table %s", target, role, table)
					}
				}
				before = after
				for _, a := range e.actionsAfter(since) {
					if !slices.Contains(readEvents, a) {
						t.Errorf("GET %s as %s recorded %s", target, role, a)
					}
				}
				checked++
			}
		}
	}
	t.Logf("%d GET requests changed nothing", checked)
}

// tableDigester reads the names of the tables once and returns what digests them: an md5 of
// every table's rows, in one query, but the sessions' (a GET refreshes their last activity)
// and the trail's with its queue of events to seal (checked event by event).
func (e *env) tableDigester() func() map[string]string {
	e.t.Helper()
	ctx := context.Background()
	rows, err := e.db.Pool.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
		AND table_type = 'BASE TABLE' AND table_name NOT IN ('sessions', 'audit_events', 'audit_unsealed')`)
	if err != nil {
		e.t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		e.t.Fatal(err)
	}
	parts := make([]string, len(tables))
	for i, table := range tables {
		parts[i] = fmt.Sprintf(`SELECT %s, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM %s t`,
			quoteLiteral(table), pgx.Identifier{table}.Sanitize())
	}
	query := strings.Join(parts, " UNION ALL ")
	return func() map[string]string {
		e.t.Helper()
		rows, err := e.db.Pool.Query(ctx, query)
		if err != nil {
			e.t.Fatal(err)
		}
		out := map[string]string{}
		var table, digest string
		_, err = pgx.ForEachRow(rows, []any{&table, &digest}, func() error {
			out[table] = digest
			return nil
		})
		if err != nil {
			e.t.Fatal(err)
		}
		return out
	}
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (e *env) lastEventID() int64 {
	e.t.Helper()
	var id int64
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT coalesce(max(id), 0) FROM audit_events`).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) actionsAfter(id int64) []string {
	e.t.Helper()
	rows, err := e.db.Pool.Query(context.Background(), `SELECT action FROM audit_events WHERE id > $1`, id)
	if err != nil {
		e.t.Fatal(err)
	}
	actions, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		e.t.Fatal(err)
	}
	return actions
}
