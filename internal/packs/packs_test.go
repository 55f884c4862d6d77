package packs

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files of required fields")

var today = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// TestEmbeddedPacksPassTheSchema: the binary's packs load, and the four countries are there.
func TestEmbeddedPacksPassTheSchema(t *testing.T) {
	t.Parallel()
	r, err := Load(embedded, "data")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range r.Countries() {
		got = append(got, p.Country)
	}
	if want := []string{"AE", "IN", "MY", "PH"}; !slices.Equal(got, want) {
		t.Errorf("countries = %v, want %v", got, want)
	}
}

// TestSchemaRefuses: each rule of the schema, broken once in a copy of the UAE pack.
func TestSchemaRefuses(t *testing.T) {
	t.Parallel()
	ae, err := embedded.ReadFile("data/ae-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, old, new, want string }{
		{"unknown key", `"maker_checker"`, `"maker_checkr"`, "unknown field"},
		{"id kind", `"kind": "emirates_id"`, `"kind": "emirate"`, "kind \"emirate\""},
		{"document kind", `"kind": "face"`, `"kind": "selfie"`, "document \"selfie\""},
		{"required rule", `"required": "optional"`, `"required": "maybe"`, "required one of"},
		{"field type", `"type": "email"`, `"type": "mail"`, "type \"mail\""},
		{"select list", `"list": "occupation"`, `"list": "jobs"`, "list \"jobs\""},
		{"condition field", `"field": "resident_type_id"`, `"field": "resident"`, "names field \"resident\""},
		{"condition value", "\"in\": [\n              \"100\"", "\"in\": [\n              \"999\"", "value \"999\""},
		{"max length", `"max_length": 100`, `"max_length": 0`, "max_length 0"},
		{"pattern", `"pattern": "[0-9]{1,10}"`, `"pattern": "[0-9"`, "pattern must compile"},
		{"duplicate field", `"name": "middle_name"`, `"name": "first_name"`, "appears twice"},
		{"section order", `"key": "addresses"`, `"key": "address"`, "sections: want"},
		{"date rule", `"date": "past"`, `"date": "yesterday"`, "date field"},
		{"id code", `"code": "4"`, `"code": "1234"`, "1 to 3 characters"},
		{"file name", `"version": 1`, `"version": 2`, "should be named ae-v2.json"},
		{"untranslated label", `"Visa type": "نوع التأشيرة",`, ``, `ar lacks "Visa type"`},
		{
			"stale translation",
			`"Visa type": "Jenis visa"`,
			`"Visa type": "Jenis visa", "Visa kind": "Jenis visa"`,
			`ms translates "Visa kind"`,
		},
		{"unknown language", `"ms": {`, `"fr": {`, `"fr" is not a language`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(string(ae), tt.old) {
				t.Fatalf("the UAE pack has no %q to break", tt.old)
			}
			broken := strings.Replace(string(ae), tt.old, tt.new, 1)
			_, err := Load(testFS(t, map[string]string{"ae-v1.json": broken}), "data")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// testFS is the embedded countries list plus the given pack files.
func testFS(t *testing.T, files map[string]string) fstest.MapFS {
	t.Helper()
	countries, err := embedded.ReadFile("data/countries.json")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"data/countries.json": {Data: countries}}
	for name, body := range files {
		fsys["data/"+name] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

func TestVersions(t *testing.T) {
	t.Parallel()
	ae, _ := embedded.ReadFile("data/ae-v1.json")
	v2 := strings.Replace(string(ae), `"version": 1`, `"version": 2`, 1)
	r, err := Load(testFS(t, map[string]string{"ae-v1.json": string(ae), "ae-v2.json": v2}), "data")
	if err != nil {
		t.Fatal(err)
	}
	latest, _ := r.Latest("AE")
	old, ok := r.Get("AE", 1)
	if latest.Version != 2 || !ok || old.Version != 1 {
		t.Errorf("Latest = v%d, Get(1) = %v; want v2 and v1", latest.Version, ok)
	}
	if _, ok := r.Get("AE", 3); ok {
		t.Error("Get found a version that does not exist")
	}
}

// TestGoldenRequiredFields writes, per country, which fields and documents are required in
// each situation the pack's conditions distinguish, and compares it with testdata/golden.
func TestGoldenRequiredFields(t *testing.T) {
	t.Parallel()
	for _, p := range Default().Countries() {
		t.Run(p.Country, func(t *testing.T) {
			got := requiredReport(p)
			path := filepath.Join("testdata", "golden", strings.ToLower(p.Country)+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/packs -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("required fields changed; diff %s against:\n%s", path, got)
			}
		})
	}
}

func requiredReport(p *Pack) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s v%d, maker-checker %v\n", p.Country, p.Version, p.MakerChecker)
	scenario := func(name string, values map[string]string) {
		var req []string
		for _, prob := range p.Check(values, today) {
			req = append(req, prob.Field)
		}
		fmt.Fprintf(&b, "\n%s:\n  %s\n", name, strings.Join(req, " "))
	}
	scenario("nothing filled", map[string]string{})
	seen := map[string]bool{}
	for _, s := range p.Sections {
		for _, f := range s.Fields {
			if c := f.RequiredWhen; c != nil {
				for _, v := range c.In {
					if key := c.Field + " = " + v; !seen[key] {
						seen[key] = true
						scenario(key, map[string]string{c.Field: v})
					}
				}
			}
		}
	}
	for _, t := range p.IDTypes {
		fmt.Fprintf(&b, "\ndocuments with %s (%s):\n  %s\n", t.Code, t.Label, strings.Join(p.RequiredDocuments(t.Code), " "))
	}
	return b.String()
}

func TestCleanAndInvalid(t *testing.T) {
	t.Parallel()
	p, _ := Default().Latest("AE")
	tests := []struct {
		field, raw, clean, cleanErr, invalid string
	}{
		{"first_name", "  Zoë   Anne  ", "Zoë Anne", "", ""},
		{"first_name", "O'Brien-Smith", "O'Brien-Smith", "", ""},
		{"first_name", "عبد الله", "عبد الله", "", ""},
		{"first_name", "Zoe\u0308", "Zoë", "", ""}, // decomposed: stored composed (NFC)
		{"first_name", "R2D2", "R2D2", "", "letters, spaces"},
		{"first_name", "<script>", "<script>", "", "letters, spaces"},
		{"first_name", strings.Repeat("a", 101), "", "at most 100", ""},
		{"first_name", "a\x00b", "", "control characters", ""},
		{"primary_mobile_number", "+971 50 210-6707", "+971502106707", "", ""},
		{"primary_mobile_number", "050 210 6707", "+971502106707", "", ""}, // local: the Emirates' code
		{"primary_mobile_number", "00971 50 210 6707", "+971502106707", "", ""},
		{"primary_mobile_number", "502106707", "502106707", "", "country code"},
		{"email_id", "a@example.com", "a@example.com", "", ""},
		{"email_id", "Name <a@example.com>", "Name <a@example.com>", "", "e-mail address"},
		{"date_of_birth", "1990-02-30", "1990-02-30", "", "YYYY-MM-DD"},
		{"date_of_birth", "2026-03-03", "2026-03-03", "", "future"},
		{"date_of_expiry", "2026-03-02", "2026-03-02", "", "expired"},
		{"nationality", "XX", "XX", "", "listed values"},
		{"gender", "Male", "Male", "", ""},
		{"current_po_box", "PO 12", "PO 12", "", "digits only"},
		{"txn_count_month", "-3", "-3", "", "whole number"},
		{"dnfbp", "on", "yes", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.field+" "+tt.raw, func(t *testing.T) {
			f, ok := p.Field(tt.field)
			if !ok {
				t.Fatalf("no field %s", tt.field)
			}
			got, err := p.Clean(f, tt.raw)
			if tt.cleanErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.cleanErr) {
					t.Fatalf("Clean = %q, %v; want an error containing %q", got, err, tt.cleanErr)
				}
				return
			}
			if err != nil || got != tt.clean {
				t.Fatalf("Clean = %q, %v; want %q", got, err, tt.clean)
			}
			msg := p.Invalid(f, got, today)
			if (tt.invalid == "") != (msg == "") || !strings.Contains(msg, tt.invalid) {
				t.Errorf("Invalid = %q, want %q", msg, tt.invalid)
			}
		})
	}
}

func TestIDNumberField(t *testing.T) {
	t.Parallel()
	p, _ := Default().Latest("IN")
	f, _ := p.Field("pan")
	got, _ := p.Clean(f, "abcpe 1234 f")
	if got != "ABCPE1234F" || p.Invalid(f, got, today) != "" {
		t.Errorf("PAN cleaned to %q (%q), want ABCPE1234F and valid", got, p.Invalid(f, got, today))
	}
	if msg := p.Invalid(f, "ABCXE1234F", today); !strings.Contains(msg, "fourth letter") {
		t.Errorf("Invalid = %q, want the PAN rule", msg)
	}
}

// FuzzClean: whatever is posted to whichever field, cleaning does not panic, keeps within
// the field's limit, keeps no control characters, and cleaning the result changes nothing.
func FuzzClean(f *testing.F) {
	for _, seed := range []string{"  Zoë   Anne ", "+971 50 210-6707", "abcpe 1234 f", "2026-03-02", "on", "a\x00b", "\u00a0x\u2028y"} {
		f.Add(0, seed)
		f.Add(7, seed)
	}
	var fields []*Field
	for _, p := range Default().Countries() {
		for _, s := range p.Sections {
			for i := range s.Fields {
				fields = append(fields, &s.Fields[i])
			}
		}
	}
	p, _ := Default().Latest("IN")
	f.Fuzz(func(t *testing.T, i int, raw string) {
		field := fields[(i%len(fields)+len(fields))%len(fields)]
		v, err := p.Clean(field, raw)
		if err != nil {
			return
		}
		if len([]rune(v)) > field.MaxLength || strings.ContainsAny(v, "\x00\x1b") {
			t.Fatalf("Clean(%s, %q) = %q: over the limit or with control characters", field.Name, raw, v)
		}
		if again, err := p.Clean(field, v); err != nil || again != v {
			t.Fatalf("Clean(%s, %q) = %q, then %q (%v): not stable", field.Name, raw, v, again, err)
		}
		_ = p.Invalid(field, v, today)
	})
}
