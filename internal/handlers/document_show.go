package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// documentShow serves a document's bytes (or its thumbnail with ?size=thumb) to an agent
// who may see the draft, and to nobody else.
func (s *Server) documentShow(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	return s.sendDocument(c, id)
}

// sendDocument serves the route's document of draft id to a user who may see the draft,
// recording the view: never cached, never sniffed, inline under a name of ours, and
// sandboxed so that a hostile file could run nothing.
func (s *Server) sendDocument(c echo.Context, id int64) error {
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
	return s.renderViewer(c, pages.Viewer{DraftID: id}, "drafts")
}

// renderViewer shows the route's document of draft v.DraftID in the viewer, recording a
// view of the draft; a document the draft lacks is not found.
func (s *Server) renderViewer(c echo.Context, v pages.Viewer, nav string) error {
	d, err := s.drafts.View(c.Request().Context(), signedIn(c), v.DraftID)
	if err != nil {
		return draftFailure(err)
	}
	docs, err := s.drafts.Documents(c.Request().Context(), v.DraftID)
	if err != nil {
		return err
	}
	l := langOf(c)
	d.Pack = d.Pack.In(l.Code)
	for _, doc := range s.docViews(c.Request().Context(), l, d, docs) {
		if doc.Kind == c.Param("kind") && doc.Present {
			v.Doc = doc
			return render(c, http.StatusOK, pages.ViewerPage(s.chrome(c, doc.Label, nav), v))
		}
	}
	return echo.NewHTTPError(http.StatusNotFound)
}
