package search

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	"kycportal/internal/audit"
	"kycportal/internal/idnumber"
	"kycportal/internal/store"
)

// The ways of searching our own records.
const (
	ByName  = "name"  // prefix of the name, case- and accent-insensitive
	ByPhone = "phone" // digits anywhere in the mobile number
	ByID    = "id"    // characters anywhere in the normalised ID number
)

// PageSize is how many records a page lists.
const PageSize = 20

// Query is a checked search of our own records: Text is normalised for its kind.
type Query struct {
	By, Text string
}

// InvalidQuery says which field of the form to fix, and how.
type InvalidQuery struct {
	Field, Message string
}

func (e InvalidQuery) Error() string { return e.Field + ": " + e.Message }

var (
	// nameQuery is what a name prefix may hold: the letters and marks of packs' name fields,
	// spaces, apostrophes and hyphens. No LIKE wildcard can pass.
	nameQuery = regexp.MustCompile(`^[\p{L}\p{M}][\p{L}\p{M} '’-]*$`)
	idQuery   = regexp.MustCompile(`^[A-Z0-9]{3,30}$`)
)

const maxQuery = 100

// ParseQuery checks what was typed into the search of our own records.
func ParseQuery(by, text string) (Query, error) {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) > maxQuery {
		return Query{}, InvalidQuery{"q", "Type at most 100 characters."}
	}
	switch by {
	case ByName:
		if !nameQuery.MatchString(text) || letters(text) < 2 {
			return Query{}, InvalidQuery{
				"q",
				"Type the start of the name: at least 2 letters (spaces, apostrophes and hyphens allowed).",
			}
		}
		return Query{ByName, text}, nil
	case ByPhone:
		digits := phoneDigits(text)
		if len(digits) < 6 || len(digits) > 15 {
			return Query{}, InvalidQuery{"q", "Type 6 to 15 digits of the phone number."}
		}
		return Query{ByPhone, digits}, nil
	case ByID:
		part := idnumber.Strip(text)
		if !idQuery.MatchString(part) {
			return Query{}, InvalidQuery{"q", "Type 3 to 30 letters or digits of the ID number."}
		}
		return Query{ByID, part}, nil
	}
	return Query{}, InvalidQuery{"by", "Choose name, phone or ID number."}
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if r != ' ' && r != '\'' && r != '’' && r != '-' {
			n++
		}
	}
	return n
}

// phoneDigits keeps the digits of a phone number as stored numbers hold them: no "+", no
// international "00" and no national trunk "0", so that 050 123 4567 finds +971501234567.
// Anything but digits, spaces, dashes, dots, parentheses and a leading "+" makes it empty.
func phoneDigits(s string) string {
	s = strings.TrimPrefix(s, "+")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" -.()", r):
		default:
			return ""
		}
	}
	return strings.TrimLeft(b.String(), "0")
}

// Page is one page of records, with where the next one starts when there is one.
type Page struct {
	Records []store.Record
	Next    *store.NameCursor
}

// ScopeOf is what a user may search: an agent the drafts of their branch and countries (what
// they may open), a supervisor their branch, an admin everything.
func ScopeOf(u store.User) store.RecordScope {
	switch u.Role {
	case store.RoleAdmin:
		return store.RecordScope{AnyCountry: true}
	case store.RoleSupervisor:
		return store.RecordScope{Branch: u.Branch, AnyCountry: true}
	}
	return store.RecordScope{Branch: u.Branch, Countries: u.Countries}
}

// Records lists one page of the records u may see that match q, after the cursor (zero for
// the first page), and records which drafts the user was shown.
func (s *Service) Records(ctx context.Context, u store.User, q Query, after store.NameCursor) (Page, error) {
	scope, n := ScopeOf(u), PageSize+1
	var rows []store.Record
	var err error
	switch q.By {
	case ByName:
		rows, err = store.RecordsByName(ctx, s.DB.Pool, scope, q.Text, after, n)
	case ByPhone:
		rows, err = store.RecordsByPhone(ctx, s.DB.Pool, scope, q.Text, after.ID, n)
	default:
		rows, err = store.RecordsByIDNumber(ctx, s.DB.Pool, scope, q.Text, after.ID, n)
	}
	if err != nil {
		return Page{}, err
	}
	p := Page{Records: rows}
	if len(rows) > PageSize {
		p.Records = rows[:PageSize]
		last := p.Records[PageSize-1]
		p.Next = &store.NameCursor{Name: last.NameKey, ID: last.ID}
	}
	shown := make([]int64, len(p.Records))
	for i, r := range p.Records {
		shown[i] = r.ID
	}
	return p, s.record(ctx, audit.Event{Action: audit.RecordsSearched, EntityType: "drafts",
		After: map[string]any{"by": q.By, "drafts": shown, "more": p.Next != nil}})
}
