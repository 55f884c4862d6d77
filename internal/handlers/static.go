package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/static"
)

// staticFiles serves the embedded CSS and scripts. Their names carry versions (htmx) or
// change rarely, so a day of caching is safe.
func staticFiles() echo.HandlerFunc {
	files := http.StripPrefix("/static/", http.FileServerFS(static.FS))
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}
