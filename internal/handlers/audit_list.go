package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// auditList is the reviewers' view of the trail: filtered, newest first, a page at a time.
// Looking is itself recorded.
func (s *Server) auditList(c echo.Context) error {
	ctx := c.Request().Context()
	f, q := auditFilter(c)
	var rows []store.AuditRow
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		var err error
		rows, err = store.ListAuditEvents(ctx, tx, f)
		return audit.Event{Action: audit.AuditViewed, EntityType: "audit", EntityID: "list",
			After: filterRecord(q)}, err
	})
	if err != nil {
		return err
	}
	l := pages.AuditList{Query: q, ExportURL: "/audit/export?" + queryOf(q).Encode()}
	for _, r := range rows {
		l.Rows = append(l.Rows, eventRow(r))
	}
	if len(rows) == auditPageSize {
		older := queryOf(q)
		older.Set("before", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		l.OlderURL = "/audit?" + older.Encode()
	}
	if l.Banner, err = s.chainBanner(c, f.Branch); err != nil {
		return err
	}
	ch := s.chrome(c, "Audit trail", "audit")
	if isHTMX(c) {
		return render(c, http.StatusOK, pages.AuditResults(ch, l))
	}
	return render(c, http.StatusOK, pages.AuditPage(ch, l))
}

func eventRow(r store.AuditRow) pages.AuditEventRow {
	return pages.AuditEventRow{ID: r.ID, When: r.OccurredAt.UTC().Format("2006-01-02 15:04:05"),
		Actor: r.Username, Role: r.Role, Branch: r.Branch, Action: r.Action,
		Entity: r.EntityType + " " + r.EntityID, Outcome: r.Outcome, Reason: r.Reason}
}

// chainBanner tells the last verification that covers the reviewer's scope.
func (s *Server) chainBanner(c echo.Context, branch string) (pages.AuditBanner, error) {
	v, err := store.LastVerification(c.Request().Context(), s.DB.Pool, branch)
	if errors.Is(err, store.ErrNotFound) {
		return pages.AuditBanner{}, nil
	}
	if err != nil {
		return pages.AuditBanner{}, err
	}
	return pages.AuditBanner{Checked: true, When: v.At.UTC().Format("2006-01-02 15:04 UTC"), By: v.By,
		Scope: scopeName(v.Scope), Count: v.Verified, Broken: v.BrokenID}, nil
}

func scopeName(branch string) string {
	if branch == "" {
		return "whole chain"
	}
	return fmt.Sprintf("branch %s", branch)
}
