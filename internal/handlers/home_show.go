package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// homeShow is each role's start page.
func (s *Server) homeShow(c echo.Context) error {
	return render(c, http.StatusOK, pages.HomePage(s.chrome(c, "Home", "home")))
}
