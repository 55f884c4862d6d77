package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// auditPageSize is how many events one page of the audit shows.
const auditPageSize = 50

// auditFilter reads the review filters from the query string (where they live, so a view can
// be shared) and scopes them: a supervisor sees their branch only, whatever is asked.
func auditFilter(c echo.Context) (audit.Filter, pages.AuditQuery) {
	q := c.QueryParams()
	v := pages.AuditQuery{
		Agent:    clip(q.Get("agent"), 64),
		Branch:   clip(q.Get("branch"), 50),
		Group:    q.Get("group"),
		Customer: clip(q.Get("customer"), 64),
		Outcome:  q.Get("outcome"),
		From:     q.Get("from"),
		To:       q.Get("to"),
		Views:    q.Get("views") == "shown",
	}
	f := audit.Filter{Username: v.Agent, Branch: v.Branch, Customer: v.Customer,
		Prefixes: audit.GroupPrefixes(v.Group), Limit: auditPageSize, Views: v.Views}
	if f.Prefixes == nil {
		v.Group = ""
	}
	switch v.Outcome {
	case audit.Success, audit.Failure, audit.Denied:
		f.Outcome = v.Outcome
	default:
		v.Outcome = ""
	}
	f.From, v.From = parseDay(v.From, 0)
	f.To, v.To = parseDay(v.To, 1) // "to" includes that whole day
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if u, _ := userOf(c); u.Role != store.RoleAdmin {
		f.Branch, v.Branch = u.Branch, u.Branch
		v.BranchFixed = true
	}
	return f, v
}

// parseDay parses a YYYY-MM-DD date as the UTC midnight plus addDays; a malformed date is dropped.
func parseDay(s string, addDays int) (time.Time, string) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, ""
	}
	return t.AddDate(0, 0, addDays), s
}

// clip trims a filter value to at most n bytes, never cutting a character in two (the
// input gate has already refused NUL and invalid UTF-8).
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "")
	}
	return s
}

// queryOf writes the filters back as a query string, for links that keep them.
func queryOf(v pages.AuditQuery) url.Values {
	q := url.Values{}
	for k, val := range map[string]string{"agent": v.Agent, "group": v.Group, "customer": v.Customer,
		"outcome": v.Outcome, "from": v.From, "to": v.To} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if v.Branch != "" && !v.BranchFixed {
		q.Set("branch", v.Branch)
	}
	if v.Views {
		q.Set("views", "shown")
	}
	return q
}

// filterRecord is what the trail keeps of a filter when the audit is viewed or exported.
func filterRecord(v pages.AuditQuery) map[string]string {
	rec := map[string]string{}
	for k, vals := range queryOf(v) {
		rec[k] = vals[0]
	}
	if v.BranchFixed {
		rec["branch"] = v.Branch
	}
	return rec
}
