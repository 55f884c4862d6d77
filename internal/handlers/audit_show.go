package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/views/pages"
)

// auditShow is one event in full, with its change field by field. An event outside a
// supervisor's branch does not exist for them.
func (s *Server) auditShow(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	r, err := s.review.Event(c.Request().Context(), signedIn(c), id)
	if errors.Is(err, audit.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	d := pages.AuditDetail{Row: eventRow(r), SessionRef: r.SessionRef, RequestID: r.RequestID,
		ClientIP: r.ClientIP, Changes: fieldChanges(r.Before, r.After)}
	return render(c, http.StatusOK, pages.AuditEventPage(s.chromeT(c, "title.audit_event", "audit"), d))
}

// fieldChanges lines up the before and after of an event field by field.
func fieldChanges(before, after []byte) []pages.FieldChange {
	b, a := jsonFields(before), jsonFields(after)
	var names []string
	for k := range b {
		names = append(names, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	out := make([]pages.FieldChange, len(names))
	for i, k := range names {
		out[i] = pages.FieldChange{Field: k, Before: b[k], After: a[k]}
	}
	return out
}

// jsonFields flattens one level of a JSON object to display strings; any other JSON value
// shows as one field named "value".
func jsonFields(raw []byte) map[string]string {
	out := map[string]string{}
	if len(raw) == 0 {
		return out
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		out["value"] = string(raw)
		return out
	}
	for k, v := range obj {
		var str string
		if json.Unmarshal(v, &str) == nil {
			out[k] = str
		} else {
			out[k] = fmt.Sprint(string(v))
		}
	}
	return out
}
