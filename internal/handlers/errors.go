package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// errSignIn answers a request that needs a signed-in user and has none.
var errSignIn = echo.NewHTTPError(http.StatusUnauthorized, "sign in to continue")

var problemTexts = map[int][2]string{
	http.StatusBadRequest:            {"Bad request", "The request could not be understood."},
	http.StatusUnauthorized:          {"Sign in", "Please sign in to continue."},
	http.StatusForbidden:             {"Not allowed", "You are not allowed to do this. If you think you should be, ask your supervisor."},
	http.StatusNotFound:              {"Not found", "There is nothing at this address, or you may not see it."},
	http.StatusMethodNotAllowed:      {"Not allowed", "This address does not accept that kind of request."},
	http.StatusRequestEntityTooLarge: {"Too large", "What you sent is larger than this form accepts."},
	http.StatusTooManyRequests:       {"Too many requests", "Please wait a moment and try again."},
	http.StatusInternalServerError:   {"Something went wrong", "The portal could not complete this request. Your saved work is safe; try again, and quote the reference below if it keeps happening."},
	http.StatusServiceUnavailable:    {"Temporarily unavailable", "A service the portal depends on is not answering. Try again in a moment."},
}

// handleError is the one place where an error becomes a response: a full page, an htmx
// fragment, or a redirect to the login page. Internals never reach the user.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
	case store.Unavailable(err): // try again, nothing is lost
		status = http.StatusServiceUnavailable
	}
	if status >= 500 {
		s.Log.ErrorContext(c.Request().Context(), "request failed", "request_id", requestIDOf(c), "error", err.Error())
	}
	if status == http.StatusUnauthorized {
		s.askToSignIn(c)
		return
	}
	texts, ok := problemTexts[status]
	if !ok {
		texts = problemTexts[http.StatusInternalServerError]
	}
	p := pages.Problem{Status: status, Title: texts[0], Message: texts[1], RequestID: requestIDOf(c)}
	if he != nil && status != http.StatusInternalServerError && status != http.StatusNotFound {
		if msg, ok := he.Message.(string); ok && msg != "" && msg != http.StatusText(status) {
			// Our own words for a 4xx, or for a service that is down (502, 503): an
			// HTTPError's message is never a wrapped internal error, which goes to SetInternal.
			p.Message = msg
		}
	}
	if isHTMX(c) {
		err = render(c, status, pages.ErrorFragment(p))
	} else {
		err = render(c, status, pages.ErrorPage(s.chrome(c, p.Title, ""), p))
	}
	if err != nil {
		s.Log.ErrorContext(c.Request().Context(), "error page failed", "request_id", requestIDOf(c), "error", err.Error())
	}
}

// askToSignIn sends the browser to the login page; under htmx a swapped-in login page would
// land inside a table cell, so htmx is told to navigate instead.
func (s *Server) askToSignIn(c echo.Context) {
	to := "/login"
	if why, ok := c.Get(keySignInWhy).(string); ok {
		to += "?why=" + why
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", to)
		_ = c.NoContent(http.StatusUnauthorized)
		return
	}
	_ = c.Redirect(http.StatusSeeOther, to)
}

// Why the login page is shown, as its address says (?why=): words for each, nothing else
// from the address reaches the page.
const (
	keySignInWhy = "sign_in_why"
	whySignedOut = "signed-out"
	whyExpired   = "expired"
	whyEnded     = "ended"
	whyDisabled  = "disabled"
	// The identity provider no longer grants the user (every session ended), or no longer
	// accepts this session's tokens.
	whyAccessEnded   = "access-ended"
	whyProviderEnded = "provider-ended"
)

// signInNotices names the catalogue message of each reason.
var signInNotices = map[string]string{
	whySignedOut: "login_notice_signed_out",
	whyExpired:   "login_notice_expired",
	whyEnded:     "login_notice_ended",
	whyDisabled:  "login_notice_disabled",

	whyAccessEnded:   "sso.access_ended",
	whyProviderEnded: "sso.sign_in_again",
}
