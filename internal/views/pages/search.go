package pages

import (
	"context"
	"strconv"

	"kycportal/internal/outcomes"
	"kycportal/internal/views"
)

// Search is the search page: by identity document (agents) and among our own records.
type Search struct {
	ID      *IDSearch // nil for those who do not look customers up in the CDP
	Records RecordSearch
}

// IDSearch is the search by identity document, with what it found.
type IDSearch struct {
	CSRF                                     string
	Countries                                []CountryChoice
	AllCountries                             []Choice
	IDTypes                                  []Choice // of Country
	Country, IDType, IDNumber, IssuedCountry string
	Errors                                   map[string]string
	Result                                   *IDResult
}

// IDResult is what one search by ID came to.
type IDResult struct {
	Outcome  string // a cdp.Outcome's name, or "rate_limited"
	Customer *CustomerCard
	Onboard  *Onboard // "Start onboarding": the document, as searched
	Own      []OwnMatch
	Wait     string // rate_limited: when to try again
}

// Onboard holds what "Start onboarding" posts to the new-draft route.
type Onboard struct {
	CSRF, Country, IDType, IDNumber, IssuedCountry string
}

// CustomerCard is what the CDP says of a customer.
type CustomerCard struct {
	ECRN, Name                        string
	CustomerStatus, AMLStatus         string
	IDStatus, IDExpiry                string
	Expired                           bool
	Phone, Email, AgentLocation       string
	IDLabel, IDMasked, IDNumber, CSRF string // the ID searched: masked, and in full once revealed
}

// OwnMatch is a draft or submission of ours holding the same document.
type OwnMatch struct {
	DraftID                 int64
	Link                    bool // the viewer may open it
	Who, Branch, Status, On string
}

// RecordSearch is the search of our own records, with one page of what it found.
type RecordSearch struct {
	CSRF, By, Q string
	Errors      map[string]string
	Searched    bool
	Rows        []RecordRow
	Next        *Cursor
}

// Cursor is where the next page of records starts.
type Cursor struct {
	Name string
	ID   int64
}

// RecordRow is one draft found among our own records.
type RecordRow struct {
	DraftID                        int64
	Link                           bool
	Name, Country, IDMasked        string
	Phone, Status, Who, Branch, On string
}

// Customer is the customer page: what the CDP answered for an ECRN.
type Customer struct {
	ECRN    string
	Outcome string // a cdp.Outcome's name
	Card    CustomerCard
}

func customerURL(ecrn string) string { return "/customers/" + ecrn }

// outcome is how an answer of the CDP reads: a colour (the alert's class) and the outcome
// catalogue's words (internal/outcomes), never the colour alone.
type outcome struct {
	class, title, text string
	retry              bool // the agent may simply try again
}

// looks are the alert class of each answer, and whether the agent may simply try again.
var looks = map[string]outcome{
	"found":                {class: "alert-ok"},
	"not_found":            {class: "alert-info"},
	"subscription_pending": {class: "alert-warn"},
	"not_subscribed":       {class: "alert-warn"},
	"blocked":              {class: "alert-error"},
	"under_investigation":  {class: "alert-error"},
	"invalid_request":      {class: "alert-warn", retry: true},
	"cdp_error":            {class: "alert-warn", retry: true},
	"auth_failed":          {class: "alert-warn", retry: true},
	"unavailable":          {class: "alert-warn", retry: true},
}

// outcomeOf is the answer name of a CDP call ("lookup" or "get_customer") as it reads in
// the page's language. "rate_limited" is the portal's own refusal, not a CDP answer.
func outcomeOf(ctx context.Context, call, name string) outcome {
	if name == "rate_limited" {
		return outcome{class: "alert-warn", title: t(ctx, "search.limited_title"), text: t(ctx, "search.limited")}
	}
	o, ok := looks[name]
	if !ok {
		o = looks["cdp_error"]
	}
	e := outcomes.Of(call, name).In(views.LangOf(ctx))
	o.title, o.text = e.Title, e.Meaning+" "+e.Next
	return o
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
