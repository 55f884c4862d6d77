// Package branches is the branch registry's service: branches are records (code, name,
// country, time zone, the CDP agent location and channel, active), created, edited and
// disabled by administrators with a reason, each change audited. Users belong to an active
// registered branch, and the submission worker sends what the branch record says.
package branches

import (
	"context"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/packs"
	"kycportal/internal/store"
)

// Service holds what the registry needs.
type Service struct {
	DB    *store.DB
	Packs *packs.Registry

	zonesMu sync.Mutex
	zones   map[string]zoneEntry // by branch code: what Zone read last
}

// zoneKeptFor is how long Zone keeps a branch's time zone before reading the registry again:
// pages ask for it for every row they show.
const zoneKeptFor = time.Minute

type zoneEntry struct {
	loc  *time.Location // nil: the registry has no such branch
	read time.Time
}

// InvalidError says, field by field, what is wrong with a branch's details.
type InvalidError map[string]string

func (e InvalidError) Error() string {
	var lines []string
	for _, f := range slices.Sorted(maps.Keys(e)) {
		lines = append(lines, strings.ReplaceAll(f, "_", " ")+": "+e[f])
	}
	return strings.Join(lines, "\n")
}

// ErrUnknown refuses a branch code the registry does not hold as an active branch.
var ErrUnknown = errors.New("not an active registered branch")

var (
	codePattern     = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,19}$`)
	locationPattern = regexp.MustCompile(`^[0-9]{0,20}$`)
)

// Normalise trims b's text and upper-cases its codes.
func Normalise(b store.Branch) store.Branch {
	b.Code, b.Country = strings.ToUpper(strings.TrimSpace(b.Code)), strings.ToUpper(strings.TrimSpace(b.Country))
	b.Name, b.TimeZone = strings.TrimSpace(b.Name), strings.TrimSpace(b.TimeZone)
	b.CDPLocationID, b.Channel = strings.TrimSpace(b.CDPLocationID), strings.TrimSpace(b.Channel)
	return b
}

// Validate explains what is wrong with b, or returns nil.
func (s *Service) Validate(b store.Branch) error {
	bad := InvalidError{}
	if !codePattern.MatchString(b.Code) {
		bad["code"] = "1 to 20 capital letters, digits and dashes, such as DXB-01"
	}
	if b.Name == "" || len([]rune(b.Name)) > 100 {
		bad["name"] = "1 to 100 characters"
	}
	if _, ok := s.Packs.Latest(b.Country); !ok {
		bad["country"] = "choose a country the portal has a pack for: " + strings.Join(s.countries(), ", ")
	}
	if _, err := time.LoadLocation(b.TimeZone); err != nil || b.TimeZone == "" || b.TimeZone == "Local" {
		bad["time_zone"] = "an IANA time zone, such as Asia/Dubai"
	}
	if !locationPattern.MatchString(b.CDPLocationID) {
		bad["cdp_location_id"] = "digits only, as the CDP assigned them (up to 20)"
	}
	if len(b.Channel) > 20 {
		bad["channel"] = "at most 20 characters, as the CDP assigned it"
	}
	if len(bad) == 0 {
		return nil
	}
	return bad
}

func (s *Service) countries() []string {
	var out []string
	for _, p := range s.Packs.Countries() {
		out = append(out, p.Country)
	}
	return out
}

// Add registers a new, active branch; without a channel it gets the registry's default.
func (s *Service) Add(ctx context.Context, b store.Branch, reason string) error {
	b = Normalise(b)
	b.Active = true
	if err := s.Validate(b); err != nil {
		return err
	}
	return audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		return event(audit.BranchCreated, b.Code, reason, nil, facts(b)), store.AddBranch(ctx, tx, b)
	})
}

// Update rewrites a branch's details (its code stays), recording what changed.
func (s *Service) Update(ctx context.Context, b store.Branch, reason string) error {
	b = Normalise(b)
	err := s.Validate(b)
	if b.Channel == "" {
		err = errors.Join(err, InvalidError{"channel": "required: the channel the CDP assigned the branch"})
	}
	if err != nil {
		return err
	}
	return audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		old, err := store.BranchByCode(ctx, tx, b.Code, true)
		if err != nil {
			return audit.Event{}, err
		}
		action := audit.BranchUpdated
		if old.Active && !b.Active {
			action = audit.BranchDisabled
		}
		before, after := diff(facts(old), facts(b))
		return event(action, b.Code, reason, before, after), store.UpdateBranch(ctx, tx, b)
	})
}

// Disable stops a branch taking new users; its users and drafts stay as they are.
func (s *Service) Disable(ctx context.Context, code, reason string) error {
	b, err := store.BranchByCode(ctx, s.DB.Pool, strings.ToUpper(code), false)
	if err != nil {
		return err
	}
	b.Active = false
	return s.Update(ctx, b, reason)
}

// List is the registry, by code.
func (s *Service) List(ctx context.Context) ([]store.Branch, error) {
	return store.Branches(ctx, s.DB.Pool)
}

// Get is one branch.
func (s *Service) Get(ctx context.Context, code string) (store.Branch, error) {
	return store.BranchByCode(ctx, s.DB.Pool, code, false)
}

// Zone is the time zone the registry names for branch code, in which its people read
// times and its day starts; nil when the registry has no such branch or cannot be read now.
func (s *Service) Zone(ctx context.Context, code string) *time.Location {
	s.zonesMu.Lock()
	e, ok := s.zones[code]
	s.zonesMu.Unlock()
	if ok && time.Since(e.read) < zoneKeptFor {
		return e.loc
	}
	b, err := store.BranchByCode(ctx, s.DB.Pool, code, false)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil // not kept: the next page asks again
	}
	e = zoneEntry{read: time.Now()}
	if err == nil {
		e.loc, _ = time.LoadLocation(b.TimeZone) // checked when the branch was saved
	}
	s.zonesMu.Lock()
	if s.zones == nil {
		s.zones = map[string]zoneEntry{}
	}
	s.zones[code] = e
	s.zonesMu.Unlock()
	return e.loc
}

// CheckActive refuses a code that is not an active registered branch, in q's transaction.
func CheckActive(ctx context.Context, q store.Querier, code string) error {
	b, err := store.BranchByCode(ctx, q, code, false)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !b.Active) {
		return ErrUnknown
	}
	return err
}

func facts(b store.Branch) map[string]any {
	return map[string]any{"code": b.Code, "name": b.Name, "country": b.Country, "time_zone": b.TimeZone,
		"cdp_location_id": b.CDPLocationID, "channel": b.Channel, "active": b.Active}
}

// diff keeps the fields that change, so the trail shows a field-level history.
func diff(before, after map[string]any) (changedBefore, changedAfter map[string]any) {
	for k, v := range before {
		if after[k] == v && k != "code" {
			delete(before, k)
			delete(after, k)
		}
	}
	return before, after
}

func event(a audit.Action, code, reason string, before, after map[string]any) audit.Event {
	return audit.Event{Action: a, EntityType: "branch", EntityID: code, Reason: reason, Before: before, After: after}
}
