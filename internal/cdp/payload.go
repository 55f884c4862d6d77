package cdp

import (
	"encoding/json"
	"time"
)

// Default master-data codes of the e-KYC reports in additional_docs (docs/cdp.md); the
// portal's master data may name others.
const (
	DocEKYCVerification = "EKYC_VERIFICATION"
	DocEKYCConfirmation = "EKYC_CONFIRMATION"
)

// Customer is what the portal knows about a customer, in its own types. Countries are ISO
// 3166-1 alpha-2; dates are sent as the calendar date of the time in its own location; a zero
// optional date or OccupationID is sent as null.
type Customer struct {
	Channel            string
	AgentLocationID    string
	FirstName          string
	MiddleName         string
	LastName           string
	Nationality        string
	DateOfBirth        time.Time
	CountryOfBirth     string
	ResidentTypeID     int // 100 resident foreigner, 101 citizen
	CountryOfResidence string
	Gender             string
	Mobile             string // E.164, "+971502106707"
	Email              string
	OccupationID       int
	PEP                bool
	Addresses          []Address
	IDs                []IDDocument // the first is the customer's primary ID
	FacePhoto          *File
	Reports            []Report // e-KYC verification / confirmation reports
	Classification     Classification
}

// Address is one entry of address_list, already in the contract's shape.
type Address struct {
	TypeID       string `json:"address_type_id"` // "1" current, "2" permanent
	BuildingName string `json:"building_name,omitempty"`
	StreetName   string `json:"street_name,omitempty"`
	Landmark     string `json:"landmark,omitempty"`
	City         string `json:"city"`
	District     string `json:"district,omitempty"`
	State        string `json:"state,omitempty"`
	Country      string `json:"country"`
	Zip          string `json:"zip,omitempty"`
	POBox        string `json:"po_box,omitempty"`
	Mobile       string `json:"mobile_number,omitempty"`
}

// IDDocument is one identity document with its images.
type IDDocument struct {
	TypeID        int // master data: 4 Emirates ID, 28 MyKad
	Number        string
	NameAsPerID   string
	IssuedCountry string
	IssuedBy      string
	IssuedAt      string
	IssuedOn      time.Time
	ExpiresOn     time.Time
	VisaNumber    string
	VisaExpiresOn time.Time
	Front, Back   *File
}

// File is a document or image sent inline.
type File struct {
	ContentType string // image/jpeg, image/png or application/pdf
	Data        []byte
}

// Report is an additional document under its master-data code (DocEKYCVerification, ...).
type Report struct {
	DocumentID string
	File       File
}

// Classification is customer_classification without the photo, already in the contract's
// shape; zero values are left out.
type Classification struct {
	CustomerTypeID           int    `json:"customer_type_id,omitempty"`
	IncomeType               int    `json:"income_type,omitempty"`
	AnnualIncomeRangeID      int    `json:"annual_income_range_id,omitempty"`
	AnnualIncomeCurrencyCode string `json:"annual_income_currency_code,omitempty"`
	TxnVolMonth              int    `json:"txn_vol_month,omitempty"`
	TxnCountMonth            int    `json:"txn_count_month,omitempty"`
	EmployerName             string `json:"employer_name,omitempty"`
	EmployerAddress          string `json:"employer_address,omitempty"`
	EmployerPhone            string `json:"employer_phone,omitempty"`
	ProfessionCategory       string `json:"profession_category,omitempty"`
	FirstLanguage            string `json:"first_language,omitempty"`
	MaritalStatus            int    `json:"marital_status,omitempty"`
	RiskRatingID             int    `json:"risk_rating_id,omitempty"`
	PEPCategory              int    `json:"pep_category,omitempty"`
	PersonalMOHREID          string `json:"personal_mohre_id,omitempty"`
	SocialSecurityNumber     string `json:"social_security_number,omitempty"`
	TaxRegistrationNumber    string `json:"tax_registration_number,omitempty"`
	TxnIssuedCountry         string `json:"txn_issued_country,omitempty"`
	ReasonForAccount         string `json:"reason_for_acc,omitempty"`
	DNFBP                    bool   `json:"dnfbp"`
	DPMS                     bool   `json:"dpms"`
	ProfileCategory          int    `json:"profile_category,omitempty"`
}

// BuildPayload is the onboard request body for c: an update when ecrn is set.
func BuildPayload(c Customer, ecrn string) ([]byte, error) {
	return json.Marshal(newPayload(c, ecrn))
}

