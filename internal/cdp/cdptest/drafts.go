package cdptest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"kycportal/internal/cdp"
	"kycportal/internal/packs"
	"kycportal/internal/payload"
)

//go:embed drafts.json
var draftsJSON []byte

// Draft is one realistic draft of drafts.json.
type Draft struct {
	Name          string            `json:"name"` // <country>-national or <country>-passport
	Country       string            `json:"country"`
	IDType        string            `json:"id_type"`
	IDNumber      string            `json:"id_number"`
	IssuedCountry string            `json:"issued_country"`
	Values        map[string]string `json:"values"`
}

// Drafts are the realistic drafts, one per pack and ID type, in file order.
func Drafts() []Draft {
	var f struct {
		Note   string  `json:"note"`
		Drafts []Draft `json:"drafts"`
	}
	dec := json.NewDecoder(bytes.NewReader(draftsJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		panic(fmt.Sprintf("cdptest: drafts.json: %v", err))
	}
	return f.Drafts
}

// DraftNamed is the draft called name; it panics on a name drafts.json lacks.
func DraftNamed(name string) Draft {
	for _, d := range Drafts() {
		if d.Name == name {
			return d
		}
	}
	panic("cdptest: no draft " + name)
}

// Input is d as the payload package reads it, under its country's latest pack.
func (d Draft) Input() payload.Draft {
	p, ok := packs.Default().Latest(d.Country)
	if !ok {
		panic("cdptest: no pack for " + d.Country)
	}
	return payload.Draft{Pack: p, Values: d.Values, IDType: d.IDType, IDNumber: d.IDNumber, IssuedCountry: d.IssuedCountry}
}

// Files are small documents of every kind d's pack takes for its ID type, whose first bytes match their
// content type as the contract checks.
func (d Draft) Files() []payload.File {
	var out []payload.File
	p := d.Input().Pack
	t, _ := p.IDType(d.IDType)
	for _, doc := range p.Documents {
		if doc.Kind == packs.DocIDBack && !t.HasBack {
			continue
		}
		f := JPEG(d.Name + "-" + doc.Kind)
		if packs.IsReport(doc.Kind) {
			f = PDF(d.Name + "-" + doc.Kind)
		}
		f.Kind = doc.Kind
		out = append(out, *f)
	}
	return out
}

// Branch is the demo branch of the country's sandbox location.
func Branch(country string) payload.Branch {
	return payload.Branch{
		Channel:    "WEB",
		LocationID: map[string]string{"AE": "784101", "MY": "458101", "IN": "356101", "PH": "608101"}[country],
	}
}

// Payload is the onboard request of the draft called name, from its demo branch.
func Payload(name string) cdp.Payload {
	d := DraftNamed(name)
	p, err := payload.Build(d.Input(), Branch(d.Country), d.Files())
	if err != nil {
		panic(err)
	}
	return p
}

// AECustomer is a complete UAE resident foreigner with an Emirates ID the sandbox does not
// know (784199554586091, the contract's lookup sample), so onboarding it is accepted.
func AECustomer() cdp.Payload { return Payload("ae-national") }

// MYCustomer is a complete Malaysian citizen with a MyKad the sandbox does not know.
func MYCustomer() cdp.Payload { return Payload("my-national") }

// SetID puts number in the payload's first ID.
func SetID(p cdp.Payload, number string) cdp.Payload {
	p["id_details"].([]any)[0].(map[string]any)["id_number"] = number
	return p
}
