package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/csvout"
)

var exportHeader = []string{"id", "occurred_at_utc", "actor", "role", "branch", "action", "entity_type",
	"entity_id", "outcome", "reason", "request_id", "client_ip", "session", "before", "after"}

// auditExport streams the filtered events as CSV, one row in memory at a time. ID numbers
// are masked unless the reviewer posts a reason for seeing them. The export, its filter and
// its masking are recorded and committed before the first byte goes out: an export the
// trail cannot hold is not made. One that breaks off midway is recorded again, as a failure
// with the rows that did go out.
func (s *Server) auditExport(c echo.Context) error {
	f, q := auditFilter(c)
	f.Limit = 0
	reason := ""
	if c.Request().Method == http.MethodPost {
		if err := parseForm(c); err != nil {
			return err
		}
		if reason = strings.TrimSpace(c.Request().PostForm.Get("reason")); reason == "" || len(reason) > 500 {
			return refusal(http.StatusUnprocessableEntity, "err.export_reason")
		}
	}
	ctx := c.Request().Context()
	event := audit.Event{Action: audit.AuditExported, EntityType: "audit", EntityID: "export", Reason: reason,
		After: map[string]any{"filter": filterRecord(q), "id_numbers": exportMasking(reason)}}
	if err := s.audit.Record(ctx, event); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="audit-`+s.Now().UTC().Format("20060102-150405")+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csvout.NewWriter(c.Response())
	rows := 0
	err := w.Write(exportHeader)
	if err == nil {
		err = s.review.EachEvent(ctx, f, func(r audit.Row) error {
			rows++
			return w.Write(exportRecord(r, reason == ""))
		})
	}
	if err = errors.Join(err, w.Flush()); err == nil {
		return nil
	}
	// The response has started: the failure can no longer become an error page.
	event.Outcome, event.After = audit.Failure, map[string]any{
		"filter":     filterRecord(q),
		"id_numbers": exportMasking(reason),
		"rows":       rows,
	}
	return s.audit.Record(context.WithoutCancel(ctx), event)
}

func exportMasking(reason string) string {
	if reason != "" {
		return "unmasked"
	}
	return "masked"
}

func exportRecord(r audit.Row, mask bool) []string {
	before, after := string(r.Before), string(r.After)
	if mask {
		before, after = string(maskIDNumbers(r.Before)), string(maskIDNumbers(r.After))
	}
	return []string{strconv.FormatInt(r.ID, 10), r.OccurredAt.UTC().Format("2006-01-02T15:04:05.000000Z"),
		r.Username, r.Role, r.Branch, string(r.Action), r.EntityType, r.EntityID, r.Outcome, r.Reason,
		r.RequestID, r.ClientIP, r.SessionRef, before, after}
}

// maskIDNumbers keeps only the last 4 characters of every value under the key id_number.
// JSON from jsonb spells its keys out, so one without "id_number" has none to mask and is
// kept as it is: decoding and encoding every row was half an export's time.
func maskIDNumbers(raw []byte) []byte {
	if !bytes.Contains(raw, []byte("id_number")) {
		return raw
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	out, err := json.Marshal(maskValue("", v))
	if err != nil {
		return raw
	}
	return out
}

func maskValue(key string, v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, inner := range t {
			t[k] = maskValue(k, inner)
		}
		return t
	case []any:
		for i, inner := range t {
			t[i] = maskValue(key, inner)
		}
		return t
	case string:
		if key == "id_number" && len(t) > 4 {
			return strings.Repeat("•", len(t)-4) + t[len(t)-4:]
		}
	}
	return v
}
