package handlers

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"kycportal/internal/cdp"
	"kycportal/internal/store"
	"kycportal/internal/testdb"
)

type matrixRow struct {
	method, route, request string
	want                   map[string]int
	location               map[string]string // where a 303 leads, when the cell says ("303:/audit")
}

var matrixRoles = []string{"anonymous", store.RoleAgent, store.RoleSupervisor, store.RoleAdmin}

func readMatrix(t *testing.T) []matrixRow {
	t.Helper()
	f, err := os.Open("testdata/authz.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []matrixRow
	for _, rec := range records[1:] {
		row := matrixRow{
			method:   rec[0],
			route:    rec[1],
			request:  rec[2],
			want:     map[string]int{},
			location: map[string]string{},
		}
		for i, role := range matrixRoles {
			cell, location, _ := strings.Cut(rec[3+i], ":")
			row.location[role] = location
			code, err := strconv.Atoi(cell)
			if err != nil {
				t.Fatalf("authz.csv %s %s: %v", rec[0], rec[1], err)
			}
			row.want[role] = code
		}
		rows = append(rows, row)
	}
	return rows
}

// TestRouteInventory fails when a route has no row in the matrix, or a row names no route.
func TestRouteInventory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var routes, rows []string
	for _, r := range e.echo.Routes() {
		routes = append(routes, r.Method+" "+r.Path)
	}
	for _, row := range readMatrix(t) {
		rows = append(rows, row.method+" "+row.route)
	}
	for _, r := range routes {
		if !slices.Contains(rows, r) {
			t.Errorf("route %s has no row in testdata/authz.csv", r)
		}
	}
	for _, r := range rows {
		if !slices.Contains(routes, r) {
			t.Errorf("testdata/authz.csv row %s names no registered route", r)
		}
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	users := map[string][2]string{}
	for _, role := range matrixRoles[1:] {
		name, pw := e.user(role)
		users[role] = [2]string{name, pw}
	}
	other := e.otherBranchCase()
	testdb.SealAudit(t, e.db.Pool) // a checkpoint for GET /audit/checkpoint
	callbackRefused := false       // unsigned callbacks from one address: the window's first is recorded
	for _, row := range readMatrix(t) {
		for _, role := range matrixRoles {
			t.Run(fmt.Sprintf("%s %s as %s", row.method, row.request, role), func(t *testing.T) {
				c := e.client()
				if role == "anonymous" {
					c.page("/login") // a pre-login session and its token, as a browser has
				} else {
					c.signIn(users[role][0])
				}
				resp := c.do(row.method, strings.ReplaceAll(row.request, "{other}", other), formFor(row.method, c.csrf))
				resp.Body.Close()
				if resp.StatusCode != row.want[role] {
					t.Errorf("status = %d, want %d", resp.StatusCode, row.want[role])
				}
				wantDenials := 0
				switch {
				case resp.StatusCode == http.StatusForbidden,
					resp.StatusCode == http.StatusNotFound && strings.Contains(row.request, "{other}"):
					wantDenials = 1
				case resp.StatusCode == http.StatusUnauthorized && row.route == cdp.CallbackPath && !callbackRefused: // a bad signature
					wantDenials, callbackRefused = 1, true
				}
				if got := e.denials(resp.Header.Get(echo.HeaderXRequestID)); got != wantDenials {
					t.Errorf("%d denied events in the trail, want %d", got, wantDenials)
				}
				wantLocation := "/login" // refused, or signed out by /logout
				if row.route == "/login" {
					wantLocation = "/" // already signed in
				}
				if row.location[role] != "" {
					wantLocation = row.location[role]
				}
				if resp.StatusCode == 303 && resp.Header.Get("Location") != wantLocation {
					t.Errorf("redirect to %q, want %q", resp.Header.Get("Location"), wantLocation)
				}
			})
		}
	}
}

// matrixClients is a client for each role of the matrix: signed in, or for "anonymous" on the
// sign-in page with its form token, as a browser has.
func (e *env) matrixClients() map[string]*client {
	e.t.Helper()
	clients := map[string]*client{"anonymous": e.client()}
	clients["anonymous"].page("/login")
	for _, role := range matrixRoles[1:] {
		name, _ := e.user(role)
		clients[role] = e.client()
		clients[role].signIn(name)
	}
	return clients
}

// otherBranchCase is a complete draft of branch AUH-01, submitted and awaiting approval
// there, with its documents, and a worklist item of that branch with the same id: what the
// matrix's {other} rows ask for from branch DXB-01.
func (e *env) otherBranchCase() string {
	e.t.Helper()
	// Draft 1 of the matrix stays one that does not exist.
	if _, err := e.db.Pool.Exec(context.Background(), `ALTER TABLE drafts ALTER COLUMN id RESTART WITH 1001`); err != nil {
		e.t.Fatal(err)
	}
	c := e.agent("other-branch-agent", "AUH-01", "AE")
	id := c.completeDraft("784-1985-0000003-3")
	if resp := c.post(fmt.Sprintf("/drafts/%d/submit", id), nil); resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("submit the other branch's draft: %d", resp.StatusCode)
	}
	// and a worklist item of that branch under the same number
	_, err := e.db.Pool.Exec(context.Background(), `INSERT INTO worklist_items
		(id, branch, draft_id, ecrn, kind, due_on, found_on) OVERRIDING SYSTEM VALUE VALUES ($1, 'AUH-01', $1, '7841000000000009', 'id_expiry', now(), now())`, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

// denials counts the denied events recorded for one request.
func (e *env) denials(requestID string) int {
	e.t.Helper()
	var n int
	err := e.db.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM audit_events WHERE request_id = $1 AND outcome = 'denied'`, requestID).Scan(&n)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func formFor(method, csrf string) map[string][]string {
	if method == "GET" {
		return nil
	}
	return map[string][]string{"_csrf": {csrf}}
}

// TestDenialsAreAudited: a signed-in user refused by role leaves an access.denied event.
func TestDenialsAreAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, _ := e.user(store.RoleAgent)
	c := e.client()
	c.signIn(name)
	resp := c.do("GET", "/metrics", nil)
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("status = %d, want 403", resp.StatusCode)
	}
	if got := e.auditActions(); !slices.Contains(got, "access.denied") {
		t.Errorf("audit actions = %v, want access.denied", got)
	}
}
