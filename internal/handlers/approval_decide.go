package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/drafts"
	"kycportal/internal/session"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/views/pages"
)

// decide runs a checker's decision on the case of the path, then shows the case again: a
// refusal is shown on it with its reason.
func (s *Server) decide(
	do func(ctx context.Context, u store.User, id int64, form map[string][]string) error,
) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := draftParam(c)
		if err != nil {
			return err
		}
		if err := parseForm(c); err != nil {
			return err
		}
		err = do(c.Request().Context(), signedIn(c), id, c.Request().PostForm)
		var fe drafts.FieldErrors
		if errors.As(err, &fe) {
			return s.approvalRefused(c, id, http.StatusUnprocessableEntity, fe["reasons"]+" "+fe["comment"])
		}
		var toProvider errToProvider
		if errors.As(err, &toProvider) {
			return c.Redirect(http.StatusSeeOther, string(toProvider))
		}
		if errors.Is(err, submission.ErrStepUp) {
			return s.stepUpRefused(c, id)
		}
		if err != nil {
			return submissionFailure(err)
		}
		return c.Redirect(http.StatusSeeOther, "/approvals/"+strconv.FormatInt(id, 10))
	}
}

func (s *Server) approvalRefused(c echo.Context, id int64, status int, msg string) error {
	a, err := s.approvalView(c, id)
	if err != nil {
		return err
	}
	a.Error = strings.TrimSpace(msg)
	return render(c, status, pages.ApprovalPage(s.chromeT(c, "sub.case", "approvals"), a))
}

// stepUpRefused shows the case again with the refused password's (or code's) message under
// its input: the checker stays in the case and tries again.
func (s *Server) stepUpRefused(c echo.Context, id int64) error {
	a, err := s.approvalView(c, id)
	if err != nil {
		return err
	}
	l := langOf(c)
	a.StepUpError = l.T("sub.stepup_wrong")
	if session.SignedInWithSSO(sessionOf(c)) {
		a.StepUpError = l.T("sso.step_up_code_refused")
	}
	return render(c, http.StatusForbidden, pages.ApprovalPage(s.chromeT(c, "sub.case", "approvals"), a))
}

func (s *Server) approvalClaim(c echo.Context) error {
	return s.decide(func(ctx context.Context, u store.User, id int64, _ map[string][]string) error {
		return s.submissions.Claim(ctx, u, id)
	})(c)
}

// approvalApprove approves once the checker shows it is them: with their password, or,
// signed in through the identity provider, by signing in there again (approval_step_up.go)
// or with a code of their authenticator app. Every approval asks its own step-up: no
// earlier one in the session stands in for it (docs/submission.md, "Step-up").
func (s *Server) approvalApprove(c echo.Context) error {
	viaProvider := session.SignedInWithSSO(sessionOf(c))
	return s.decide(func(ctx context.Context, u store.User, id int64, form map[string][]string) error {
		code := strings.TrimSpace(first(form["code"]))
		switch {
		case viaProvider && code == "":
			return s.submissions.ApproveWith(ctx, u, id, func(context.Context) error { return s.beginStepUp(c, id) })
		case viaProvider:
			return s.submissions.ApproveWithCode(ctx, u, id, code)
		default:
			return s.submissions.Approve(ctx, u, id, first(form["password"]))
		}
	})(c)
}

func (s *Server) approvalReturn(c echo.Context) error {
	return s.decide(func(ctx context.Context, u store.User, id int64, form map[string][]string) error {
		return s.submissions.Return(ctx, u, id, reviewOf(form))
	})(c)
}

func (s *Server) approvalReject(c echo.Context) error {
	return s.decide(func(ctx context.Context, u store.User, id int64, form map[string][]string) error {
		return s.submissions.Reject(ctx, u, id, reviewOf(form))
	})(c)
}

// approvalRelease gives the checker's claim back before deciding; the case's agent is told.
func (s *Server) approvalRelease(c echo.Context) error {
	return s.decide(func(ctx context.Context, u store.User, id int64, _ map[string][]string) error {
		return s.submissions.Release(ctx, u, id)
	})(c)
}

func (s *Server) approvalRetry(c echo.Context) error {
	return s.decide(func(ctx context.Context, u store.User, id int64, _ map[string][]string) error {
		return s.submissions.Retry(ctx, u, id)
	})(c)
}

// reviewOf reads the review form: reason_<name> = a reason code, for each flagged item.
func reviewOf(form map[string][]string) submission.Review {
	r := submission.Review{Reasons: map[string]string{}, Comment: first(form["comment"])}
	for k, v := range form {
		if name, ok := strings.CutPrefix(k, "reason_"); ok && first(v) != "" {
			r.Reasons[name] = first(v)
		}
	}
	return r
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
