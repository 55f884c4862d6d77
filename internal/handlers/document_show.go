package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// documentShow serves a document's bytes (or its thumbnail with ?size=thumb) to an agent
// who may see the draft, and to nobody else: never cached, never sniffed, inline under a
// name of ours, and sandboxed so that a hostile file could run nothing.
func (s *Server) documentShow(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	kind, thumb := c.Param("kind"), c.QueryParam("size") == "thumb"
	doc, data, err := s.drafts.Document(c.Request().Context(), signedIn(c), id, kind, thumb)
	if err != nil {
		return draftFailure(err)
	}
	ext, contentType := ".jpg", "image/jpeg"
	if doc.ContentType == "application/pdf" && !thumb {
		ext, contentType = ".pdf", doc.ContentType
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; "+contentSecurityPolicy)
	h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="draft-%d-%s%s"`, id, kind, ext))
	return c.Blob(http.StatusOK, contentType, data)
}

// documentView is the viewer page of one document: zoom and rotate, no download button.
func (s *Server) documentView(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	d, err := s.drafts.View(c.Request().Context(), signedIn(c), id)
	if err != nil {
		return draftFailure(err)
	}
	docs, err := s.drafts.Documents(c.Request().Context(), id)
	if err != nil {
		return err
	}
	for _, v := range docViews(d, docs) {
		if v.Kind == c.Param("kind") && v.Present {
			return render(c, http.StatusOK, pages.ViewerPage(s.chrome(c, v.Label, "drafts"), pages.Viewer{DraftID: id, Doc: v}))
		}
	}
	return echo.NewHTTPError(http.StatusNotFound)
}
