package handlers

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"kycportal/internal/store"
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
		row := matrixRow{method: rec[0], route: rec[1], request: rec[2], want: map[string]int{}, location: map[string]string{}}
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
	e := newEnv(t)
	users := map[string][2]string{}
	for _, role := range matrixRoles[1:] {
		name, pw := e.user(role)
		users[role] = [2]string{name, pw}
	}
	for _, row := range readMatrix(t) {
		for _, role := range matrixRoles {
			t.Run(fmt.Sprintf("%s %s as %s", row.method, row.request, role), func(t *testing.T) {
				c := e.client()
				if role == "anonymous" {
					c.page("/login") // a pre-login session and its token, as a browser has
				} else {
					c.login(users[role][0], users[role][1])
				}
				resp := c.do(row.method, row.request, formFor(row.method, c.csrf))
				resp.Body.Close()
				if resp.StatusCode != row.want[role] {
					t.Errorf("status = %d, want %d", resp.StatusCode, row.want[role])
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

func formFor(method, csrf string) map[string][]string {
	if method == "GET" {
		return nil
	}
	return map[string][]string{"_csrf": {csrf}}
}

// TestDenialsAreAudited: a signed-in user refused by role leaves an access.denied event.
func TestDenialsAreAudited(t *testing.T) {
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.login(name, pw)
	resp := c.do("GET", "/metrics", nil)
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("status = %d, want 403", resp.StatusCode)
	}
	if got := e.auditActions(); !slices.Contains(got, "access.denied") {
		t.Errorf("audit actions = %v, want access.denied", got)
	}
}
