// Package idnumber normalises and checks identity-document numbers, so that the same card
// typed with spaces, dashes or lower case is always stored and searched as one string.
//
// Kinds are this package's names for a number format ("emirates_id", "mykad", ...); the
// country packs map CDP ID-type codes to them.
package idnumber

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// The kinds of number this package knows.
const (
	EmiratesID      = "emirates_id"       // UAE: 15 digits, 784 then birth year, Luhn check digit
	MyKad           = "mykad"             // Malaysia: 12 digits, YYMMDD birth date first
	Passport        = "passport"          // any country: ICAO 9303 document number
	Aadhaar         = "aadhaar"           // India: 12 digits, Verhoeff check digit
	PAN             = "pan"               // India: permanent account number, AAAPA9999A
	PhilSys         = "philsys"           // Philippines: PhilID card number, 16 digits
	PHDriverLicence = "ph_driver_licence" // Philippines: LTO licence, A00-00-000000
)

// maxRaw bounds what is looked at: no real number is longer, and a pasted essay is not one.
const maxRaw = 64

// Error says, in words an agent can act on, why a number was refused.
type Error struct {
	Kind   string
	Reason string
}

func (e *Error) Error() string { return labels[e.Kind] + ": " + e.Reason }

var labels = map[string]string{
	EmiratesID: "Emirates ID", MyKad: "MyKad", Passport: "Passport number", Aadhaar: "Aadhaar number",
	PAN: "PAN", PhilSys: "PhilID card number", PHDriverLicence: "Driver's licence number",
}

var checks = map[string]func(string) string{
	EmiratesID:      checkEmiratesID,
	MyKad:           checkMyKad,
	Passport:        checkPassport,
	Aadhaar:         checkAadhaar,
	PAN:             checkPAN,
	PhilSys:         checkPhilSys,
	PHDriverLicence: checkPHDriverLicence,
}

// Kinds lists every kind Normalise accepts.
func Kinds() []string {
	kinds := make([]string, 0, len(checks))
	for k := range checks {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// Known reports whether kind is one Normalise accepts.
func Known(kind string) bool { return checks[kind] != nil }

// Normalise strips spaces and dashes, upper-cases letters, and checks the result against
// the rules of kind. The error is an *Error whose text can be shown to the agent as it is.
func Normalise(kind, raw string) (string, error) {
	check := checks[kind]
	if check == nil {
		return "", fmt.Errorf("idnumber: unknown kind %q", kind)
	}
	if len(raw) > maxRaw {
		return "", &Error{kind, fmt.Sprintf("too long (at most %d characters)", maxRaw)}
	}
	n := strip(raw)
	if n == "" {
		return "", &Error{kind, "enter the number"}
	}
	if reason := check(n); reason != "" {
		return "", &Error{kind, reason}
	}
	return n, nil
}

// Strip removes what people type between groups of digits and upper-cases the rest,
// without checking anything: the customer search matches parts of numbers with it.
func Strip(raw string) string { return strip(raw) }

// strip removes what people type between groups of digits and upper-cases the rest.
func strip(raw string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '.' || r == '/' {
			return -1
		}
		return unicode.ToUpper(r)
	}, raw)
}

func checkEmiratesID(n string) string {
	switch {
	case !allDigits(n) || len(n) != 15:
		return fmt.Sprintf("must be 15 digits (784-YYYY-NNNNNNN-N); got %s", describe(n))
	case !strings.HasPrefix(n, "784"):
		return "must start with 784"
	case !luhn(n):
		return "the check digit does not match: look for a mistyped digit"
	}
	return ""
}

func checkMyKad(n string) string {
	switch {
	case !allDigits(n) || len(n) != 12:
		return fmt.Sprintf("must be 12 digits (YYMMDD-PB-NNNN); got %s", describe(n))
	case !validYYMMDD(n[:6]):
		return "the first six digits must be a birth date (YYMMDD)"
	}
	return ""
}

// checkPassport accepts ICAO 9303 document numbers: 6 to 9 letters and digits with at
// least one digit (national formats vary too much for more).
func checkPassport(n string) string {
	if len(n) < 6 || len(n) > 9 || !allAlnum(n) || !strings.ContainsAny(n, "0123456789") {
		return fmt.Sprintf("must be 6 to 9 letters and digits, with at least one digit; got %s", describe(n))
	}
	return ""
}

func checkAadhaar(n string) string {
	switch {
	case !allDigits(n) || len(n) != 12:
		return fmt.Sprintf("must be 12 digits; got %s", describe(n))
	case n[0] == '0' || n[0] == '1':
		return "cannot start with 0 or 1"
	case !verhoeff(n):
		return "the check digit does not match: look for a mistyped digit"
	}
	return ""
}

// checkPAN: five letters (the fourth names the holder's kind, P for a person), four
// digits, one letter.
func checkPAN(n string) string {
	if len(n) != 10 || !allLetters(n[:5]) || !allDigits(n[5:9]) || !allLetters(n[9:]) {
		return fmt.Sprintf("must be 5 letters, 4 digits and a letter (ABCPE1234F); got %s", describe(n))
	}
	if !strings.ContainsRune("ABCFGHJLPT", rune(n[3])) {
		return "the fourth letter must be one of A B C F G H J L P T"
	}
	return ""
}

func checkPhilSys(n string) string {
	if !allDigits(n) || len(n) != 16 {
		return fmt.Sprintf("must be 16 digits (NNNN-NNNN-NNNN-NNNN); got %s", describe(n))
	}
	return ""
}

func checkPHDriverLicence(n string) string {
	if len(n) != 11 || !allLetters(n[:1]) || !allDigits(n[1:]) {
		return fmt.Sprintf("must be a letter and 10 digits (A01-23-456789); got %s", describe(n))
	}
	return ""
}

// describe tells what was typed without echoing it, precisely enough to find the slip
// ("14 digits and 1 letter"): the agent sees the counts, logs see nothing.
func describe(n string) string {
	var digits, letters, others int
	for _, r := range n {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case unicode.IsLetter(r):
			letters++
		default:
			others++
		}
	}
	var parts []string
	for _, c := range []struct {
		n           int
		one, plural string
	}{{digits, "digit", "digits"}, {letters, "letter", "letters"}, {others, "other character", "other characters"}} {
		if c.n == 1 {
			parts = append(parts, "1 "+c.one)
		} else if c.n > 1 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.plural))
		}
	}
	if len(parts) > 1 {
		return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	return strings.Join(parts, "")
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func allLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return s != ""
}

func allAlnum(s string) bool {
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}

// validYYMMDD accepts a date that exists in either century (so 000229 is 29 February 2000).
func validYYMMDD(s string) bool {
	for _, century := range []string{"19", "20"} {
		if _, err := time.Parse("20060102", century+s); err == nil {
			return true
		}
	}
	return false
}

// luhn checks the last digit of a digit string by the Luhn (mod 10) algorithm.
func luhn(digits string) bool {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// Verhoeff tables (dihedral group D5), as used by Aadhaar.
var (
	verhoeffD = [10][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
)

func verhoeff(digits string) bool {
	c := byte(0)
	for i := range len(digits) {
		d := digits[len(digits)-1-i] - '0'
		c = verhoeffD[c][verhoeffP[i%8][d]]
	}
	return c == 0
}
