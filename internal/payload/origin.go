package payload

import (
	"regexp"
	"strings"

	"kycportal/internal/cdp"
	"kycportal/internal/packs"
)

// What can feed a payload path.
const (
	FromField    = "field"    // a pack field: Name is the field's name
	FromDocument = "document" // a document: Name is its pack kind
	FromBranch   = "branch"   // the branch record: Name is the payload path
	FromIdentity = "identity" // the draft's ID type, number or issuing country
	FromPack     = "pack"     // a value the pack fixes
)

// Origin is what feeds a payload path: where a finding on that path can be fixed.
type Origin struct {
	From string
	Name string
}

var elementIndex = regexp.MustCompile(`\[[0-9]+\]`)

// OriginOf says what fed path (as the CDP or the contract names it, such as
// "id_details[0].id_front.base64_data") in body, built from pack p. A path nothing feeds
// (a field the pack does not send) has no origin.
func OriginOf(p *packs.Pack, body cdp.Payload, path string) (Origin, bool) {
	for cut := path; cut != ""; cut = parent(cut) {
		if o, ok := exactOrigin(p, body, cut); ok {
			return o, true
		}
	}
	return Origin{}, false
}

func exactOrigin(p *packs.Pack, body cdp.Payload, path string) (Origin, bool) {
	switch path {
	case PathChannel, PathLocation:
		return Origin{FromBranch, path}, true
	case PathIDType, PathIDNumber, PathIssuedCountry, PathIssuedBy:
		return Origin{FromIdentity, path}, true
	}
	for _, s := range p.Sections {
		for _, f := range s.Fields {
			for _, fp := range f.CDP {
				if fp == path {
					return Origin{FromField, f.Name}, true
				}
			}
		}
	}
	for _, d := range p.Documents {
		if d.CDP == path || (appended(d.CDP, path) && documentID(body, path) == d.DocumentID) {
			return Origin{FromDocument, d.Kind}, true
		}
	}
	if _, fixed := p.CDPFixed[path]; fixed {
		return Origin{FromPack, path}, true
	}
	return Origin{}, false
}

// appended reports whether path is an element of the list a "name[]" document path appends to.
func appended(docPath, path string) bool {
	list, ok := strings.CutSuffix(docPath, "[]")
	return ok && elementIndex.ReplaceAllString(path, "") == list && strings.HasSuffix(path, "]")
}

// documentID is the document_id of the additional document at path (name[N]) in body.
func documentID(body cdp.Payload, path string) string {
	w := writer{root: body}
	if !w.has(path) {
		return ""
	}
	name, index, _ := strings.Cut(strings.TrimSuffix(path, "]"), "[")
	list, _ := body[name].([]any)
	i := int(index[0] - '0')
	m, _ := list[i].(map[string]any)
	id, _ := m["document_id"].(string)
	return id
}

// parent drops a path's last name, or its last index: a.b[1].c → a.b[1] → a.b → a.
func parent(path string) string {
	if strings.HasSuffix(path, "]") {
		return path[:strings.LastIndex(path, "[")]
	}
	i := strings.LastIndex(path, ".")
	if i < 0 {
		return ""
	}
	return path[:i]
}
