package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/session"
	"kycportal/internal/sso"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/views/pages"
)

// errToProvider carries the address of the provider's sign-in page, where a step-up goes on.
type errToProvider string

func (e errToProvider) Error() string { return "the step-up goes on at the identity provider" }

// beginStepUp keeps, in the session, the sign-in the provider is asked for (with
// prompt=login and max_age=0) and the case it approves, and returns errToProvider: the
// browser goes there, and the callback (approvalStepUpDone) finishes the approval.
func (s *Server) beginStepUp(c echo.Context, id int64) error {
	to, pending, err := s.sso.BeginStepUp(c.Request().Context())
	if err != nil {
		return echo.NewHTTPError(http.StatusBadGateway, langOf(c).T("sso.provider_down")).SetInternal(err)
	}
	sess := sessionOf(c)
	// Wall-clock time, as the provider's auth_time is, and as go-oidc checks expiry.
	rec := session.RecordOf(sess)
	rec.Pending = session.Pending{SSOState: pending.State, SSONonce: pending.Nonce, SSOVerifier: pending.Verifier,
		StepUpCase: strconv.FormatInt(id, 10), StepUpSince: strconv.FormatInt(time.Now().Unix(), 10), TOTP: rec.Pending.TOTP}
	if err := s.sessions.Save(c.Request(), c.Response(), sess); err != nil {
		return err
	}
	return errToProvider(to)
}

// approvalStepUpDone finishes an approval whose checker the provider was asked to sign in
// again: the case is approved only when the provider's ID token shows this checker signed
// in after the step-up began (sso.Service.Reauthenticated); otherwise the refusal is
// recorded and the case shown again with why.
func (s *Server) approvalStepUpDone(c echo.Context, caseID, since string, pending sso.Pending) error {
	u, ok := userOf(c)
	if !ok || !session.SignedInWithSSO(sessionOf(c)) {
		return errSignIn
	}
	if u.Role != store.RoleSupervisor {
		return echo.NewHTTPError(http.StatusForbidden)
	}
	id, err := strconv.ParseInt(caseID, 10, 64)
	began, err2 := strconv.ParseInt(since, 10, 64)
	if err != nil || err2 != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	q := c.QueryParams()
	err = s.submissions.ApproveWith(c.Request().Context(), u, id, func(ctx context.Context) error {
		if e := q.Get("error"); e != "" {
			if !providerError.MatchString(e) {
				e = "an error"
			}
			return s.submissions.StepUpRefused(ctx, id, errors.New("the provider answered "+e))
		}
		err := s.sso.Reauthenticated(ctx, q.Get("code"), pending, u, time.Unix(began, 0))
		if errors.Is(err, sso.ErrStepUp) {
			return s.submissions.StepUpRefused(ctx, id, err)
		}
		return err
	})
	switch {
	case errors.Is(err, submission.ErrStepUp):
		a, err := s.approvalView(c, id)
		if err != nil {
			return err
		}
		a.StepUpError = langOf(c).T("sso.step_up_refused", "Provider", s.sso.Name())
		return render(c, http.StatusForbidden, pages.ApprovalPage(s.chrome(c, "Case", "approvals"), a))
	case errors.Is(err, sso.ErrProvider):
		return echo.NewHTTPError(http.StatusBadGateway, langOf(c).T("sso.provider_down")).SetInternal(err)
	case err != nil:
		return submissionFailure(err)
	}
	return c.Redirect(http.StatusSeeOther, "/approvals/"+caseID)
}
