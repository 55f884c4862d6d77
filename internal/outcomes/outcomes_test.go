package outcomes_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"kycportal/internal/cdp"
	"kycportal/internal/i18n"
	"kycportal/internal/outcomes"
)

// TestEveryCDPAnswerHasPlainWords: each outcome of each call, each error code of the
// contract, and the failures of the call itself have a title, one sentence and a next step,
// none of them naming a code or an HTTP status.
func TestEveryCDPAnswerHasPlainWords(t *testing.T) {
	success := map[string]cdp.Outcome{
		"lookup":       cdp.Found,
		"get_customer": cdp.Found,
		"onboard":      cdp.Accepted,
		"update":       cdp.Accepted,
	}
	for _, call := range cdp.Calls {
		outs := []cdp.Outcome{success[call], cdp.CDPError, cdp.AuthFailed, cdp.Unavailable}
		for code, o := range cdp.Codes(call) {
			t.Run(call+" "+strconv.Itoa(code), func(t *testing.T) {
				check(t, outcomes.OfResult(call, cdp.Result{Outcome: o, Code: code}), code)
			})
			outs = append(outs, o)
		}
		for _, o := range outs {
			check(t, outcomes.OfResult(call, cdp.Result{Outcome: o}), 0)
		}
	}
}

func check(t *testing.T, e outcomes.Entry, code int) {
	t.Helper()
	if !e.Known || e.Title == "" || e.Next == "" || strings.Count(strings.TrimSuffix(e.Meaning, "."), ". ") > 0 ||
		!strings.HasSuffix(e.Meaning, ".") {
		t.Errorf("entry %+v: want a known title, one sentence and a next step", e)
	}
	for _, s := range []string{e.Title, e.Meaning, e.Next} {
		if code != 0 && strings.Contains(s, strconv.Itoa(code)) {
			t.Errorf("%q names the code %d", s, code)
		}
		for _, word := range []string{"HTTP", "406", "400", "404", "502", "errorCode"} {
			if strings.Contains(s, word) {
				t.Errorf("%q names %s", s, word)
			}
		}
	}
}

// The outcomes that differ for the customer read differently: an agent can tell a blocked
// customer from one under review from one onboarded.
func TestDifferentAnswersReadDifferently(t *testing.T) {
	var titles []string
	for _, o := range []cdp.Outcome{cdp.Accepted, cdp.Blocked, cdp.UnderInvestigation, cdp.AlreadyExists, cdp.MissingFields,
		cdp.InvalidMasterData, cdp.UpdateFailed, cdp.Unavailable, cdp.CDPError, cdp.AuthFailed} {
		title := outcomes.Of("onboard", o.String()).Title
		if slices.Contains(titles, title) {
			t.Errorf("%s shares the title %q", o, title)
		}
		titles = append(titles, title)
	}
}

// An answer the catalogue does not hold is said to be unexpected, never taken for another.
func TestUnknownAnswers(t *testing.T) {
	e := outcomes.Of("onboard", "something_new")
	if e.Known || !strings.Contains(e.Title, "Unexpected") || e.Next == "" {
		t.Errorf("unknown answer: %+v", e)
	}
	unlisted := outcomes.OfResult("onboard", cdp.Result{Outcome: cdp.CDPError, Code: 49999})
	if !strings.Contains(unlisted.Title, "Unexpected") {
		t.Errorf("an unlisted code: %+v", unlisted)
	}
}

// Every answer reads in every language of the catalogues, in that language's words.
func TestEveryAnswerInEveryLanguage(t *testing.T) {
	for _, id := range []string{"found", "blocked", "already_exists", "unavailable", "something_new"} {
		en := outcomes.Of("lookup", id)
		for _, l := range i18n.Languages[1:] {
			e := en.In(i18n.Pick(l.Code, ""))
			for _, s := range []string{e.Title, e.Meaning, e.Next} {
				if s == "" || strings.HasPrefix(s, "⟦") {
					t.Errorf("%s in %s: %q", id, l.Code, s)
				}
			}
			if e.Title == en.Title || e.Known != en.Known {
				t.Errorf("%s in %s: %+v reads as the English %+v", id, l.Code, e, en)
			}
		}
	}
}
