package handlers

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/session"
	"kycportal/internal/store"
)

// Keys of values kept on the echo context.
const (
	keyRequestID = "request_id"
	keySession   = "session"
	keyUser      = "user"
)

const sessionName = "kyc"

func requestIDOf(c echo.Context) string {
	id, _ := c.Get(keyRequestID).(string)
	return id
}

func sessionOf(c echo.Context) *sessions.Session {
	s, _ := c.Get(keySession).(*sessions.Session)
	return s
}

func userOf(c echo.Context) (store.User, bool) {
	u, ok := c.Get(keyUser).(store.User)
	return u, ok
}

// requestID names every request, answers with the name, and starts the audit actor. An
// inbound id is not trusted: it could carry anything into our logs.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		c.Set(keyRequestID, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		r := c.Request()
		ctx := audit.WithActor(
			r.Context(),
			audit.Actor{Username: "anonymous", Role: "anonymous", RequestID: id, ClientIP: c.RealIP()},
		)
		c.SetRequest(r.WithContext(ctx))
		return next(c)
	}
}

// logRequests writes one line a request: never the query string, body or headers, which
// may carry ID numbers or secrets; the route pattern names the page.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := s.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		took := s.Now().Sub(start)
		route, status := c.Path(), c.Response().Status
		if route == "" {
			route = "unmatched"
		}
		var userID int64
		if u, ok := userOf(c); ok {
			userID = u.ID
		}
		s.httpMetrics.observe(c.Request().Method, route, status, took)
		s.Log.InfoContext(c.Request().Context(), "request", "method", c.Request().Method, "route", route,
			"status", status, "duration_ms", float64(took.Microseconds())/1000, "user_id", userID,
			"request_id", requestIDOf(c))
		return nil
	}
}

// recoverPanic turns a panic into a 500 for the error adapter, which logs it.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		return next(c)
	}
}

const contentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", s.csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.TLS {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// rejectCrossOrigin refuses unsafe requests that a browser marks as coming from another
// site or origin (net/http's CrossOriginProtection), before anything else reads them.
func (s *Server) rejectCrossOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := s.crossOrigin.Check(c.Request()); err != nil {
			return refusal(http.StatusForbidden, "err.cross_site")
		}
		return next(c)
	}
}

// privatePage keeps pages out of every cache and tells caches that htmx requests differ.
func (s *Server) privatePage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		h.Add("Vary", "HX-Request")
		return next(c)
	}
}

// formBodyLimit bounds an ordinary form post.
const formBodyLimit = 64 << 10

// bodyLimit refuses a body larger than n before reading it, and stops reading at n.
func bodyLimit(n int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.ContentLength > n {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, n)
			return next(c)
		}
	}
}

// parseForm reads the posted form, turning an oversized body into a 413.
func parseForm(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
		}
		return refusal(http.StatusBadRequest, "err.form")
	}
	return nil
}

// loadSession finds the request's session and its user; a disabled user's session is ended.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		sess, err := s.sessions.Get(r, sessionName)
		switch {
		case errors.Is(err, session.ErrExpired):
			c.Set(keySignInWhy, whyExpired)
			forgetSessionCookie(c) // the reason is told once
		case errors.Is(err, session.ErrEnded):
			c.Set(keySignInWhy, whyEnded)
			forgetSessionCookie(c)
		case err != nil:
			return err
		}
		c.Set(keySession, sess)
		uid := session.UserID(sess)
		if uid == 0 && session.EndedBecause(sess) == store.SessionEndedDisabled {
			return s.endDisabledSession(c, sess)
		}
		if uid == 0 {
			return next(c)
		}
		// Read with the session, in the same statement, at this request: never kept across
		// requests, so a disabled user is refused at their next one.
		u, found := session.User(sess)
		if !found || !u.Active { // disabling ends sessions too; this covers a race with it
			return s.endDisabledSession(c, sess)
		}
		c.SetRequest(r.WithContext(userActor(r.Context(), u, sess)))
		// Logging out asks the provider nothing: it must work while the provider is down.
		if session.SignedInWithSSO(sess) && s.sso != nil && c.Path() != "/logout" {
			if u, err = s.recheckProvider(c, sess, u); err != nil {
				return err
			}
			c.SetRequest(r.WithContext(userActor(r.Context(), u, sess)))
		}
		c.Set(keyUser, u)
		return next(c)
	}
}

// forgetSessionCookie asks the browser to drop a cookie that names no live session.
func forgetSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: session.CookieName, Path: "/", MaxAge: -1, Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
}