type payload struct {
	Channel                string          `json:"channel"`
	AgentLocationID        string          `json:"agent_location_id"`
	ECRN                   string          `json:"ecrn,omitempty"`
	FirstName              string          `json:"first_name"`
	MiddleName             string          `json:"middle_name,omitempty"`
	LastName               string          `json:"last_name"`
	Nationality            string          `json:"nationality"`
	DateOfBirth            *string         `json:"date_of_birth"`
	CountryOfBirth         string          `json:"country_of_birth"`
	ResidentTypeID         int             `json:"resident_type_id"`
	CountryOfResidence     string          `json:"country_of_residence"`
	Gender                 string          `json:"gender"`
	PrimaryMobileNumber    string          `json:"primary_mobile_number"`
	EmailID                string          `json:"email_id"`
	OccupationID           *int            `json:"occupation_id"`
	PoliticalExposedPerson bool            `json:"political_exposed_person"`
	AddressList            []Address       `json:"address_list"`
	IDDetails              []idDetail      `json:"id_details"`
	AdditionalDocs         []additionalDoc `json:"additional_docs,omitempty"`
	CustomerClassification classification  `json:"customer_classification"`
}

type idDetail struct {
	IDType         int       `json:"id_type"`
	IDNumber       string    `json:"id_number"`
	NameAsPerID    string    `json:"name_as_per_id,omitempty"`
	IssuedCountry  string    `json:"issued_country"`
	IssuedBy       string    `json:"issued_by,omitempty"`
	IssuedAt       string    `json:"issued_at,omitempty"`
	IssuedOn       *string   `json:"issued_on"`
	DateOfExpiry   *string   `json:"date_of_expiry"`
	VisaNumber     string    `json:"visa_number,omitempty"`
	VisaExpiryDate *string   `json:"visa_expiry_date"`
	ActiveStatus   bool      `json:"active_status"`
	DefaultStatus  bool      `json:"default_status"`
	IDFront        *wireFile `json:"id_front,omitempty"`
	IDBack         *wireFile `json:"id_back,omitempty"`
}

type wireFile struct {
	Base64Data  []byte `json:"base64_data"` // encoding/json writes []byte as standard base64
	ContentType string `json:"content_type"`
}

type additionalDoc struct {
	DocumentID string `json:"document_id"`
	wireFile
}

type classification struct {
	Classification
	ProfilePhoto *wireFile `json:"profile_photo,omitempty"`
}

func newPayload(c Customer, ecrn string) payload {
	p := payload{
		Channel:                c.Channel,
		AgentLocationID:        c.AgentLocationID,
		ECRN:                   ecrn,
		FirstName:              c.FirstName,
		MiddleName:             c.MiddleName,
		LastName:               c.LastName,
		Nationality:            c.Nationality,
		DateOfBirth:            date(c.DateOfBirth),
		CountryOfBirth:         c.CountryOfBirth,
		ResidentTypeID:         c.ResidentTypeID,
		CountryOfResidence:     c.CountryOfResidence,
		Gender:                 c.Gender,
		PrimaryMobileNumber:    c.Mobile,
		EmailID:                c.Email,
		PoliticalExposedPerson: c.PEP,
		AddressList:            c.Addresses,
		CustomerClassification: classification{Classification: c.Classification, ProfilePhoto: file(c.FacePhoto)},
	}
	if c.OccupationID != 0 {
		p.OccupationID = &c.OccupationID
	}
	for i, id := range c.IDs {
		p.IDDetails = append(p.IDDetails, idDetail{
			IDType:         id.TypeID,
			IDNumber:       id.Number,
			NameAsPerID:    id.NameAsPerID,
			IssuedCountry:  id.IssuedCountry,
			IssuedBy:       id.IssuedBy,
			IssuedAt:       id.IssuedAt,
			IssuedOn:       date(id.IssuedOn),
			DateOfExpiry:   date(id.ExpiresOn),
			VisaNumber:     id.VisaNumber,
			VisaExpiryDate: date(id.VisaExpiresOn),
			ActiveStatus:   true,
			DefaultStatus:  i == 0,
			IDFront:        file(id.Front),
			IDBack:         file(id.Back),
		})
	}
	for _, r := range c.Reports {
		p.AdditionalDocs = append(p.AdditionalDocs, additionalDoc{DocumentID: r.DocumentID, wireFile: *file(&r.File)})
	}
	return p
}

func date(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func file(f *File) *wireFile {
	if f == nil {
		return nil
	}
	return &wireFile{Base64Data: f.Data, ContentType: f.ContentType}
}
