package handlers

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/outcomes"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/views/pages"
)

// submissionFailure turns the submission service's refusals into answers.
func submissionFailure(err error) error {
	var forbidden *submission.ForbiddenError
	var preflight *submission.PreflightError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound)
	case errors.As(err, &preflight):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "The CDP would refuse this customer as it stands: the review step says what to change.")
	case errors.Is(err, submission.ErrOwnCase), errors.Is(err, submission.ErrStepUp):
		return echo.NewHTTPError(http.StatusForbidden, firstLine(err))
	case errors.Is(err, submission.ErrIncomplete):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "This draft is not complete yet: see its review step.")
	case errors.Is(err, submission.ErrNotAwaiting), errors.Is(err, submission.ErrClaimed),
		errors.Is(err, submission.ErrNotClaimed), errors.Is(err, submission.ErrReturnCap),
		errors.Is(err, submission.ErrNotAttention), errors.As(err, &forbidden):
		return echo.NewHTTPError(http.StatusConflict, firstLine(err))
	}
	return draftFailure(err)
}

// firstLine is a refusal's own words, without what errors.Join added for the log.
func firstLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// timelineRows shows a submission's audit trail: changes with who and when, and each CDP
// attempt in the outcome catalogue's words. Supervisors (technical) also get each attempt's
// status, code, latency and request ids behind a disclosure; agents never see them.
func timelineRows(entries []audit.Entry, technical bool) []pages.TimelineRow {
	var out []pages.TimelineRow
	for _, e := range entries {
		r := pages.TimelineRow{When: e.OccurredAt.UTC().Format("2006-01-02 15:04:05"), Who: e.Username + " (" + e.Role + ")",
			What: string(e.Action), Outcome: e.Outcome, Attempt: e.Action == audit.CDPAttempt}
		if r.Attempt {
			o := attemptOutcome(e)
			r.What = fmt.Sprintf("CDP %v", e.After["call"])
			r.Detail = o.Title + ": " + o.Meaning
			if technical {
				r.Technical = fmt.Sprintf("HTTP %v · code %v · %v · %v ms · request %v · CDP request %v", e.After["status"],
					e.After["code"], e.After["outcome"], e.After["latency_ms"], e.After["request_id"], e.After["cdp_request_id"])
			}
		} else {
			r.Detail = transition(e, technical)
		}
		out = append(out, r)
	}
	return out
}

// attemptOutcome is the catalogue's entry for one recorded CDP call.
func attemptOutcome(e audit.Entry) outcomes.Entry {
	return outcomes.Of(fmt.Sprint(e.After["call"]), fmt.Sprint(e.After["outcome"]))
}

// lastOutcome is the catalogue's entry for the last CDP call of a timeline, if any.
func lastOutcome(entries []audit.Entry) (outcomes.Entry, bool) {
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Action == audit.CDPAttempt {
			return attemptOutcome(entries[i]), true
		}
	}
	return outcomes.Entry{}, false
}

// transition is a change's states and reason; supervisors also read its recorded facts.
func transition(e audit.Entry, technical bool) string {
	var parts []string
	if from, to := e.Before["state"], e.After["state"]; to != nil {
		parts = append(parts, fmt.Sprintf("%v → %v", from, to))
	}
	for _, k := range slices.Sorted(maps.Keys(e.After)) {
		if k != "state" && technical {
			parts = append(parts, fmt.Sprintf("%s: %v", k, e.After[k]))
		}
	}
	if e.Reason != "" {
		parts = append(parts, e.Reason)
	}
	return strings.Join(parts, " · ")
}

// reasonLabel names a field or document of a pack for the reasons shown to people.
func reasonLabel(p *packs.Pack, name string) string {
	if f, ok := p.Field(name); ok {
		return f.Label
	}
	if d, ok := p.Document(name); ok {
		return d.Label
	}
	return name
}

func reasons(p *packs.Pack, note *store.ReturnNote) []pages.Reason {
	var out []pages.Reason
	for _, name := range slices.Sorted(maps.Keys(note.Fields)) {
		r := note.Fields[name]
		if label, ok := submission.ReasonTypes[r]; ok && note.By == "checker" {
			r = label
		}
		out = append(out, pages.Reason{Name: name, Label: reasonLabel(p, name), Reason: r})
	}
	return out
}
