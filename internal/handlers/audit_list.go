package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/idnumber"
	"kycportal/internal/review"
	"kycportal/internal/views/pages"
)

// auditList is the reviewers' view of the trail: filtered, newest first, a page at a time.
// Looking is itself recorded.
func (s *Server) auditList(c echo.Context) error {
	f, q := auditFilter(c)
	return s.showAudit(c, f, q, filterRecord(q))
}

// auditByID lists the events about one ID number, typed in a form so that it never lands in
// an address, a history or a log. The trail records the number's reference, not the number.
func (s *Server) auditByID(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	number := clip(idnumber.Strip(c.Request().PostForm.Get("id_number")), 31)
	if number == "" || len(number) > 30 {
		return refusal(http.StatusUnprocessableEntity, "err.audit_id")
	}
	f, q := auditFilter(c)
	ref := s.review.IDRef(number)
	f.IDNumber = number
	f.IDHMAC = ref.HMAC
	f.Limit = auditIDPageSize
	q.IDLast4 = ref.Last4
	return s.showAudit(c, f, q, map[string]any{"filter": filterRecord(q), "id": ref})
}

// auditIDPageSize bounds the events of one ID number shown at once; they are not paged, as
// paging would carry the number in the next page's address.
const auditIDPageSize = 200

// showAudit lists the events of f, records that they were looked at, and renders the page
// (or, for htmx, the results region).
func (s *Server) showAudit(c echo.Context, f audit.Filter, q pages.AuditQuery, viewed any) error {
	rows, err := s.review.Events(c.Request().Context(), f, viewed)
	if err != nil {
		return err
	}
	l := pages.AuditList{Query: q, ExportURL: "/audit/export?" + queryOf(q).Encode()}
	if f.IDNumber == "" {
		toggled := q
		toggled.Views = !q.Views
		l.ViewsURL = "/audit?" + queryOf(toggled).Encode()
	}
	names, err := s.caseNames(c.Request().Context(), rows)
	if err != nil {
		return err
	}
	for _, r := range rows {
		row := eventRow(r)
		if name, ok := names[r.EntityID]; ok && (r.EntityType == "draft" || r.EntityType == "submission") {
			row.Entity = name
		}
		l.Rows = append(l.Rows, row)
	}
	if len(rows) == auditPageSize && f.IDNumber == "" {
		older := queryOf(q)
		older.Set("before", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		l.OlderURL = "/audit?" + older.Encode()
	}
	if l.Banner, err = s.chainBanner(c, f.Branch); err != nil {
		return err
	}
	ch := s.chromeT(c, "nav_audit", "audit")
	if isHTMX(c) {
		return render(c, http.StatusOK, pages.AuditResults(ch, l))
	}
	return render(c, http.StatusOK, pages.AuditPage(ch, l))
}

func eventRow(r audit.Row) pages.AuditEventRow {
	return pages.AuditEventRow{ID: r.ID, When: r.OccurredAt.UTC().Format("2006-01-02 15:04:05"),
		Actor: r.Username, Role: r.Role, Branch: r.Branch, Action: string(r.Action),
		Entity: r.EntityType + " " + r.EntityID, Outcome: r.Outcome, Reason: r.Reason}
}

// caseNames names the customers of the drafts and submissions rows are about, by draft id:
// "Fatima Hassan · •••• 5676 (case 14)", so that a reviewer reads who, not a number.
func (s *Server) caseNames(ctx context.Context, rows []audit.Row) (map[string]string, error) {
	var ids []int64
	for _, r := range rows {
		if id, err := strconv.ParseInt(r.EntityID, 10, 64); err == nil &&
			(r.EntityType == "draft" || r.EntityType == "submission") {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	customers, err := s.review.Customers(ctx, ids)
	out := map[string]string{}
	for _, cu := range customers {
		name := strings.TrimSpace(cu.FirstName + " " + cu.LastName)
		if name == "" {
			name = "(no name yet)"
		}
		out[strconv.FormatInt(cu.ID, 10)] = fmt.Sprintf("%s · %s (case %d)", name, masked(cu.IDNumber), cu.ID)
	}
	return out, err
}

// chainBanner tells the last verification that covers the reviewer's scope.
func (s *Server) chainBanner(c echo.Context, branch string) (pages.AuditBanner, error) {
	v, err := s.review.LastVerification(c.Request().Context(), branch)
	if errors.Is(err, audit.ErrNotFound) {
		return pages.AuditBanner{}, nil
	}
	if err != nil {
		return pages.AuditBanner{}, err
	}
	return pages.AuditBanner{Checked: true, When: v.At.UTC().Format("2006-01-02 15:04 UTC"), By: v.By,
		Scope: review.ScopeName(v.Scope), Count: v.Verified, Broken: v.BrokenID}, nil
}