// endDisabledSession deletes the session of a disabled user and sends them to the login
// page, which says why.
func (s *Server) endDisabledSession(c echo.Context, sess *sessions.Session) error {
	c.Set(keySignInWhy, whyDisabled)
	sess.Options.MaxAge = -1
	if err := s.sessions.Save(c.Request(), c.Response(), sess); err != nil {
		return err
	}
	return errSignIn
}

// userActor is ctx with u, in session sess, as the actor of what the request records.
func userActor(ctx context.Context, u store.User, sess *sessions.Session) context.Context {
	actor := audit.ActorFrom(ctx)
	actor.UserID = u.ID
	actor.Username = u.Username
	actor.Role = u.Role
	actor.Branch = u.Branch
	actor.SessionRef = session.Ref(sess)
	return audit.WithActor(ctx, actor)
}

var errForged = refusal(http.StatusForbidden, "err.forged")

// checkCSRF requires the session's token on every unsafe request, from the form field
// _csrf (the first part of a multipart upload) or, for htmx, the X-CSRF-Token header.
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if safeMethod(c) {
			return next(c)
		}
		sent, err := sentToken(c)
		if err != nil {
			return err
		}
		sess := sessionOf(c)
		want := session.CSRFToken(sess)
		if sess.IsNew || sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
			return errForged
		}
		return next(c)
	}
}

// checkLoginCSRF is checkCSRF for the sign-in form: a visitor without a stored session
// sends the signed token of login_token.go; one with a session, that session's token.
func (s *Server) checkLoginCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	withSession := s.checkCSRF(next)
	return func(c echo.Context) error {
		if safeMethod(c) || !sessionOf(c).IsNew {
			return withSession(c)
		}
		sent, err := sentToken(c)
		if err != nil {
			return err
		}
		if !s.validLoginToken(c, sent) {
			return errForged
		}
		return next(c)
	}
}

func safeMethod(c echo.Context) bool {
	switch c.Request().Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// sentToken is the CSRF token a request carries: the X-CSRF-Token header, else the form's.
func sentToken(c echo.Context) (string, error) {
	if sent := c.Request().Header.Get("X-CSRF-Token"); sent != "" {
		return sent, nil
	}
	return formToken(c)
}

// signedInFirst sends a request without a signed-in user to sign in before its CSRF token
// is checked: a session that lapsed took its token with it, and an htmx autosave must then
// be told to sign in (HX-Redirect), not refused as forged. Such a request acts as nobody.
func signedInFirst(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := userOf(c); !ok {
			return errSignIn
		}
		return next(c)
	}
}

// requireRole lets through signed-in users of the given roles; others are sent to sign in
// or refused, and a refusal is audited.
func (s *Server) requireRole(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := userOf(c)
			if !ok {
				return errSignIn
			}
			if slices.Contains(roles, u.Role) {
				return s.passwordChangeFirst(c, u, s.totpFirst(u, next))
			}
			ctx := c.Request().Context()
			err := s.audit.Record(ctx, audit.Event{Action: audit.AccessDenied, EntityType: "route",
				EntityID: c.Request().Method + " " + c.Path(), Outcome: audit.Denied,
				Reason: "role " + u.Role + " not in " + fmt.Sprint(roles)})
			if err != nil {
				return err
			}
			return echo.NewHTTPError(http.StatusForbidden)
		}
	}
}

// passwordChangeFirst holds a user whose password an administrator set on the password
// page until they choose their own; only that page and logout stay open.
func (s *Server) passwordChangeFirst(c echo.Context, u store.User, next echo.HandlerFunc) error {
	if !u.MustChangePassword || c.Path() == "/account/password" || c.Path() == "/logout" {
		return next(c)
	}
	return holdOn(c, "/account/password")
}

// holdOn sends a user who must do something first (choose a password, enrol a second
// factor) to the page where they do it. An htmx request is told to navigate there, unless
// that page made it itself (the header's inbox count): sending the page to itself would
// reload it for ever.
func holdOn(c echo.Context, page string) error {
	if c.Request().Header.Get("HX-Request") != "true" {
		return c.Redirect(http.StatusSeeOther, page)
	}
	if from, err := url.Parse(c.Request().Header.Get("HX-Current-URL")); err != nil || from.Path != page {
		c.Response().Header().Set("HX-Redirect", page)
	}
	return c.NoContent(http.StatusForbidden)
}
