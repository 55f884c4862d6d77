package sandbox

import (
	"strconv"
	"time"

	json "github.com/segmentio/encoding/json"

	"kycportal/internal/cdp/contract"
)

// onboarding is what the sandbox keeps of a valid onboard request.
type onboarding struct {
	ecrn string
	c    customer
}

// verdict is the contract's findings on an onboard request, split by the answer they earn:
// format the missing and malformed (400/40002), master the unknown codes (400/45053).
type verdict struct {
	format map[string]string
	master map[string]string
}

// check judges body by the contract, exactly as the portal's pre-flight does, and reads
// what the sandbox keeps of a valid one.
func check(body []byte, now time.Time) (onboarding, verdict) {
	v := verdict{format: map[string]string{}, master: map[string]string{}}
	for _, f := range contract.Check(body, now) {
		if f.Code == contract.CodeMasterData {
			v.master[f.Path] = f.Reason
		} else {
			v.format[f.Path] = f.Reason
		}
	}
	if len(v.format)+len(v.master) > 0 {
		return onboarding{}, v
	}
	return read(body), v
}

// request is the part of a valid onboard request the sandbox keeps.
type request struct {
	ECRN            string `json:"ecrn"`
	AgentLocationID string `json:"agent_location_id"`
	FirstName       string `json:"first_name"`
	MiddleName      string `json:"middle_name"`
	LastName        string `json:"last_name"`
	DateOfBirth     string `json:"date_of_birth"`
	Mobile          string `json:"primary_mobile_number"`
	Email           string `json:"email_id"`
	PEP             bool   `json:"political_exposed_person"`
	IDs             []struct {
		IDType        int    `json:"id_type"`
		IDNumber      string `json:"id_number"`
		IssuedCountry string `json:"issued_country"`
		DateOfExpiry  string `json:"date_of_expiry"`
	} `json:"id_details"`
}

// read takes what the sandbox keeps from a body the contract accepted.
func read(body []byte) onboarding {
	var r request
	_ = json.Unmarshal(body, &r) // the contract has checked every field read here
	c := customer{PEP: r.PEP}
	c.Profile.AgentLocationID = r.AgentLocationID
	c.Profile.FirstName = r.FirstName
	c.Profile.MiddleName = r.MiddleName
	c.Profile.LastName = r.LastName
	c.Profile.PrimaryMobileNumber = r.Mobile
	c.Profile.EmailID = r.Email
	c.Profile.DateOfBirth = r.DateOfBirth
	id := r.IDs[0]
	c.IDType = strconv.Itoa(id.IDType)
	c.IDNumber = id.IDNumber
	c.IssuedCountry = id.IssuedCountry
	if t, err := time.Parse(time.DateOnly, id.DateOfExpiry); err == nil {
		c.Profile.IDDateOfExpiry = t.Format("2006-01-02T15:04:05.000-07:00")
	}
	return onboarding{ecrn: r.ECRN, c: c}
}
