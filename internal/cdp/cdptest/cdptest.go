// Package cdptest holds what the tests of the CDP client, the sandbox and the portal share:
// complete customers that the sandbox accepts, and a clock that tests move by hand.
package cdptest

import (
	"fmt"
	"sync"
	"time"

	"kycportal/internal/cdp"
)

// Clock is a clock that only moves when told to.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Small documents whose first bytes match their content type, as the sandbox checks.
func JPEG(label string) *cdp.File {
	return &cdp.File{ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00" + label)}
}

func PNG(label string) *cdp.File {
	return &cdp.File{ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n" + label)}
}

func PDF(label string) *cdp.File {
	return &cdp.File{ContentType: "application/pdf", Data: []byte("%PDF-1.7\n" + label)}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// EmiratesID is a valid Emirates ID number (784, a birth year, seven digits, a Luhn check
// digit) that no demo customer of the sandbox holds.
func EmiratesID(n int) string {
	return withLuhn(fmt.Sprintf("7841985%07d", n))
}

func withLuhn(digits string) string {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-i)%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + fmt.Sprint((10-sum%10)%10)
}

// AEDraftValues fill every required field of the AE pack's draft form, for a customer the
// sandbox onboards.
func AEDraftValues() map[string]string {
	return map[string]string{
		"first_name": "Fatima", "last_name": "Hassan", "gender": "Female", "date_of_birth": "1990-05-17",
		"nationality": "IN", "country_of_birth": "IN", "resident_type_id": "100",
		"primary_mobile_number": "+971501112233", "email_id": "fatima@example.com", "occupation_id": "224",
		"current_city": "Dubai", "current_country": "AE", "current_po_box": "12345",
		"permanent_city": "Kochi", "permanent_country": "IN",
		"name_as_per_id": "FATIMA HASSAN", "date_of_expiry": "2029-05-01", "visa_number": "201/2022/1234567",
		"visa_expiry_date": "2028-01-31", "visa_type": "1",
		"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS", "txn_count_month": "5",
		"txn_vol_month": "3000",
	}
}

// AECustomer is a complete UAE resident foreigner with an Emirates ID the sandbox does not know
// (784199554586091, the contract's lookup sample), so onboarding it is accepted.
func AECustomer() cdp.Customer {
	return cdp.Customer{
		Channel:            "WEB",
		AgentLocationID:    "784101",
		FirstName:          "FATIMA",
		MiddleName:         "ALI",
		LastName:           "HASSAN",
		Nationality:        "IN",
		DateOfBirth:        date(1990, time.May, 17),
		CountryOfBirth:     "IN",
		ResidentTypeID:     100,
		CountryOfResidence: "AE",
		Gender:             "Female",
		Mobile:             "+971501112233",
		Email:              "fatima.hassan@example.com",
		OccupationID:       223,
		Addresses: []cdp.Address{
			{TypeID: "1", BuildingName: "Al Noor Tower", StreetName: "Sheikh Zayed Road", Landmark: "Near the metro", City: "Dubai", District: "Trade Centre", State: "Dubai", Country: "AE", POBox: "12345", Mobile: "+971501112233"},
			{TypeID: "2", StreetName: "MG Road", City: "Kochi", State: "Kerala", Country: "IN", Zip: "682001"},
		},
		IDs: []cdp.IDDocument{{
			TypeID: 4, Number: "784199554586091", NameAsPerID: "FATIMA ALI HASSAN",
			IssuedCountry: "AE", IssuedBy: "ICP", IssuedAt: "Dubai",
			IssuedOn: date(2022, time.March, 1), ExpiresOn: date(2027, time.February, 28),
			VisaNumber: "201/2022/1234567", VisaExpiresOn: date(2027, time.February, 28),
			Front: JPEG("emirates-id-front"), Back: JPEG("emirates-id-back"),
		}},
		FacePhoto: JPEG("face"),
		Reports: []cdp.Report{
			{DocumentID: cdp.DocEKYCVerification, File: *PDF("ekyc-verification")},
			{DocumentID: cdp.DocEKYCConfirmation, File: *PDF("ekyc-confirmation")},
		},
		Classification: cdp.Classification{
			CustomerTypeID: 1, IncomeType: 1, AnnualIncomeRangeID: 3, AnnualIncomeCurrencyCode: "AED",
			TxnVolMonth: 5000, TxnCountMonth: 4,
			EmployerName: "Gulf Trading LLC", EmployerAddress: "Deira, Dubai", EmployerPhone: "+97142223344",
			ProfessionCategory: "SALARIED", FirstLanguage: "en", MaritalStatus: 1, RiskRatingID: 1, PEPCategory: 1,
			PersonalMOHREID: "10012345", TxnIssuedCountry: "AE", ReasonForAccount: "Family remittances",
			ProfileCategory: 1,
		},
	}
}

// MYCustomer is a complete Malaysian citizen with a MyKad the sandbox does not know.
func MYCustomer() cdp.Customer {
	return cdp.Customer{
		Channel:            "WEB",
		AgentLocationID:    "458101",
		FirstName:          "AHMAD",
		MiddleName:         "BIN",
		LastName:           "ISMAIL",
		Nationality:        "MY",
		DateOfBirth:        date(1991, time.February, 3),
		CountryOfBirth:     "MY",
		ResidentTypeID:     101,
		CountryOfResidence: "MY",
		Gender:             "Male",
		Mobile:             "+60123334455",
		Email:              "ahmad.ismail@example.com",
		OccupationID:       101,
		PEP:                true,
		Addresses: []cdp.Address{
			{TypeID: "1", BuildingName: "Menara Setia", StreetName: "Jalan Ampang", City: "Kuala Lumpur", State: "Wilayah Persekutuan", Country: "MY", Zip: "50450", Mobile: "+60123334455"},
		},
		IDs: []cdp.IDDocument{{
			TypeID: 28, Number: "910203145566", NameAsPerID: "AHMAD BIN ISMAIL",
			IssuedCountry: "MY", IssuedBy: "MYKD", IssuedAt: "Malaysia",
			IssuedOn: date(2020, time.June, 1), ExpiresOn: date(2030, time.June, 1),
			Front: PNG("mykad-front"), Back: PNG("mykad-back"),
		}},
		FacePhoto: PNG("face"),
		Reports: []cdp.Report{
			{DocumentID: cdp.DocEKYCVerification, File: *PDF("ekyc-verification")},
		},
		Classification: cdp.Classification{
			CustomerTypeID: 1, IncomeType: 2, AnnualIncomeRangeID: 2, AnnualIncomeCurrencyCode: "MYR",
			TxnVolMonth: 2000, TxnCountMonth: 2, EmployerName: "Syarikat Maju Sdn Bhd",
			FirstLanguage: "ms", MaritalStatus: 2, RiskRatingID: 2, PEPCategory: 1,
			TxnIssuedCountry: "MY", ReasonForAccount: "Salary remittance",
			DNFBP: true, ProfileCategory: 2,
		},
	}
}
