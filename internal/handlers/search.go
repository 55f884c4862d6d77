package handlers

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"kycportal/internal/cdp"
	"kycportal/internal/i18n"
	"kycportal/internal/search"
	"kycportal/internal/session"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// answerSearch answers with the whole search page, or under htmx with the section posted to.
func (s *Server) answerSearch(c echo.Context, status int, page pages.Search, section templ.Component) error {
	if isHTMX(c) {
		return render(c, status, section)
	}
	return render(c, status, pages.SearchPage(s.chromeT(c, "nav_search", "search"), page))
}

// idSearchForm is the empty search by ID for an agent: their countries, the first chosen.
func (s *Server) idSearchForm(c echo.Context) *pages.IDSearch {
	u := signedIn(c)
	if u.Role != store.RoleAgent {
		return nil
	}
	f := s.newDraftForm(langOf(c), u)
	v := &pages.IDSearch{CSRF: csrfOf(c), Countries: f.Countries, AllCountries: f.AllCountries,
		Errors: map[string]string{}}
	if len(f.Countries) > 0 {
		v.Country = f.Countries[0].Code
	}
	v.IDTypes = idTypesOf(f.Countries, v.Country)
	return v
}

// idTypesOf are the ID types of country among the agent's countries.
func idTypesOf(countries []pages.CountryChoice, country string) []pages.Choice {
	i := slices.IndexFunc(countries, func(ct pages.CountryChoice) bool { return ct.Code == country })
	if i < 0 {
		return nil
	}
	return countries[i].IDTypes
}

// recordsForm is the empty search of our own records.
func (s *Server) recordsForm(c echo.Context) pages.RecordSearch {
	return pages.RecordSearch{CSRF: csrfOf(c), By: search.ByName, Errors: map[string]string{}}
}

// csrfOf is the token forms of the request's session carry.
func csrfOf(c echo.Context) string { return session.CSRFToken(sessionOf(c)) }

// masked shows only the last four characters of an ID number.
func masked(number string) string {
	return "•••• " + number[max(0, len(number)-4):]
}

// grouped shows a revealed ID number in groups of four from its end, so that it reads like
// its masked form: "784 1990 1234 5676" beside "•••• 5676".
func grouped(number string) string {
	var groups []string
	for len(number) > 4 {
		groups = append(groups, number[len(number)-4:])
		number = number[:len(number)-4]
	}
	groups = append(groups, number)
	slices.Reverse(groups)
	return strings.Join(groups, " ")
}

// customerCard is what the pages show of a customer the CDP knows.
func customerCard(res cdp.Result, now time.Time) *pages.CustomerCard {
	r := res.Customer
	card := &pages.CustomerCard{ECRN: res.ECRN, CustomerStatus: r.CustomerStatus, AMLStatus: r.AMLScanStatus,
		IDStatus: r.IDStatus, IDExpiry: r.IDDateOfExpiry, Phone: r.PrimaryMobileNumber, Email: r.EmailID,
		AgentLocation: r.AgentLocationID,
		Name:          strings.Join(strings.Fields(r.FirstName+" "+r.MiddleName+" "+r.LastName), " ")}
	// The CDP sends 2027-08-08T00:00:00.000+00:00; the day is what matters.
	if len(r.IDDateOfExpiry) >= 10 {
		if day, err := time.Parse(time.DateOnly, r.IDDateOfExpiry[:10]); err == nil {
			card.IDExpiry, card.Expired = day.Format(time.DateOnly), day.Before(now.UTC().Truncate(24*time.Hour))
		}
	}
	return card
}

// canOpen tells whether u may open a draft of branch and country (drafts are agents' pages).
func canOpen(u store.User, branch, country string) bool {
	return u.Role == store.RoleAgent && search.ScopeOf(u).Includes(branch, country)
}

// ownMatches are our drafts of the searched document; only those the viewer may open link.
func ownMatches(l *i18n.Lang, list []store.DraftSummary, u store.User, loc *time.Location) []pages.OwnMatch {
	out := make([]pages.OwnMatch, 0, len(list))
	for _, d := range list {
		verb := "search.saved_on"
		if d.Status == store.DraftSubmitted {
			verb = "search.submitted_on"
		}
		out = append(out, pages.OwnMatch{DraftID: d.ID, Link: canOpen(u, d.Branch, d.Country),
			Who: d.CreatedByName, Branch: d.Branch, Status: d.Status, On: l.T(verb, "When", l.Stamp(d.UpdatedAt.In(loc)))})
	}
	return out
}

// scopeOf is the request's session as the search keeps the customers it found (search.Remember).
func scopeOf(c echo.Context) (session.Scope, error) {
	scope, ok := session.ScopeOf(sessionOf(c))
	if !ok {
		return scope, errors.New("handlers: a signed-in request without a saved session")
	}
	return scope, nil
}
