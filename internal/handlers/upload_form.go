package handlers

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/documents"
)

const keyMultipart = "multipart"

// uploadBodyLimit is one file at its limit plus room for the multipart framing and token.
const uploadBodyLimit = documents.MaxFileSize + 64<<10

var errUploadTooLarge = echo.NewHTTPError(http.StatusRequestEntityTooLarge, documents.ErrTooLarge.Message)

// uploadLimit refuses an upload that announces more than one file's worth before reading
// any of it, and stops reading one that turns out larger.
func uploadLimit(next echo.HandlerFunc) echo.HandlerFunc {
	limited := bodyLimit(uploadBodyLimit)(next)
	return func(c echo.Context) error {
		if c.Request().ContentLength > uploadBodyLimit {
			return errUploadTooLarge
		}
		return limited(c)
	}
}

// formToken reads the _csrf field of a posted form. In a multipart upload it must be the
// first part, so that the token is checked before a byte of the file is read; the reader,
// positioned after it, is kept for the handler.
func formToken(c echo.Context) (string, error) {
	r := c.Request()
	if mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); mt != echo.MIMEMultipartForm {
		if err := parseForm(c); err != nil {
			return "", err
		}
		return r.PostForm.Get("_csrf"), nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", echo.NewHTTPError(http.StatusBadRequest, "The upload could not be read.")
	}
	c.Set(keyMultipart, mr)
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "_csrf" {
		return "", nil // refused by the caller as a missing token
	}
	token, err := io.ReadAll(io.LimitReader(part, 256))
	return string(token), err
}

// uploadedFile spools the multipart field "file" of an upload, up to the file limit, to a
// temporary file (documents.Spool), which the caller closes.
func uploadedFile(c echo.Context) (*documents.Spooled, error) {
	mr, ok := c.Get(keyMultipart).(*multipart.Reader)
	if !ok {
		var err error
		if mr, err = c.Request().MultipartReader(); err != nil {
			return nil, echo.NewHTTPError(http.StatusBadRequest, "Send the file as multipart/form-data in the field \"file\".")
		}
	}
	for {
		part, err := mr.NextPart()
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return nil, documents.ErrTooLarge
		case err != nil:
			return nil, echo.NewHTTPError(http.StatusBadRequest, "The upload has no field \"file\".")
		case part.FormName() == "file":
			return documents.Spool(part, "")
		}
	}
}
