package handlers

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/i18n"
	"kycportal/internal/outcomes"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/views/pages"
)

// submissionFailure turns the submission service's refusals into answers.
func submissionFailure(err error) error {
	var forbidden *submission.ForbiddenError
	var locked auth.LockedError
	var preflight *submission.PreflightError
	switch {
	case errors.As(err, &locked):
		return echo.NewHTTPError(http.StatusTooManyRequests, firstLine(err))
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound)
	case errors.As(err, &preflight):
		return refusal(http.StatusUnprocessableEntity, "err.preflight")
	case errors.Is(err, submission.ErrOwnCase), errors.Is(err, submission.ErrStepUp):
		return echo.NewHTTPError(http.StatusForbidden, firstLine(err))
	case errors.Is(err, submission.ErrIncomplete):
		return refusal(http.StatusUnprocessableEntity, "err.incomplete")
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

// timelineRows shows a submission's trail in sentences, in the viewer's zone. A supervisor
// (technical) also gets each row's technical detail (states, HTTP status, codes, latency,
// request and job ids) behind a disclosure, and the refusals the rules made; an agent sees
// neither.
func timelineRows(
	l *i18n.Lang, p *packs.Pack, entries []audit.Entry, technical bool, loc *time.Location,
) []pages.TimelineRow {
	var out []pages.TimelineRow
	for _, e := range entries {
		if e.Outcome == audit.Denied && !technical {
			continue // a checker's mistyped password or a refused claim is not the agent's story
		}
		r := pages.TimelineRow{When: l.Stamp(e.OccurredAt.In(loc)), Who: who(l, e), What: timelineSentence(l, p, e),
			Attempt: e.Action == audit.CDPAttempt}
		if technical {
			r.Detail = technicalDetail(e)
		}
		out = append(out, r)
	}
	return out
}

// who names the author of an event for people: the portal for the system's own work.
func who(l *i18n.Lang, e audit.Entry) string {
	if e.Role == "system" {
		return l.T("tl.portal")
	}
	return e.Username
}

// timelineSentence says what an event of a submission's trail means, in a branch agent's
// words: no state names, codes or ids. This one function holds every wording; the CDP's
// answers come in the outcome catalogue's words (attemptSentence).
func timelineSentence(l *i18n.Lang, p *packs.Pack, e audit.Entry) string {
	state := submission.State(fmt.Sprint(e.After["state"]))
	switch e.Action {
	case audit.SubmissionSubmitted:
		if state == submission.AwaitingApproval {
			return l.T("tl.submitted_checker")
		}
		return l.T("tl.submitted")
	case audit.SubmissionResubmitted:
		return l.T("tl.resubmitted")
	case audit.SubmissionReopened:
		return l.T("tl.reopened")
	case audit.SubmissionClaimed:
		return l.T("tl.claimed")
	case audit.SubmissionApproved:
		return l.T("tl.approved")
	case audit.SubmissionReturned:
		return withComment(l, l.T("tl.returned"), e.Reason)
	case audit.SubmissionRejected:
		return withComment(l, l.T("tl.rejected"), e.Reason)
	case audit.SubmissionQueued:
		return l.T("tl.queued")
	case audit.SubmissionSending:
		return l.T("tl.sending")
	case audit.SubmissionRetried:
		return l.T("tl.retried")
	case audit.SubmissionRefused, audit.StepUpFailed:
		return withComment(l, l.T("tl.refused"), e.Reason)
	case audit.CDPAttempt:
		return attemptSentence(l, e)
	case audit.CDPCheck:
		return l.T("tl.check")
	case audit.CDPOutcome, audit.CDPCallback:
		return outcomeSentence(l, p, state, e)
	}
	return l.T("tl.changed")
}

func withComment(l *i18n.Lang, sentence, comment string) string {
	if comment == "" {
		return sentence
	}
	return l.T("tl.with_comment", "Sentence", sentence, "Comment", l.Say(comment))
}

func attemptAction(l *i18n.Lang, e audit.Entry) string {
	id := "tl.sent"
	switch fmt.Sprint(e.After["call"]) {
	case "lookup":
		id = "tl.lookup"
	case "update":
		id = "tl.update"
	}
	if e.Outcome != audit.Success {
		id += "_failed"
	}
	return l.T(id)
}

// attemptSentence says what a recorded CDP call did, then what its answer means in the
// outcome catalogue's words.
func attemptSentence(l *i18n.Lang, e audit.Entry) string {
	o := attemptOutcome(e).In(l)
	return l.T("tl.attempt", "Action", attemptAction(l, e), "Title", o.Title, "Meaning", o.Meaning)
}

// outcomeSentence says where the CDP's answer left the customer.
func outcomeSentence(l *i18n.Lang, p *packs.Pack, state submission.State, e audit.Entry) string {
	switch state {
	case submission.Onboarded:
		if e.Action == audit.CDPCallback {
			return l.T("tl.review_accepted")
		}
		return l.T("tl.accepted")
	case submission.Returned:
		return l.T("tl.cdp_returned", "Fields", returnedFields(l, p, e.After["fields"]))
	case submission.Rejected:
		if e.Action == audit.CDPCallback {
			return l.T("tl.review_refused")
		}
		return l.T("tl.cdp_refused")
	case submission.UnderInvestigation:
		return l.T("tl.investigating")
	case submission.NeedsAttention:
		return l.T("tl.attention")
	case submission.Queued:
		return l.T("tl.will_retry")
	}
	return l.T("tl.answered")
}

// returnedFields names the fields a CDP return sent back, each with the CDP's message.
func returnedFields(l *i18n.Lang, p *packs.Pack, fields any) string {
	m, _ := fields.(map[string]any)
	if len(m) == 0 {
		return l.T("tl.customer_data")
	}
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s (%v)", reasonLabel(p, name), m[name]))
	}
	return strings.Join(parts, ", ")
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

// technicalDetail is what a supervisor may need to follow an event up: each CDP call with
// its status, code, latency and request ids; each change with its states and facts.
func technicalDetail(e audit.Entry) string {
	if e.Action == audit.CDPAttempt {
		return fmt.Sprintf("%s · CDP %v · HTTP %v · code %v · %v · %v ms · request %v", e.Action, e.After["call"],
			e.After["status"], e.After["code"], e.After["outcome"], e.After["latency_ms"], e.After["request_id"])
	}
	return string(e.Action) + " · " + transition(e)
}

func transition(e audit.Entry) string {
	var parts []string
	if from, to := e.Before["state"], e.After["state"]; to != nil {
		parts = append(parts, fmt.Sprintf("%v → %v", from, to))
	}
	for _, k := range slices.Sorted(maps.Keys(e.After)) {
		if k != "state" {
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

func reasons(l *i18n.Lang, p *packs.Pack, note *store.ReturnNote) []pages.Reason {
	var out []pages.Reason
	for _, name := range slices.Sorted(maps.Keys(note.Fields)) {
		r := note.Fields[name]
		if _, ok := submission.ReasonTypes[r]; ok && note.By == "checker" {
			r = l.T("reason.code_" + r)
		}
		out = append(out, pages.Reason{Name: name, Label: reasonLabel(p, name), Reason: r})
	}
	return out
}
