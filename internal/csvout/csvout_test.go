package csvout

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"
)

func TestDefuse(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"plain text":              "plain text",
		"=1+1":                    "'=1+1",
		"x;=cmd|' /C calc'!A0":    "x;'=cmd|' /C calc'!A0",
		"a, +1, -2,@SUM(A1)":      "a, '+1, '-2,'@SUM(A1)",
		"line one\n=HYPERLINK(1)": "line one\n'=HYPERLINK(1)",
		"tab\t@cmd":               "tab\t'@cmd",
		"\x01hidden":              "'\x01hidden",
		"2026-03-02T09:00:00Z":    "2026-03-02T09:00:00Z",
		`{"a":1,"b":-5}`:          `{"a":1,"b":-5}`,
		`[1,-5]`:                  `[1,'-5]`,
		"e-mail a-b@c.d":          "e-mail a-b@c.d",
		"":                        "",
	}
	for in, want := range cases {
		if got := Defuse(in); got != want {
			t.Errorf("Defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEveryCellQuoted: every cell is quoted, quotes doubled, and a CSV reader reads back the
// defused cells.
func TestEveryCellQuoted(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	rows := [][]string{{"id", "reason"}, {"1", `say "hi"`}, {"2", "x;=cmd"}}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\"id\",\"reason\"\r\n\"1\",\"say \"\"hi\"\"\"\r\n\"2\",\"x;'=cmd\"\r\n"
	if buf.String() != want {
		t.Errorf("wrote %q, want %q", buf.String(), want)
	}
	back, err := csv.NewReader(&buf).ReadAll()
	if err != nil || !slices.Equal(back[2], []string{"2", "x;'=cmd"}) {
		t.Errorf("read back %q (%v)", back, err)
	}
}
