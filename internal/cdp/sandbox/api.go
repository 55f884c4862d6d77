package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"kycportal/internal/cdp/contract"
)

const maxOnboardBody = 48 << 20 // room for several 5 MiB documents in base64

// lookup is POST /caas/api/v2/customer/validate.
func (s *Sandbox) lookup(w http.ResponseWriter, r *http.Request) {
	var req struct {
		IDNumber string `json:"idNumber"`
		IDType   string `json:"idType"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	err := dec.Decode(&req)
	if err != nil || !contract.ValidIDNumber(req.IDType, req.IDNumber) {
		lookupBadRequest.write(w)
		return
	}
	if s.scripts[idKey{req.IDType, req.IDNumber}].Lookup == scriptSearchError {
		lookupSearchError.write(w)
		return
	}
	c, found := s.store.byID(req.IDType, req.IDNumber)
	switch {
	case !found:
		notFound.write(w)
	case c.Profile.CustomerStatus == statusBlocked:
		lookupBlocked.write(w)
	case c.Profile.AMLScanStatus == amlInvestigation:
		lookupInvestigation.write(w)
	case c.SubscriptionPending:
		notSubscribed.write(w)
	default:
		writeCustomer(w, c)
	}
}

// getCustomer is GET /caas/api/v2/customer/{ecrn}.
func (s *Sandbox) getCustomer(w http.ResponseWriter, r *http.Request) {
	c, found := s.store.byECRN(r.PathValue("ecrn"))
	switch {
	case !found:
		notFound.write(w)
	case c.SubscriptionPending:
		notSubscribed.write(w)
	default:
		writeCustomer(w, c)
	}
}

// onboard is POST /caas-lcm/api/v1/CAAS/onBoarding/customer: an update when ecrn is set.
func (s *Sandbox) onboard(w http.ResponseWriter, r *http.Request) {
	s.onboards.Add(1)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOnboardBody))
	if err != nil {
		onboardMissing.writeDetails(w, map[string]string{"body": "is unreadable or larger than 48 MiB"})
		return
	}
	o, v := check(body, s.cfg.Now())
	switch {
	case len(v.format) > 0:
		onboardMissing.writeDetails(w, v.format)
	case len(v.master) > 0:
		onboardMasterData.writeDetails(w, v.master)
	case o.ecrn != "":
		s.update(w, o)
	default:
		s.create(w, o.c)
	}
}

func (s *Sandbox) create(w http.ResponseWriter, c customer) {
	c.Profile.CustomerStatus = "ACTIVE"
	c.Profile.AMLScanStatus = "Accepted"
	c.Profile.IDStatus = "Active"
	switch s.scripts[idKey{c.IDType, c.IDNumber}].Onboard {
	case scriptBlocked:
		onboardBlocked.write(w)
		return
	case scriptBackendError:
		backendFailure.write(w)
		return
	case scriptInvestigate:
		c.Profile.AMLScanStatus = amlInvestigation
	}
	c, created, err := s.store.insert(c, s.newECRN)
	switch {
	case err != nil:
		http.Error(w, "sandbox store: "+err.Error(), http.StatusInternalServerError)
	case !created:
		onboardExists.writeECRN(w, c.ECRN)
	case c.Profile.AMLScanStatus == amlInvestigation:
		onboardInvestigation.writeECRN(w, c.ECRN)
	default:
		s.writeOnboarded(w, c)
	}
}

// update replaces what the request carries and keeps the CDP's own statuses.
func (s *Sandbox) update(w http.ResponseWriter, o onboarding) {
	c, found, err := s.store.modify(o.ecrn, func(c *customer) {
		p := o.c.Profile
		p.CustomerStatus = c.Profile.CustomerStatus
		p.AMLScanStatus = c.Profile.AMLScanStatus
		p.IDStatus = c.Profile.IDStatus
		c.Profile, c.PEP = p, o.c.PEP
	})
	switch {
	case err != nil:
		http.Error(w, "sandbox store: "+err.Error(), http.StatusInternalServerError)
	case !found:
		updateFailed.write(w)
	default:
		s.writeOnboarded(w, c)
	}
}

// newECRN is 16 digits: the issued country's ISO numeric prefix (784 for AE), then 13 random.
func (s *Sandbox) newECRN(country string) string {
	prefix, ok := s.ecrnPrefixes[country]
	if !ok {
		prefix = "100"
	}
	return fmt.Sprintf("%s%013d", prefix, s.randomBelow(1e13))
}
