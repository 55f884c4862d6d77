package pages

import "strconv"

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

// outcome is how an answer of the CDP reads: a colour (the alert's class) and words, never
// the colour alone.
type outcome struct {
	class, title, text string
	retry              bool // the agent may simply try again
}

var outcomes = map[string]outcome{
	"found": {"alert-ok", "Found in CDP", "This customer exists and is active in CDP.", false},
	"not_found": {"alert-info", "Not found in CDP",
		"No customer in CDP holds this ID. If nobody in our records is onboarding them, start onboarding.", false},
	"subscription_pending": {"alert-warn", "Subscription pending",
		"This customer exists in CDP but their subscription is not complete yet. Do not onboard them again; try later or ask your supervisor.", false},
	"not_subscribed": {"alert-warn", "Subscription pending",
		"This customer exists in CDP but their subscription is not complete yet.", false},
	"blocked": {"alert-error", "Blocked",
		"CDP has blocked this customer. Do not onboard or serve them; refer the case to compliance.", false},
	"under_investigation": {"alert-error", "Under compliance investigation",
		"A compliance case is open on this customer. Nothing can be done until compliance closes it.", false},
	"invalid_request": {"alert-warn", "CDP refused the request",
		"CDP did not accept this ID type or number. Check both and try again.", true},
	"cdp_error": {"alert-warn", "CDP could not answer",
		"CDP answered with an error. Try again; if it keeps happening, tell your supervisor.", true},
	"auth_failed": {"alert-warn", "The portal could not sign in to CDP",
		"Operations have been alerted. Try again in a few minutes.", true},
	"unavailable": {"alert-warn", "CDP unavailable", "CDP is not answering at the moment. Try again shortly.", true},
	"rate_limited": {"alert-warn", "Too many lookups",
		"You have made as many CDP lookups as the portal allows in a short time, which keeps it from being used to copy CDP.", false},
}

func outcomeOf(name string) outcome {
	if o, ok := outcomes[name]; ok {
		return o
	}
	return outcomes["cdp_error"]
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
