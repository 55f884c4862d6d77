// Package outcomes is the catalogue of what every CDP answer means to an agent: a title,
// one sentence on what it means for this customer, and the next step (what the agent does,
// who decides, what happens by itself). Agents see only these words; the code, the HTTP
// status and the request id are for supervisors and the audit trail (docs/submission.md).
//
// The catalogue is keyed by the call (cdp.Calls: "lookup", "get_customer", "onboard",
// "update") and the outcome's name (cdp.Outcome.String()), which is what the audit trail
// keeps of each call, so that pages, timelines and notifications can all read it.
package outcomes

import "kycportal/internal/cdp"

// Entry is the catalogue's text for one answer.
type Entry struct {
	Title   string // a few words: "Customer blocked"
	Meaning string // one sentence: what it means for this customer
	Next    string // the next step: who does what, or what happens by itself
	Known   bool   // false: an answer the contract does not describe
}

// key is a call and an outcome name; an empty call is the entry of any call.
type key struct{ call, outcome string }

var unavailable = Entry{Title: "CDP not reachable",
	Meaning: "The CDP did not answer in time, or answered that it is busy; nothing is known about this customer yet.",
	Next:    "Nothing to do: the portal tries again by itself, and a supervisor is told if it keeps failing."}

var catalogue = map[key]Entry{
	// Customer lookup.
	{"lookup", "found"}: {Title: "Already a customer",
		Meaning: "The CDP already holds this ID as an active customer.",
		Next:    "Do not onboard again: open the customer and update their details if they changed."},
	{"lookup", "not_found"}: {Title: "Not yet a customer",
		Meaning: "The CDP has no customer with this ID.",
		Next:    "Start an onboarding draft for them."},
	{"lookup", "subscription_pending"}: {Title: "Registration not finished",
		Meaning: "The CDP knows this ID, but the customer's subscription is still pending there.",
		Next:    "Do not start a new onboarding: ask the customer to complete their subscription, or ask your supervisor."},
	{"lookup", "blocked"}: {Title: "Customer blocked",
		Meaning: "The CDP has blocked this customer; they cannot be onboarded.",
		Next:    "Do not onboard. Tell the customer the bank cannot open a relationship now; compliance decides, not the branch."},
	{"lookup", "under_investigation"}: {Title: "Under compliance review",
		Meaning: "The CDP's compliance team is investigating this customer.",
		Next:    "Do not start a new onboarding: compliance decides, and the portal is told when the review closes."},
	{"lookup", "invalid_request"}: {Title: "ID not accepted",
		Meaning: "The CDP did not accept this ID type and number as a search.",
		Next:    "Check the ID type and number against the card, then search again."},
	{"lookup", "cdp_error"}: {Title: "CDP could not search",
		Meaning: "The CDP failed while searching; it is not known whether this person is a customer.",
		Next:    "Try the search again in a few minutes; if it keeps failing, tell your supervisor."},
	// Get customer by ECRN.
	{"get_customer", "found"}: {Title: "Customer found",
		Meaning: "The CDP returned this customer's record.",
		Next:    "Nothing to do."},
	{"get_customer", "not_found"}: {Title: "Customer not found",
		Meaning: "The CDP has no customer with this ECRN.",
		Next:    "A supervisor checks the ECRN the portal holds for this customer."},
	{"get_customer", "not_subscribed"}: {Title: "Registration not finished",
		Meaning: "The CDP holds this customer, but their subscription is still pending.",
		Next:    "Nothing to do now; a supervisor follows up if it stays pending."},
	// Onboarding and updates.
	{"onboard", "accepted"}: {Title: "Onboarded",
		Meaning: "The CDP registered this customer and gave them an ECRN.",
		Next:    "Nothing to do: the customer can be served."},
	{"update", "accepted"}: {Title: "Customer updated",
		Meaning: "The CDP accepted the new details of this customer.",
		Next:    "Nothing to do."},
	{"", "under_investigation"}: {Title: "Created, under compliance review",
		Meaning: "The CDP registered this customer (they have an ECRN) but its compliance team must review them first.",
		Next:    "Nothing to do: compliance decides, and the case moves on by itself when they close their review."},
	{"", "blocked"}: {Title: "Refused: customer blocked",
		Meaning: "The CDP refused this customer; they were not registered.",
		Next:    "Do not send again. Tell the customer the bank cannot open a relationship now; compliance decides, not the branch."},
	{"", "already_exists"}: {Title: "Already registered",
		Meaning: "The CDP already holds a customer with this ID.",
		Next:    "The portal compares that customer with this draft: the same person becomes an update through the checker; a different one waits for a supervisor."},
	{"", "invalid_master_data"}: {Title: "A value was refused",
		Meaning: "The CDP did not accept one of the values chosen for this customer.",
		Next:    "Correct the fields marked on the form and submit again."},
	{"", "missing_fields"}: {Title: "Information missing",
		Meaning: "The CDP found information missing or in the wrong form.",
		Next:    "Complete the fields marked on the form and submit again."},
	{"", "update_failed"}: {Title: "Update refused",
		Meaning: "The CDP could not update this customer under the ECRN the portal holds.",
		Next:    "A supervisor checks the customer's ECRN and decides what to send."},
	{"", "invalid_request"}: {Title: "Not sent",
		Meaning: "The portal did not send this request: it was not complete enough to send.",
		Next:    "A supervisor looks at the case."},
	{"", "cdp_error"}: {Title: "Unexpected CDP answer",
		Meaning: "The CDP answered in a way the portal does not know; it is not known what it did with this customer.",
		Next:    "A supervisor looks at the case; the portal looks the customer up before sending anything again."},
	{"", "auth_failed"}: {Title: "Portal not signed in to the CDP",
		Meaning: "The CDP refused the portal's own credentials; nothing was registered.",
		Next:    "Nothing to do: the operators are alerted, and the case is sent once they fix it."},
	{"", "unavailable"}: unavailable,
}

// unknown is the entry of any answer the catalogue does not hold.
var unknown = Entry{Title: "Unexpected CDP answer",
	Meaning: "The CDP answered in a way the portal does not know.",
	Next:    "A supervisor looks at the case; the details are in the audit trail."}

// Of is the entry for a call's outcome, by their names as the audit trail keeps them.
func Of(call, outcome string) Entry {
	if e, ok := catalogue[key{call, outcome}]; ok {
		e.Known = true
		return e
	}
	if e, ok := catalogue[key{"", outcome}]; ok {
		e.Known = true
		return e
	}
	return unknown
}

// OfResult is the entry for a call's result. The client reads an error code the contract
// does not list as cdp.CDPError, whose entry says so.
func OfResult(call string, r cdp.Result) Entry { return Of(call, r.Outcome.String()) }
