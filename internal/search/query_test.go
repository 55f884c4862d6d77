package search

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		by, text, want, field string
	}{
		{ByName, "  Zafar   Bash ", "Zafar Bash", ""},
		{ByName, "José", "José", ""},
		{ByName, "O'Brien-Had", "O'Brien-Had", ""},
		{ByName, "nur aisyah binti", "nur aisyah binti", ""},
		{ByName, "Z", "", "q"},      // one letter
		{ByName, "zaf%", "", "q"},   // a LIKE wildcard
		{ByName, "za_far", "", "q"}, // the other one
		{ByName, `za\far`, "", "q"}, // LIKE's escape
		{ByName, "-abc", "", "q"},   // must start with a letter
		{ByName, "abc1", "", "q"},   // digits are not names
		{ByName, strings.Repeat("a", 101), "", "q"},
		{ByPhone, "+971 50 123 4567", "971501234567", ""},
		{ByPhone, "050-123-4567", "501234567", ""}, // national trunk 0 dropped
		{ByPhone, "00971501234567", "971501234567", ""},
		{ByPhone, "(050) 123.45", "5012345", ""},
		{ByPhone, "12345", "", "q"},             // too few digits
		{ByPhone, "0000001234", "", "q"},        // 4 digits once the zeros go
		{ByPhone, "1234567890123456", "", "q"},  // more than E.164 allows
		{ByPhone, "50 123 4567 ext 2", "", "q"}, // letters
		{ByPhone, "5012+34567", "", "q"},        // a plus inside
		{ByID, "784-1990", "7841990", ""},
		{ByID, " k12 ", "K12", ""},
		{ByID, "78", "", "q"},
		{ByID, "784%", "", "q"},
		{ByID, strings.Repeat("7", 31), "", "q"},
		{"email", "x@example.com", "", "by"},
	}
	for _, tt := range tests {
		t.Run(tt.by+" "+tt.text, func(t *testing.T) {
			q, err := ParseQuery(tt.by, tt.text)
			if tt.field == "" {
				if err != nil || q.Text != tt.want || q.By != tt.by {
					t.Fatalf("ParseQuery = %+v, %v; want %q", q, err, tt.want)
				}
				return
			}
			var invalid InvalidQuery
			if !errors.As(err, &invalid) || invalid.Field != tt.field || invalid.Message == "" {
				t.Fatalf("ParseQuery = %+v, %v; want a message for field %s", q, err, tt.field)
			}
		})
	}
}

var (
	digitsOnly = regexp.MustCompile(`^[1-9][0-9]{5,14}$`)
	likeSafe   = regexp.MustCompile(`^[^%_\\]+$`)
)

// FuzzParseQuery: whatever is typed, ParseQuery does not panic; what it accepts is safe
// inside a LIKE pattern, within its length, of the shape its index expects, and stable.
func FuzzParseQuery(f *testing.F) {
	for _, by := range []string{ByName, ByPhone, ByID, ""} {
		for _, text := range []string{"Zafar", "José Ma", "+971 50 123 4567", "784-1990-1234567-6", "%", "a_b", "０１２３４５６"} {
			f.Add(by, text)
		}
	}
	f.Fuzz(func(t *testing.T, by, text string) {
		q, err := ParseQuery(by, text)
		if err != nil {
			return
		}
		if !likeSafe.MatchString(q.Text) || utf8.RuneCountInString(q.Text) > maxQuery || q.By != by {
			t.Fatalf("ParseQuery(%q, %q) = %+v: unsafe or too long", by, text, q)
		}
		if (by == ByPhone && !digitsOnly.MatchString(q.Text)) || (by == ByID && !idQuery.MatchString(q.Text)) {
			t.Fatalf("ParseQuery(%q, %q) = %+v: not what the index holds", by, text, q)
		}
		again, err := ParseQuery(by, q.Text)
		if err != nil || again != q {
			t.Fatalf("ParseQuery(%q, %q) = %+v, %v; want it stable", by, q.Text, again, err)
		}
	})
}
