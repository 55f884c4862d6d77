// Package outcomes is the catalogue of what every CDP answer means to an agent: a title,
// one sentence on what it means for this customer, and the next step (what the agent does,
// who decides, what happens by itself). Agents see only these words; the code, the HTTP
// status and the request id are for supervisors and the audit trail (docs/submission.md).
//
// The catalogue is keyed by the call (cdp.Calls: "lookup", "get_customer", "onboard",
// "update") and the outcome's name (cdp.Outcome.String()), which is what the audit trail
// keeps of each call, so that pages, timelines and notifications can all read it.
package outcomes

import (
	"kycportal/internal/cdp"
	"kycportal/internal/i18n"
)

// Entry is the catalogue's text for one answer, in one language.
type Entry struct {
	ID      string // the answer's messages: outcome.<ID>.title, .meaning and .next
	Title   string // a few words: "Customer blocked"
	Meaning string // one sentence: what it means for this customer
	Next    string // the next step: who does what, or what happens by itself
	Known   bool   // false: an answer the contract does not describe
}

// key is a call and an outcome name; an empty call is the entry of any call.
type key struct{ call, outcome string }

// catalogue names the messages of each answer; their words are in the message catalogues
// (internal/i18n/locales, [outcome.<id>]).
var catalogue = map[key]string{
	{"lookup", "found"}:                "lookup_found",
	{"lookup", "not_found"}:            "lookup_not_found",
	{"lookup", "subscription_pending"}: "lookup_subscription_pending",
	{"lookup", "blocked"}:              "lookup_blocked",
	{"lookup", "under_investigation"}:  "lookup_under_investigation",
	{"lookup", "invalid_request"}:      "lookup_invalid_request",
	{"lookup", "cdp_error"}:            "lookup_cdp_error",
	{"get_customer", "found"}:          "get_customer_found",
	{"get_customer", "not_found"}:      "get_customer_not_found",
	{"get_customer", "not_subscribed"}: "get_customer_not_subscribed",
	{"onboard", "accepted"}:            "onboard_accepted",
	{"update", "accepted"}:             "update_accepted",
	{"", "under_investigation"}:        "any_under_investigation",
	{"", "blocked"}:                    "any_blocked",
	{"", "already_exists"}:             "any_already_exists",
	{"", "invalid_master_data"}:        "any_invalid_master_data",
	{"", "missing_fields"}:             "any_missing_fields",
	{"", "update_failed"}:              "any_update_failed",
	{"", "invalid_request"}:            "any_invalid_request",
	{"", "cdp_error"}:                  "any_cdp_error",
	{"", "auth_failed"}:                "any_auth_failed",
	{"", "unavailable"}:                "any_unavailable",
}

// unknown is the entry of any answer the catalogue does not hold.
const unknown = "unknown"

var english = i18n.Pick("en", "")

// Of is the entry for a call's outcome, by their names as the audit trail keeps them, in English.
func Of(call, outcome string) Entry {
	id, ok := catalogue[key{call, outcome}]
	if !ok {
		id, ok = catalogue[key{"", outcome}]
	}
	if !ok {
		id = unknown
	}
	return Entry{ID: id, Known: ok}.In(english)
}

// In is the entry in language l.
func (e Entry) In(l *i18n.Lang) Entry {
	p := "outcome." + e.ID + "."
	e.Title = l.T(p + "title")
	e.Meaning = l.T(p + "meaning")
	e.Next = l.T(p + "next")
	return e
}

// OfResult is the entry for a call's result. The client reads an error code the contract
// does not list as cdp.CDPError, whose entry says so.
func OfResult(call string, r cdp.Result) Entry { return Of(call, r.Outcome.String()) }
