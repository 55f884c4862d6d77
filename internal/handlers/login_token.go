package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views"
)

// The sign-in form's CSRF token needs no stored session, so that a visitor of GET /login
// writes nothing: the token is an HMAC of a random value kept in a cookie of its own and of
// the token's expiry, under a key every replica derives from the audit key. A session row is
// made only by a successful sign-in.
const (
	loginCookieName    = "__Host-kyc_login"
	loginTokenLifetime = time.Hour
)

// loginTokenKey derives the form token's key from auditKey, so that the audit key itself
// signs nothing else; without one (tests, tools) a random key serves this process.
func loginTokenKey(auditKey []byte) []byte {
	if len(auditKey) == 0 {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		return k
	}
	m := hmac.New(sha256.New, auditKey)
	m.Write([]byte("kycportal login form token"))
	return m.Sum(nil)
}

// loginChrome is the chrome of the sign-in page: a visitor without a stored session gets a
// signed form token, and the cookie it is bound to.
func (s *Server) loginChrome(c echo.Context) views.Chrome {
	ch := s.chromeT(c, "login_title", "")
	if sess := sessionOf(c); sess == nil || sess.IsNew {
		ch.CSRF = s.issueLoginToken(c)
	}
	return ch
}

// issueLoginToken keeps the visitor's login cookie (two tabs both stay valid), or sets a new
// one, and returns a token bound to it that expires after loginTokenLifetime.
func (s *Server) issueLoginToken(c echo.Context) string {
	nonce := ""
	if ck, err := c.Request().Cookie(loginCookieName); err == nil && len(ck.Value) == 43 {
		nonce = ck.Value
	} else {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		nonce = base64.RawURLEncoding.EncodeToString(b)
	}
	c.SetCookie(&http.Cookie{Name: loginCookieName, Value: nonce, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: int(loginTokenLifetime.Seconds())})
	exp := strconv.FormatInt(s.Now().Add(loginTokenLifetime).Unix(), 10)
	return exp + "." + s.loginMAC(nonce, exp)
}

func (s *Server) loginMAC(nonce, exp string) string {
	m := hmac.New(sha256.New, s.loginKey)
	m.Write([]byte(nonce + "|" + exp))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validLoginToken reports whether token was issued for this visitor's cookie and is not past
// its expiry.
func (s *Server) validLoginToken(c echo.Context, token string) bool {
	ck, err := c.Request().Cookie(loginCookieName)
	exp, mac, ok := strings.Cut(token, ".")
	if err != nil || !ok {
		return false
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || s.Now().After(time.Unix(unix, 0)) {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(s.loginMAC(ck.Value, exp)))
}

// endLoginCookie drops the login cookie once its visitor has signed in.
func endLoginCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: loginCookieName, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
