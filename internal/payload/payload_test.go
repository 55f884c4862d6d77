package payload_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/cdp/contract"
	"kycportal/internal/packs"
	"kycportal/internal/payload"
)

var update = flag.Bool("update", false, "rewrite the golden payloads from the current output")

// TestGoldenPayloads: the payload of each realistic draft, per pack and ID type, as the
// worker would send it.
func TestGoldenPayloads(t *testing.T) {
	for _, d := range cdptest.Drafts() {
		t.Run(d.Name, func(t *testing.T) {
			b, err := json.MarshalIndent(cdptest.Payload(d.Name), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got := append(b, '\n')
			path := filepath.Join("testdata", d.Name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("payload differs from %s (run go test -update to accept):\n%s", path, got)
			}
		})
	}
}

// TestEveryPackAndIDTypeHasADraft: each pack and each of its ID types has a realistic draft.
func TestEveryPackAndIDTypeHasADraft(t *testing.T) {
	for _, p := range packs.Default().Countries() {
		for _, it := range p.IDTypes {
			if !slices.ContainsFunc(
				cdptest.Drafts(),
				func(d cdptest.Draft) bool { return d.Country == p.Country && d.IDType == it.Code },
			) {
				t.Errorf("%s: no realistic draft with ID type %s (%s)", p.Country, it.Code, it.Label)
			}
		}
	}
}

// TestEveryCDPFieldReachesThePayload is the mapper's property: whatever the pack, every
// field with a cdp key lands at each of its paths with its value, and every document at
// its own; a field without one is nowhere.
func TestEveryCDPFieldReachesThePayload(t *testing.T) {
	for _, d := range cdptest.Drafts() {
		in := d.Input()
		p, err := payload.Build(in, cdptest.Branch(d.Country), d.Files())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range in.Pack.Sections {
			for _, f := range s.Fields {
				v := d.Values[f.Name]
				for _, path := range f.CDP {
					got, ok := at(p, path)
					if (v != "" || f.Transform() == packs.AsBoolean) && (!ok || !sameValue(got, v, f.Transform())) {
						t.Errorf("%s: field %s = %q is %v (%v) at %s", d.Name, f.Name, v, got, ok, path)
					}
				}
			}
		}
		for _, f := range d.Files() {
			doc, _ := in.Pack.Document(f.Kind)
			if !slices.ContainsFunc(docs(p, doc.CDP), func(m map[string]any) bool {
				data, _ := m["base64_data"].([]byte)
				return bytes.Equal(data, f.Data) && m["content_type"] == f.ContentType &&
					m["document_id"] == nilIfEmpty(doc.DocumentID)
			}) {
				t.Errorf("%s: document %s is not at %s", d.Name, doc.Kind, doc.CDP)
			}
		}
	}
}

// TestEveryFieldTheContractRequiresIsFed: each mandatory path of the contract is fed, in
// every pack, by a pack field, a fixed pack value, a document, the branch or the draft's
// identity.
func TestEveryFieldTheContractRequiresIsFed(t *testing.T) {
	fedByBranchOrIdentity := []string{payload.PathChannel, payload.PathLocation, payload.PathIDType,
		payload.PathIDNumber, payload.PathIssuedCountry}
	for _, p := range packs.Default().Countries() {
		fed := map[string]bool{}
		for _, path := range fedByBranchOrIdentity {
			fed[generic(path)] = true
		}
		for _, s := range p.Sections {
			for _, f := range s.Fields {
				for _, path := range f.CDP {
					fed[generic(path)] = true
				}
			}
		}
		for _, doc := range p.Documents {
			fed[generic(doc.CDP)] = true
		}
		for path := range p.CDPFixed {
			fed[generic(path)] = true
		}
		for _, path := range contract.Required {
			if !fed[path] {
				t.Errorf("%s: the contract requires %s, and nothing feeds it", p.Country, path)
			}
		}
	}
}

// An address nobody gave is not sent: its fixed type code alone does not make one.
func TestUnfedElementsStayOut(t *testing.T) {
	d := cdptest.DraftNamed("ae-national")
	for k := range d.Values {
		if strings.HasPrefix(k, "permanent_") {
			delete(d.Values, k)
		}
	}
	p, err := payload.Build(d.Input(), cdptest.Branch("AE"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p["address_list"].([]any)); n != 1 {
		t.Fatalf("%d addresses; want the current one only", n)
	}
}

func TestABadNumberIsAnError(t *testing.T) {
	d := cdptest.DraftNamed("ae-national")
	d.Values["txn_count_month"] = "four"
	if _, err := payload.Build(d.Input(), cdptest.Branch("AE"), nil); err == nil ||
		!strings.Contains(err.Error(), "txn_count_month") {
		t.Fatalf("err = %v; want one naming txn_count_month", err)
	}
}

var index = regexp.MustCompile(`\[[0-9]*\]`)

func generic(path string) string { return index.ReplaceAllString(path, "[]") }

// at reads path (indexes given) from the payload.
func at(p map[string]any, path string) (any, bool) {
	var node any = p
	for _, part := range strings.Split(path, ".") {
		name, rest, isList := strings.Cut(part, "[")
		obj, _ := node.(map[string]any)
		if node = obj[name]; node == nil {
			return nil, false
		}
		if isList {
			list, _ := node.([]any)
			i := int(rest[0] - '0')
			if i >= len(list) {
				return nil, false
			}
			node = list[i]
		}
	}
	return node, true
}

// docs are the objects at a document path: the element, or each element of the list it
// appends to.
func docs(p map[string]any, path string) []map[string]any {
	if list, found := strings.CutSuffix(path, "[]"); found {
		v, _ := at(p, list)
		var out []map[string]any
		for _, e := range v.([]any) {
			out = append(out, e.(map[string]any))
		}
		return out
	}
	v, _ := at(p, path)
	m, _ := v.(map[string]any)
	return []map[string]any{m}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func sameValue(got any, v, transform string) bool {
	switch transform {
	case packs.AsBoolean:
		return got == (v == "yes")
	case packs.AsInteger:
		n, err := strconv.ParseInt(v, 10, 64)
		return err == nil && got == n
	}
	return got == v
}
