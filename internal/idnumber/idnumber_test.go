package idnumber

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalise(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind, raw, want, wantErr string
	}{
		// Emirates ID: the CDP sandbox's sample and the contract's lookup sample.
		{EmiratesID, "784-1990-1234567-6", "784199012345676", ""},
		{EmiratesID, " 784 1995 5458609 1 ", "784199554586091", ""},
		{EmiratesID, "784–1990–1234567–6", "784199012345676", ""}, // en dashes, as pasted from a document
		{EmiratesID, "784-1990-1234567-7", "", "check digit"},
		{EmiratesID, "785-1990-1234567-1", "", "start with 784"},
		{EmiratesID, "784-1990-123456-6", "", "14 digits"},
		{EmiratesID, "784-1990-12345A7-6", "", "got 14 digits and 1 letter"},
		{EmiratesID, "784-ABCD-1234567-1", "", "got 11 digits and 4 letters"},
		{EmiratesID, "784 1990 1234567 6", "784199012345676", ""},
		{EmiratesID, "   ", "", "enter the number"},
		{EmiratesID, strings.Repeat("7", 65), "", "too long"},
		// MyKad: YYMMDD-PB-NNNG.
		{MyKad, "900101-14-5678", "900101145678", ""},
		{MyKad, "000229-10-1234", "000229101234", ""}, // 2000 was a leap year
		{MyKad, "010229-10-1234", "", "birth date"},   // neither 1901 nor 2001 was
		{MyKad, "901301-14-5678", "", "birth date"},
		{MyKad, "900101-14-567", "", "11 digits"},
		// Passports.
		{Passport, "k1234567", "K1234567", ""},
		{Passport, "P 1234567 A", "P1234567A", ""},
		{Passport, "ABCDEFG", "", "at least one digit"},
		{Passport, "A1234", "", "4 digits and 1 letter"},
		{Passport, "A12345678X", "", "8 digits and 2 letters"},
		{Passport, "A1234567É", "", "7 digits and 2 letters"},
		// Aadhaar: Verhoeff check digit.
		{Aadhaar, "2341 2341 2346", "234123412346", ""},
		{Aadhaar, "2341 2341 2345", "", "check digit"},
		{Aadhaar, "1341 2341 2346", "", "0 or 1"},
		// PAN.
		{PAN, "abcpe1234f", "ABCPE1234F", ""},
		{PAN, "ABCXE1234F", "", "fourth letter"},
		{PAN, "ABCP1234F", "", "4 digits and 5 letters"},
		// Philippines.
		{PhilSys, "1234-5678-9012-3456", "1234567890123456", ""},
		{PhilSys, "1234-5678-9012-345", "", "15 digits"},
		{PHDriverLicence, "n01-23-456789", "N0123456789", ""},
		{PHDriverLicence, "02-23-456789", "", "10 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.raw, func(t *testing.T) {
			got, err := Normalise(tt.kind, tt.raw)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Normalise = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Normalise = %q, %v; want an *Error containing %q", got, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(tt.raw)) && len(strings.TrimSpace(tt.raw)) > 3 {
				t.Errorf("error %q echoes the number typed", err)
			}
		})
	}
}

func TestErrorNamesTheKind(t *testing.T) {
	t.Parallel()
	_, err := Normalise(EmiratesID, "123")
	if err == nil || !strings.HasPrefix(err.Error(), "Emirates ID: ") {
		t.Errorf("error = %v, want it to start with the document's name", err)
	}
}

func TestUnknownKind(t *testing.T) {
	t.Parallel()
	if _, err := Normalise("library_card", "123456"); err == nil {
		t.Error("an unknown kind was accepted")
	}
	if Known("library_card") || !Known(MyKad) {
		t.Error("Known disagrees with the kinds")
	}
	if len(Kinds()) != len(labels) {
		t.Errorf("Kinds() = %v; every kind needs a label", Kinds())
	}
}

func TestCheckDigits(t *testing.T) {
	t.Parallel()
	// Wikipedia's worked examples, independent of the Emirates ID and Aadhaar samples above.
	if !luhn("79927398713") || luhn("79927398710") {
		t.Error("luhn disagrees with the worked example 7992739871-3")
	}
	if !verhoeff("2363") || verhoeff("2364") {
		t.Error("verhoeff disagrees with the worked example 236-3")
	}
}

// FuzzNormalise: whatever is typed, Normalise does not panic, and what it accepts is
// plain upper-case ASCII that normalises to itself.
func FuzzNormalise(f *testing.F) {
	for _, seed := range []string{"784-1990-1234567-6", "900101-14-5678", "k1234567", "2341 2341 2346",
		"abcpe1234f", "1234-5678-9012-3456", "n01-23-456789", "", "\u00a0784\u2010", "ß1234567"} {
		for i := range Kinds() {
			f.Add(i, seed)
		}
	}
	f.Fuzz(func(t *testing.T, k int, raw string) {
		kinds := Kinds()
		kind := kinds[(k%len(kinds)+len(kinds))%len(kinds)]
		n, err := Normalise(kind, raw)
		if err != nil {
			return
		}
		if !allAlnum(n) {
			t.Fatalf("Normalise(%s, %q) = %q: not upper-case ASCII letters and digits", kind, raw, n)
		}
		again, err := Normalise(kind, n)
		if err != nil || again != n {
			t.Fatalf("Normalise(%s, %q) = %q, %v; want it to be stable", kind, n, again, err)
		}
	})
}
