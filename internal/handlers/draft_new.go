package handlers

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"kycportal/internal/i18n"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// draftNew is the form that starts a draft.
func (s *Server) draftNew(c echo.Context) error {
	return render(
		c,
		http.StatusOK,
		pages.NewDraftPage(s.chromeT(c, "newdraft.title", "new-draft"), s.newDraftForm(langOf(c), signedIn(c))),
	)
}

// newDraftForm offers the countries the agent onboards for, with their ID types, in l's language.
func (s *Server) newDraftForm(l *i18n.Lang, u store.User) pages.NewDraft {
	var v pages.NewDraft
	for _, p := range s.drafts.Packs.Countries() {
		if !slices.Contains(u.Countries, p.Country) {
			continue
		}
		p = p.In(l.Code)
		ct := pages.CountryChoice{Code: p.Country, Name: p.Name}
		for _, t := range p.IDTypes {
			ct.IDTypes = append(ct.IDTypes, pages.Choice{Code: t.Code, Label: t.Label})
		}
		v.Countries = append(v.Countries, ct)
		if v.AllCountries == nil {
			for _, o := range p.Lists[packs.TypeCountry].Options {
				v.AllCountries = append(v.AllCountries, pages.Choice{Code: o.Code, Label: o.Label})
			}
		}
	}
	return v
}
