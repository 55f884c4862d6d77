package handlers

import (
	"mime"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// errBadCharacters answers a request carrying text no handler should ever see.
var errBadCharacters = echo.NewHTTPError(
	http.StatusBadRequest,
	"The request holds a character the portal does not accept (a NUL byte, a control character or invalid UTF-8). Remove it and try again.",
)

// checkInput is the one input gate: every path parameter, query value and form field of a
// request is valid UTF-8 without NUL or other control characters, or the request is refused
// before a handler runs. PostgreSQL refuses NUL and invalid UTF-8 in text, logs would carry
// control characters, and no form of the portal needs them. Form values may hold tab and
// line breaks (a reason is a paragraph); paths and queries may not. A multipart upload's
// only text part is its CSRF token, compared byte for byte; its file is checked as a file.
func checkInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for _, v := range c.ParamValues() {
			if !cleanText(v, false) {
				return errBadCharacters
			}
		}
		// A malformed pair is dropped here as it is by c.QueryParam: no handler sees it.
		query, _ := url.ParseQuery(c.Request().URL.RawQuery)
		if !cleanValues(query, false) {
			return errBadCharacters
		}
		if mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); mt == echo.MIMEApplicationForm {
			if err := parseForm(c); err != nil {
				return err
			}
			if !cleanValues(c.Request().PostForm, true) {
				return errBadCharacters
			}
		}
		return next(c)
	}
}

func cleanValues(values url.Values, multiline bool) bool {
	for k, vs := range values {
		if !cleanText(k, false) {
			return false
		}
		for _, v := range vs {
			if !cleanText(v, multiline) {
				return false
			}
		}
	}
	return true
}

// cleanText reports whether s is valid UTF-8 free of C0 and C1 control characters and DEL;
// multiline text may hold tab, line feed and carriage return.
func cleanText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\t' || r == '\n' || r == '\r'):
		case r < 0x20, r >= 0x7f && r <= 0x9f:
			return false
		}
	}
	return true
}
