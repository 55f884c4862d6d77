package seed

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"kycportal/internal/idnumber"
	"kycportal/internal/store"
)

// The seeded history spans two years.
var (
	epoch = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	span  = 2 * 365 * 24 * time.Hour
)

// national is each country's ID type (its CDP code) and number kind.
var national = map[string]struct{ code, kind string }{
	"AE": {"4", idnumber.EmiratesID}, "MY": {"28", idnumber.MyKad},
	"IN": {"30", idnumber.Aadhaar}, "PH": {"40", idnumber.PhilSys},
}

// customer is the k-th seeded customer (from 0). Everything about it derives from k, so
// that its draft, its submission and the audit events about it agree without any of them
// being held in memory.
type customer struct {
	k         int64
	branch    int // index of branches
	agent     int // index of the branch's agents
	idType    string
	idNumber  string
	status    string
	values    map[string]string
	createdAt time.Time
	updatedAt time.Time
}

func (c customer) country() string { return branches[c.branch].Country }

// branchOf and agentOf spread customers evenly over branches and their agents.
func branchOf(k int64) int { return int(k % int64(len(branches))) }
func agentOf(k int64) int  { return int(k/int64(len(branches))) % agentsPerBranch }

// rng is a random source that starts again for every row, so that a row depends on its
// number only.
type rng struct {
	pcg *rand.PCG
	*rand.Rand
}

func newRNG() rng {
	p := rand.NewPCG(0, 0)
	return rng{p, rand.New(p)} // #nosec G404 -- synthetic data must be the same on every run
}

func (r rng) at(stream, n int64) rng {
	r.pcg.Seed(uint64(stream), uint64(n)) // #nosec G115 -- any bits make a seed; the sign does not matter
	return r
}

func (r rng) pick(list []string) string { return list[r.IntN(len(list))] }

const customerStream = 1

// customerOf makes customer k of n.
func customerOf(r rng, k, n int64) customer {
	r = r.at(customerStream, k)
	c := customer{k: k, branch: branchOf(k), agent: agentOf(k)}
	country := c.country()
	c.idType, c.idNumber = national[country].code, idNumber(country, k)
	c.createdAt = epoch.Add(time.Duration(float64(span) * float64(k) / float64(n))).
		Add(time.Duration(r.IntN(3600)) * time.Second)
	c.updatedAt = c.createdAt.Add(time.Duration(r.IntN(72*3600)) * time.Second)
	switch p := r.Float64(); {
	case p < 0.55:
		c.status = store.DraftSubmitted
	case p < 0.90:
		c.status = store.DraftOpen
	default:
		c.status = store.DraftDiscarded
	}
	c.values = values(r, country, k, c.status != store.DraftSubmitted)
	return c
}

// values are what the agent typed: everything for a submitted draft, a part of it for
// another (names first, as the form asks).
func values(r rng, country string, k int64, partial bool) map[string]string {
	given, family := r.pick(givenNames[country]), r.pick(familyNames[country])
	v := map[string]string{"first_name": given, "last_name": family}
	if r.IntN(3) == 0 {
		v["middle_name"] = r.pick(givenNames[country])
	}
	rest := []struct{ name, value string }{
		{"gender", r.pick([]string{"Male", "Female"})},
		{"date_of_birth", epoch.AddDate(-20-r.IntN(50), 0, -r.IntN(365)).Format(time.DateOnly)},
		{"nationality", country},
		{"country_of_birth", country},
		{"primary_mobile_number", phone(country, k)},
		{"email_id", fmt.Sprintf("customer%d@example.com", k)},
		{"current_city", r.pick(cities[country])},
		{"current_country", country},
		{"name_as_per_id", strings.ToUpper(given + " " + family)},
		{"date_of_expiry", epoch.AddDate(1+r.IntN(9), r.IntN(12), r.IntN(28)).Format(time.DateOnly)},
		{"annual_income_range_id", r.pick([]string{"1", "2", "3", "4"})},
		{"visa_expiry_date", visaExpiry(r)},
		{"political_exposed_person", yesOneIn(r, 50)},
	}
	n := len(rest)
	if partial {
		n = r.IntN(len(rest) + 1)
	}
	for _, f := range rest[:n] {
		if f.value != "" {
			v[f.name] = f.value
		}
	}
	return v
}

// visaExpiry is a residence visa's expiry for two customers in five, spread over the four
// years from the seed's first day, so that the worklist's daily watch finds a few each day
// (docs/performance.md); "" for the others.
func visaExpiry(r rng) string {
	if r.IntN(5) >= 2 {
		return ""
	}
	return epoch.AddDate(r.IntN(4), r.IntN(12), r.IntN(28)).Format(time.DateOnly)
}

// yesOneIn answers a yes-or-no field "yes" once in n customers, else leaves it empty (no).
func yesOneIn(r rng, n int) string {
	if r.IntN(n) == 0 {
		return "yes"
	}
	return ""
}

// idNumber is a valid, distinct national ID number for customer k (distinct up to ten
// million customers; beyond, some share a document, as discarded drafts do).
func idNumber(country string, k int64) string {
	spread := k * 7919 // prime to every power of ten: distinct k give distinct tails
	switch country {
	case "AE":
		return withCheckDigit(idnumber.EmiratesID, fmt.Sprintf("784%04d%07d", 1950+k%55, spread%10_000_000))
	case "MY":
		birth := epoch.AddDate(-20-int(k%50), 0, -int(k/50%365))
		return birth.Format("060102") + fmt.Sprintf("%06d", spread%1_000_000)
	case "IN":
		return withCheckDigit(idnumber.Aadhaar, fmt.Sprintf("%d%010d", 2+k%8, spread%10_000_000_000))
	}
	return fmt.Sprintf("1%015d", spread%1_000_000_000_000_000)
}

// withCheckDigit appends the digit that makes body a valid number of kind.
func withCheckDigit(kind, body string) string {
	for d := '0'; d <= '9'; d++ {
		if n, err := idnumber.Normalise(kind, body+string(d)); err == nil {
			return n
		}
	}
	panic("seed: no check digit makes " + kind + " " + body + " valid")
}

// phone is customer k's mobile number in the country's format.
func phone(country string, k int64) string {
	tail := k * 104729 // prime to powers of ten, like idNumber's
	switch country {
	case "AE":
		return fmt.Sprintf("+9715%08d", tail%100_000_000)
	case "MY":
		return fmt.Sprintf("+601%08d", tail%100_000_000)
	case "IN":
		return fmt.Sprintf("+919%09d", tail%1_000_000_000)
	}
	return fmt.Sprintf("+639%09d", tail%1_000_000_000)
}
