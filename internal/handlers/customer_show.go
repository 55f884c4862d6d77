package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/cdp"
	"kycportal/internal/search"
	"kycportal/internal/views/pages"
)

// customerShow is what the CDP holds for a customer this session found by ID; the view is
// audited. Any other ECRN is not found: an ECRN cannot be guessed into a view.
func (s *Server) customerShow(c echo.Context) error {
	ecrn, doc, err := s.foundParam(c)
	if err != nil {
		return err
	}
	return s.customerPage(c, ecrn, doc, false)
}

// customerReveal shows the customer's full ID number, and records that it was shown.
func (s *Server) customerReveal(c echo.Context) error {
	ecrn, doc, err := s.foundParam(c)
	if err != nil {
		return err
	}
	if err := s.search.Reveal(c.Request().Context(), ecrn, doc); err != nil {
		return err
	}
	if !isHTMX(c) {
		return s.customerPage(c, ecrn, doc, true)
	}
	card := pages.CustomerCard{ECRN: ecrn}
	s.showID(c, &card, doc, true)
	return render(c, http.StatusOK, pages.CustomerID(card))
}

// foundParam is the customer the path names and the document this session found them by;
// any other customer is not found.
func (s *Server) foundParam(c echo.Context) (ecrn string, doc search.Document, err error) {
	ecrn = c.Param("ecrn")
	scope, err := scopeOf(c)
	if err != nil {
		return "", doc, err
	}
	doc, err = s.search.Found(c.Request().Context(), scope, ecrn)
	if errors.Is(err, search.ErrNotFound) {
		return "", doc, echo.NewHTTPError(http.StatusNotFound)
	}
	return ecrn, doc, err
}

func (s *Server) customerPage(c echo.Context, ecrn string, doc search.Document, reveal bool) error {
	ctx := cdp.WithRequestID(c.Request().Context(), requestIDOf(c))
	res, err := s.search.Customer(ctx, ecrn, doc)
	if err != nil {
		return err
	}
	v := pages.Customer{ECRN: ecrn, Outcome: res.Outcome.String()}
	if res.Outcome == cdp.Found {
		v.Card = *customerCard(res, s.Now())
		s.showID(c, &v.Card, doc, reveal)
	}
	return render(c, http.StatusOK, pages.CustomerPage(s.chromeT(c, "search.customer", "search"), v))
}

// showID puts the document the customer was found by on their card: masked unless revealed.
func (s *Server) showID(c echo.Context, card *pages.CustomerCard, doc search.Document, reveal bool) {
	card.IDLabel = "ID number"
	card.IDMasked = masked(doc.Number)
	card.CSRF = csrfOf(c)
	if p, ok := s.drafts.Packs.Latest(doc.Country); ok {
		if t, ok := p.IDType(doc.IDType); ok {
			card.IDLabel = t.Label
		}
	}
	if reveal {
		card.IDNumber = grouped(doc.Number)
	}
}
