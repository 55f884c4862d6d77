package sandbox

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"kycportal/internal/cdp"
)

//go:embed seed.json
var seedJSON []byte

// customer is a customer registered in the sandbox CDP. Lookup answers from its state:
// BLOCKED → 45051, "Under Investigation" → 45013, subscription pending → 45003, else found.
type customer struct {
	Note                string             `json:"note,omitempty"`
	ECRN                string             `json:"ecrn"`
	IDType              string             `json:"id_type"`
	IDNumber            string             `json:"id_number"`
	IssuedCountry       string             `json:"issued_country"`
	SubscriptionPending bool               `json:"subscription_pending,omitempty"`
	PEP                 bool               `json:"pep,omitempty"`
	Profile             cdp.CustomerRecord `json:"profile"` // the data object of lookup and get
}

const (
	statusBlocked      = "BLOCKED"
	amlInvestigation   = "Under Investigation"
	scriptSearchError  = "search_error"
	scriptBlocked      = "blocked"
	scriptBackendError = "backend_error"
	scriptInvestigate  = "under_investigation"
)

// script forces answers for an ID that is not a customer (yet).
type script struct {
	Note     string `json:"note"`
	IDType   string `json:"id_type"`
	IDNumber string `json:"id_number"`
	Lookup   string `json:"lookup,omitempty"`  // search_error
	Onboard  string `json:"onboard,omitempty"` // blocked, backend_error, under_investigation
}

type idKey struct{ idType, number string }

type seed struct {
	Note         string            `json:"note"`
	Customers    []customer        `json:"customers"`
	Scripts      []script          `json:"scripts"`
	ECRNPrefixes map[string]string `json:"ecrn_prefixes"`
}

func loadSeed() (seed, error) {
	var sd seed
	dec := json.NewDecoder(bytes.NewReader(seedJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sd); err != nil {
		return seed{}, fmt.Errorf("sandbox: seed.json: %w", err)
	}
	for _, sc := range sd.Scripts {
		if !slices.Contains([]string{"", scriptSearchError}, sc.Lookup) ||
			!slices.Contains([]string{"", scriptBlocked, scriptBackendError, scriptInvestigate}, sc.Onboard) {
			return seed{}, fmt.Errorf("sandbox: seed.json: script for %s has an unknown answer", sc.IDNumber)
		}
	}
	return sd, nil
}

func (sd seed) scriptsByID() map[idKey]script {
	m := make(map[idKey]script, len(sd.Scripts))
	for _, sc := range sd.Scripts {
		m[idKey{sc.IDType, sc.IDNumber}] = sc
	}
	return m
}

// store holds the customers: the seed's, then those onboarded, optionally kept in a file.
type store struct {
	mu        sync.Mutex
	customers []customer
	path      string
}

// openStore starts from the seed; customers saved in path replace seeded ones of the same ECRN.
func openStore(path string, seeded []customer) (*store, error) {
	s := &store{customers: seeded, path: path}
	if path == "" {
		return s, nil
	}
	b, err := os.ReadFile(path) // #nosec G304 -- the file the operator gave --store
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	var saved []customer
	if err == nil {
		err = json.Unmarshal(b, &saved)
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: store %s: %w", path, err)
	}
	for _, c := range saved {
		if i := s.index(func(o customer) bool { return o.ECRN == c.ECRN }); i >= 0 {
			s.customers[i] = c
		} else {
			s.customers = append(s.customers, c)
		}
	}
	return s, nil
}

func (s *store) index(match func(customer) bool) int {
	for i, c := range s.customers {
		if match(c) {
			return i
		}
	}
	return -1
}

func (s *store) find(match func(customer) bool) (customer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.index(match); i >= 0 {
		return s.customers[i], true
	}
	return customer{}, false
}

func (s *store) byID(idType, number string) (customer, bool) {
	return s.find(func(c customer) bool { return c.IDType == idType && c.IDNumber == number })
}

func (s *store) byECRN(ecrn string) (customer, bool) {
	return s.find(func(c customer) bool { return c.ECRN == ecrn })
}

// insert adds c under a fresh ECRN, unless a customer with the same issued country, ID type
// and number exists: then that one is returned and created is false.
func (s *store) insert(c customer, newECRN func(country string) string) (_ customer, created bool, _ error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.index(func(o customer) bool {
		return o.IssuedCountry == c.IssuedCountry && o.IDType == c.IDType && o.IDNumber == c.IDNumber
	}); i >= 0 {
		return s.customers[i], false, nil
	}
	for c.ECRN == "" || s.index(func(o customer) bool { return o.ECRN == c.ECRN }) >= 0 {
		c.ECRN = newECRN(c.IssuedCountry)
	}
	s.customers = append(s.customers, c)
	return c, true, s.save()
}

// modify applies change to the customer with ecrn; found is false when there is none.
func (s *store) modify(ecrn string, change func(*customer)) (_ customer, found bool, _ error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.index(func(c customer) bool { return c.ECRN == ecrn })
	if i < 0 {
		return customer{}, false, nil
	}
	change(&s.customers[i])
	return s.customers[i], true, s.save()
}

// save writes every customer to path through a temporary file, so a crash never leaves half.
func (s *store) save() error {
	if s.path == "" {
		return nil
	}
	b, err := json.MarshalIndent(s.customers, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), filepath.Base(s.path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		return errors.Join(err, tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.path)
}
