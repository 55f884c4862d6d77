// Package payload builds the CDP onboarding payload of a draft from its pack, as data: each
// pack field and document names its place in the payload (its cdp key, packs.Paths) and an
// optional value transform; the pack fixes a few values of its own (cdp_fixed); the
// branch gives the channel and the agent location; the draft's identity gives the ID type,
// number and issuing country. No field or country is named in this code (docs/cdp.md).
package payload

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"kycportal/internal/cdp"
	"kycportal/internal/packs"
)

// Draft is what the agent filled: the pack it follows, its values by field name, and the
// identity the draft was started with.
type Draft struct {
	Pack          *packs.Pack
	Values        map[string]string
	IDType        string // master-data code
	IDNumber      string // normalised
	IssuedCountry string
}

// Branch is what the sending branch contributes: the CDP's channel and agent location.
type Branch struct {
	Channel    string
	LocationID string
}

// File is one of the draft's documents, by pack document kind.
type File struct {
	Kind        string
	ContentType string
	Data        []byte
}

// The payload paths the branch and the draft's identity feed.
const (
	PathChannel       = "channel"
	PathLocation      = "agent_location_id"
	PathIDType        = "id_details[0].id_type"
	PathIDNumber      = "id_details[0].id_number"
	PathIssuedCountry = "id_details[0].issued_country"
	PathIssuedBy      = "id_details[0].issued_by"
)

// Build is the onboard request body of d as sent from branch b with files. An update
// carries the ECRN on top (cdp.Client.Update adds it).
func Build(d Draft, b Branch, files []File) (cdp.Payload, error) {
	w := writer{root: cdp.Payload{}}
	w.set(PathChannel, b.Channel)
	w.set(PathLocation, b.LocationID)
	if err := w.identity(d); err != nil {
		return nil, err
	}
	for _, s := range d.Pack.Sections {
		for i := range s.Fields {
			if err := w.field(&s.Fields[i], d.Values[s.Fields[i].Name]); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range files {
		w.file(d.Pack, f)
	}
	for path, v := range d.Pack.CDPFixed {
		w.fix(path, v)
	}
	return w.root, w.err
}

type writer struct {
	root cdp.Payload
	err  error
}

func (w *writer) identity(d Draft) error {
	code, err := strconv.Atoi(d.IDType)
	if err != nil {
		return fmt.Errorf("payload: ID type %q is not a number", d.IDType)
	}
	w.set(PathIDType, int64(code))
	w.set(PathIDNumber, d.IDNumber)
	w.set(PathIssuedCountry, d.IssuedCountry)
	if t, _ := d.Pack.IDType(d.IDType); t.IssuedBy != "" {
		w.set(PathIssuedBy, t.IssuedBy)
	}
	return nil
}

// field writes a field's value at each of its paths; an empty value is left out, but for a
// boolean, which is false.
func (w *writer) field(f *packs.Field, v string) error {
	if len(f.CDP) == 0 || (v == "" && f.Transform() != packs.AsBoolean) {
		return nil
	}
	var out any = v
	switch f.Transform() {
	case packs.AsInteger:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("payload: field %s: %q is not a whole number", f.Name, v)
		}
		out = n
	case packs.AsBoolean:
		out = v == "yes"
	}
	for _, path := range f.CDP {
		w.set(path, out)
	}
	return nil
}

func (w *writer) file(p *packs.Pack, f File) {
	doc, ok := p.Document(f.Kind)
	if !ok || doc.CDP == "" {
		return
	}
	// The bytes themselves: encoding/json writes a []byte as its base64 string, straight
	// into the body, where a string made here first was copied and scanned for escapes.
	obj := map[string]any{"base64_data": f.Data, "content_type": f.ContentType}
	if doc.DocumentID != "" {
		obj["document_id"] = doc.DocumentID
	}
	w.set(doc.CDP, obj)
}

// fix writes a pack's fixed value; inside an array it only completes an element that a
// field already fed.
func (w *writer) fix(path string, v any) {
	if strings.Contains(path, "[") && !w.has(path[:strings.LastIndex(path, "]")+1]) {
		return
	}
	w.set(path, v)
}

var segment = regexp.MustCompile(`^([a-z_]+)(?:\[([0-9]?)\])?$`)

// set writes v at path, creating the objects and array elements on the way.
func (w *writer) set(path string, v any) {
	parts := strings.Split(path, ".")
	var node map[string]any = w.root
	for i, part := range parts {
		m := segment.FindStringSubmatch(part)
		if m == nil {
			w.err = fmt.Errorf("payload: path %q: %q is not a name", path, part)
			return
		}
		last := i == len(parts)-1
		if !strings.Contains(part, "[") {
			if last {
				node[m[1]] = v
				return
			}
			child, _ := node[m[1]].(map[string]any)
			if child == nil {
				child = map[string]any{}
				node[m[1]] = child
			}
			node = child
			continue
		}
		list, _ := node[m[1]].([]any)
		index := len(list) // [] appends
		if m[2] != "" {
			index, _ = strconv.Atoi(m[2])
		}
		for len(list) <= index {
			list = append(list, map[string]any{})
		}
		node[m[1]] = list
		if last {
			list[index] = v
			return
		}
		node = list[index].(map[string]any)
	}
}

// has reports whether an array element path (name[N], dotted) holds a value already.
func (w *writer) has(path string) bool {
	var node any = map[string]any(w.root)
	for _, part := range strings.Split(path, ".") {
		m := segment.FindStringSubmatch(part)
		obj, _ := node.(map[string]any)
		if m == nil || obj == nil {
			return false
		}
		node = obj[m[1]]
		if strings.Contains(part, "[") {
			list, _ := node.([]any)
			index, _ := strconv.Atoi(m[2])
			if index >= len(list) {
				return false
			}
			node = list[index]
		}
	}
	obj, _ := node.(map[string]any)
	return len(obj) > 0
}
