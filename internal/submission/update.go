package submission

import (
	"time"

	"kycportal/internal/cdp"
)

// RecordFields are the CDP's record of a customer as the form's fields hold them: what an
// update case starts from, and what its changes are shown against. The record has few
// fields; the agent completes the rest. This is the inverse of the payload the worker builds
// (customer.go): a change of that mapping changes this one.
func RecordFields(r cdp.CustomerRecord) map[string]string {
	out := map[string]string{}
	for name, v := range map[string]string{"first_name": r.FirstName, "middle_name": r.MiddleName,
		"last_name": r.LastName, "primary_mobile_number": r.PrimaryMobileNumber, "email_id": r.EmailID} {
		if v != "" {
			out[name] = v
		}
	}
	// The CDP sends 2027-08-08T00:00:00.000+00:00; the form holds the day.
	if len(r.IDDateOfExpiry) >= 10 {
		if day, err := time.Parse(time.DateOnly, r.IDDateOfExpiry[:10]); err == nil {
			out["date_of_expiry"] = day.Format(time.DateOnly)
		}
	}
	return out
}
