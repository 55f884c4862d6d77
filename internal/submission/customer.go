package submission

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"kycportal/internal/cdp"
	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/store"
)

// Sender is how the portal presents itself in the onboarding payload.
type Sender struct {
	Channel         string            // "WEB"
	AgentLocationID map[string]string // country → the CDP's agent location id
}

// DefaultSender carries the contract's sample location for the UAE and the sandbox's for Malaysia.
var DefaultSender = Sender{Channel: "WEB", AgentLocationID: map[string]string{"AE": "784101", "MY": "458101"}}

// customer builds what the CDP is sent from a draft and its documents' bytes, the portal
// presenting itself as sender.
func (s *Service) customer(ctx context.Context, d drafts.Draft, sender Sender) (cdp.Customer, error) {
	v := d.Values
	c := cdp.Customer{
		Channel: sender.Channel, AgentLocationID: sender.AgentLocationID[d.Country],
		FirstName: v["first_name"], MiddleName: v["middle_name"], LastName: v["last_name"],
		Nationality: v["nationality"], DateOfBirth: day(v["date_of_birth"]), CountryOfBirth: v["country_of_birth"],
		ResidentTypeID: number(v["resident_type_id"]), CountryOfResidence: residence(d),
		Gender: v["gender"], Mobile: v["primary_mobile_number"], Email: v["email_id"],
		OccupationID: number(v["occupation_id"]), PEP: v["political_exposed_person"] == "yes",
		Addresses: addresses(v),
		Classification: cdp.Classification{
			IncomeType: number(v["income_type"]), AnnualIncomeRangeID: number(v["annual_income_range_id"]),
			TxnVolMonth: number(v["txn_vol_month"]), TxnCountMonth: number(v["txn_count_month"]),
			EmployerName: v["employer_name"], MaritalStatus: number(v["marital_status"]),
			PersonalMOHREID: v["personal_mohre_id"], TaxRegistrationNumber: v["tax_registration_number"],
			ReasonForAccount: v["reason_for_acc"], DNFBP: v["dnfbp"] == "yes", DPMS: v["dpms"] == "yes",
		},
	}
	t, _ := d.Pack.IDType(d.IDType)
	id := cdp.IDDocument{TypeID: number(d.IDType), Number: d.IDNumber, NameAsPerID: v["name_as_per_id"],
		IssuedCountry: d.IssuedCountry, IssuedBy: t.IssuedBy, IssuedOn: day(v["issued_on"]),
		ExpiresOn: day(v["date_of_expiry"]), VisaNumber: v["visa_number"], VisaExpiresOn: day(v["visa_expiry_date"])}
	docs, err := s.Drafts.Documents(ctx, d.ID)
	if err != nil {
		return c, err
	}
	for _, doc := range docs {
		f, err := s.file(ctx, doc)
		if err != nil {
			return c, err
		}
		switch doc.Kind {
		case packs.DocIDFront:
			id.Front = f
		case packs.DocIDBack:
			id.Back = f
		case packs.DocFace:
			c.FacePhoto = f
		case packs.DocEKYCReport:
			c.Reports = append(c.Reports, cdp.Report{DocumentID: cdp.DocEKYCVerification, File: *f})
		}
	}
	c.IDs = []cdp.IDDocument{id}
	return c, nil
}

func (s *Service) file(ctx context.Context, doc store.Document) (*cdp.File, error) {
	b, err := s.Drafts.Blobs.Get(ctx, s.DB.Pool, doc.BlobKey)
	if err != nil {
		return nil, err
	}
	return &cdp.File{ContentType: doc.ContentType, Data: b}, nil
}

// addresses are the current address and, when one was given, the permanent one.
func addresses(v map[string]string) []cdp.Address {
	out := []cdp.Address{address("1", "current_", v)}
	if v["permanent_city"] != "" || v["permanent_country"] != "" {
		out = append(out, address("2", "permanent_", v))
	}
	return out
}

func address(typeID, prefix string, v map[string]string) cdp.Address {
	return cdp.Address{TypeID: typeID, BuildingName: v[prefix+"building_name"], StreetName: v[prefix+"street_name"],
		City: v[prefix+"city"], District: v[prefix+"district"], State: v[prefix+"state"], Country: v[prefix+"country"],
		Zip: v[prefix+"zip"], POBox: v[prefix+"po_box"], Mobile: v["primary_mobile_number"]}
}

func residence(d drafts.Draft) string {
	if c := d.Values["current_country"]; c != "" {
		return c
	}
	return d.Country
}

// day reads a pack date; a value the pack let through is always well formed, or empty.
func day(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

func number(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// fieldPaths map the CDP's names for what it refused to the draft's fields and documents.
var fieldPaths = []struct {
	pattern *regexp.Regexp
	field   string // $1 is the path's last name
}{
	{regexp.MustCompile(`^address_list\[0\]\.(\w+)`), "current_$1"},
	{regexp.MustCompile(`^address_list\[1\]\.(\w+)`), "permanent_$1"},
	{regexp.MustCompile(`^id_details\[\d+\]\.(id_front|id_back)`), "$1"},
	{regexp.MustCompile(`^id_details\[\d+\]\.(\w+)`), "$1"},
	{regexp.MustCompile(`^customer_classification\.profile_photo`), packs.DocFace},
	{regexp.MustCompile(`^additional_docs`), packs.DocEKYCReport},
	{regexp.MustCompile(`^customer_classification\.(\w+)`), "$1"},
	{regexp.MustCompile(`^(\w+)$`), "$1"},
}

// formFields attaches the CDP's messages to the draft's fields: a path the form has no
// field for keeps the CDP's name, so that no message is lost.
func formFields(p *packs.Pack, details map[string]string) map[string]string {
	out := map[string]string{}
	for path, msg := range details {
		name := path
		for _, fp := range fieldPaths {
			if m := fp.pattern.FindStringSubmatchIndex(path); m != nil {
				name = string(fp.pattern.ExpandString(nil, fp.field, path, m))
				break
			}
		}
		if _, isField := p.Field(name); !isField && !slices.Contains(packs.DocumentKinds, name) {
			name = path
		}
		out[name] = strings.TrimSpace(out[name] + " " + msg)
	}
	return out
}
