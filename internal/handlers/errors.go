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

// problemIDs name each status's title and message in the catalogues (problem.<n>.title,
// problem.<n>.message); any other status reads as a 500.
var problemIDs = map[int]string{
	http.StatusBadRequest: "400", http.StatusUnauthorized: "401", http.StatusForbidden: "403", http.StatusNotFound: "404",
	http.StatusMethodNotAllowed: "405", http.StatusRequestEntityTooLarge: "413", http.StatusTooManyRequests: "429",
	http.StatusInternalServerError: "500", http.StatusServiceUnavailable: "503",
}

// message is a refusal's words as a message id of the catalogues and its data: the error
// page says it in the viewer's language.
type message struct {
	id   string
	data []any
}

// refusal is an answer with status in our own words: message id of the catalogues, filled
// with data (key, value…).
func refusal(status int, id string, data ...any) *echo.HTTPError {
	return echo.NewHTTPError(status, message{id, data})
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
	id, ok := problemIDs[status]
	if !ok {
		id = problemIDs[http.StatusInternalServerError]
	}
	l := langOf(c)
	p := pages.Problem{Status: status, Title: l.T("problem." + id + ".title"), Message: l.T("problem." + id + ".message"),
		RequestID: requestIDOf(c)}
	if he != nil && status != http.StatusInternalServerError && status != http.StatusNotFound {
		// Our own words for a 4xx, or for a service that is down (502, 503): an HTTPError's
		// message is never a wrapped internal error, which goes to SetInternal.
		switch msg := he.Message.(type) {
		case message:
			p.Message = l.T(msg.id, msg.data...)
		case string: // a service's refusal, in English: in the viewer's language where the catalogues hold it
			if msg != "" && msg != http.StatusText(status) {
				p.Message = l.Say(msg)
			}
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
