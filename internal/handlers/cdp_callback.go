package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/cdp"
	"kycportal/internal/submission"
)

// amlAlertClosure receives the CDP's closure of an AML alert (docs/cdp.md): server to
// server, so no session and no CSRF token; the HMAC signature over timestamp and body, the
// clock skew and the alert id's novelty are the checks. Every answer is JSON. Every signed
// call is audited, refusals included; refusals of unsigned calls are counted and aggregated
// per address (cdp_callback_refusals.go).
func (s *Server) amlAlertClosure(c echo.Context) error {
	r := c.Request()
	ctx := audit.WithActor(
		r.Context(),
		audit.Actor{Username: "cdp", Role: "system", RequestID: requestIDOf(c), ClientIP: c.RealIP()},
	)
	if s.refusals.limited(c.RealIP(), s.Now()) {
		return callbackAnswer(c, http.StatusTooManyRequests, "Too many refused callbacks from this address")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return callbackAnswer(c, http.StatusRequestEntityTooLarge, "Body too large")
	}
	timestamp := r.Header.Get(cdp.HeaderCallbackTimestamp)
	err = cdp.VerifyCallback(s.CallbackSecret, timestamp, r.Header.Get(cdp.HeaderCallbackSignature), body, s.Now())
	var closure cdp.AlertClosure
	if err == nil {
		if json.Unmarshal(body, &closure) != nil || closure.ECRN == "" || closure.AMLScanStatus == "" ||
			closure.CustomerStatus == "" {
			err = errMalformedClosure
		}
	}
	if err == nil {
		err = s.submissions.CloseAlert(ctx, closure, cdp.ReplayKey(timestamp, body))
	}
	status, msg := callbackStatus(err)
	earlier := 0
	if status == http.StatusUnauthorized {
		var record bool
		if record, earlier = s.refusals.note(c.RealIP(), status, s.Now()); !record {
			return callbackAnswer(c, status, msg) // counted in the metric and the next recorded refusal
		}
	}
	if status != http.StatusOK {
		s.Log.WarnContext(
			ctx,
			"AML alert closure refused",
			"status",
			status,
			"reason",
			msg,
			"alert_id",
			closure.AlertID,
			"ecrn_known",
			closure.ECRN != "",
			"earlier_refusals_not_recorded",
			earlier,
			"request_id",
			requestIDOf(c),
		)
		if aerr := s.recordRefusedCallback(ctx, closure, msg, earlier); aerr != nil {
			return aerr
		}
	}
	return callbackAnswer(c, status, msg)
}

var errMalformedClosure = errors.New("want JSON with ecrn, aml_scan_status and customer_status")

func callbackStatus(err error) (int, string) {
	var forbidden *submission.ForbiddenError
	switch {
	case err == nil:
		return http.StatusOK, "Customer status updated"
	case errors.Is(err, cdp.ErrCallbackStale),
		errors.Is(err, cdp.ErrCallbackSignature),
		errors.Is(err, cdp.ErrCallbackNoSecret):
		return http.StatusUnauthorized, err.Error()
	case errors.Is(err, submission.ErrReplay):
		return http.StatusConflict, err.Error()
	case errors.Is(err, submission.ErrUnknownECRN):
		return http.StatusNotFound, "Customer not found"
	case errors.As(err, &forbidden):
		return http.StatusConflict, "Customer is not under investigation"
	case errors.Is(err, errMalformedClosure):
		return http.StatusBadRequest, err.Error()
	}
	return http.StatusInternalServerError, "Internal error"
}

// recordRefusedCallback audits a refusal; earlier counts the refusals of unsigned calls from
// the same address that were counted but not recorded since its last recorded one.
func (s *Server) recordRefusedCallback(ctx context.Context, c cdp.AlertClosure, why string, earlier int) error {
	after := map[string]any{"ecrn": c.ECRN}
	if earlier > 0 {
		after["earlier_refusals_not_recorded"] = earlier
	}
	return s.audit.Record(ctx, audit.Event{Action: audit.CDPCallbackRefused, EntityType: "cdp_alert", EntityID: c.ECRN,
		After: after, Outcome: audit.Denied, Reason: why})
}

// callbackAnswer is the acknowledgement shape of docs/cdp.md, for success and refusal alike.
func callbackAnswer(c echo.Context, status int, msg string) error {
	word := "success"
	if status != http.StatusOK {
		word = "failure"
	}
	return c.JSON(status, map[string]any{"status_code": status, "status": word, "message": msg})
}
