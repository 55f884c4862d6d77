// Package drafttest holds the drafts that the handlers' tests and the performance harness
// (internal/perf) both make.
package drafttest

import (
	"fmt"
	"maps"

	"kycportal/internal/idnumber"
)

// EmiratesID is a valid Emirates ID number, distinct for each n below ten million.
func EmiratesID(n int64) string {
	body := fmt.Sprintf("7841999%07d", n%10_000_000)
	for d := '0'; d <= '9'; d++ {
		if v, err := idnumber.Normalise(idnumber.EmiratesID, body+string(d)); err == nil {
			return v
		}
	}
	panic("no check digit for " + body)
}

// CompleteAE is every required answer of an AE draft (its documents aside), a new copy
// each time.
func CompleteAE() map[string]string {
	return maps.Clone(completeAE)
}

var completeAE = map[string]string{"first_name": "Fatima", "last_name": "Hassan", "gender": "Female",
	"date_of_birth": "1990-05-17", "nationality": "IN", "country_of_birth": "IN", "resident_type_id": "101",
	"primary_mobile_number": "+971501112233", "email_id": "fatima@example.com", "occupation_id": "224",
	"current_city": "Dubai", "current_country": "AE", "permanent_city": "Kochi", "permanent_country": "IN",
	"name_as_per_id": "FATIMA HASSAN", "date_of_expiry": "2029-05-01", "income_type": "2",
	"annual_income_range_id": "2", "reason_for_acc": "SAVINGS", "txn_count_month": "5", "txn_vol_month": "3000"}
