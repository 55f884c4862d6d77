package handlers

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Refusals of callers who could not sign a callback are counted per client address and window
// in this process, not recorded one by one: anyone can send them, and each used to cost an
// undeletable audit row and a log line. Every refusal counts in the metric
// portal_cdp_callback_refusals_total; the first of an address in a window is audited and
// logged, carrying how many went unrecorded since that address's last recorded one; past
// refusalLimit in a window the address gets 429 before any signature is checked. With
// several replicas, each keeps its own windows.
const (
	refusalWindow       = 10 * time.Minute
	refusalLimit        = 60
	maxRefusalAddresses = 10_000 // addresses tracked at once; beyond, refusals are only counted
)

type callbackRefusals struct {
	mu      sync.Mutex
	windows map[string]*addressWindow
	total   *prometheus.CounterVec
}

type addressWindow struct {
	start      time.Time
	refused    int // in this window
	unrecorded int // since the last recorded refusal
}

func newCallbackRefusals(reg prometheus.Registerer) (*callbackRefusals, error) {
	r := &callbackRefusals{windows: map[string]*addressWindow{}, total: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portal_cdp_callback_refusals_total",
		Help: "AML alert closure callbacks refused before their signature was accepted, by answer status.",
	}, []string{"status"})}
	return r, reg.Register(r.total)
}

// limited reports whether address has used up its refusals of the window at now; such a
// request counts as one more refusal.
func (r *callbackRefusals) limited(address string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.windows[address]
	if w == nil || now.Sub(w.start) >= refusalWindow || w.refused < refusalLimit {
		return false
	}
	w.unrecorded++
	r.total.WithLabelValues("429").Inc()
	return true
}

// note counts a refusal (answered status) from address at now. record says whether it is the
// first of its window, to audit and log; earlier is how many since the address's last
// recorded refusal were not.
func (r *callbackRefusals) note(address string, status int, now time.Time) (record bool, earlier int) {
	r.total.WithLabelValues(strconv.Itoa(status)).Inc()
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.windows[address]
	if w == nil {
		if len(r.windows) >= maxRefusalAddresses && !r.prune(now) {
			return false, 0
		}
		w = &addressWindow{}
		r.windows[address] = w
	}
	if w.refused > 0 && now.Sub(w.start) < refusalWindow {
		w.refused++
		w.unrecorded++
		return false, 0
	}
	earlier = w.unrecorded
	*w = addressWindow{start: now, refused: 1}
	return true, earlier
}

// prune forgets addresses whose window has ended without a refusal left unrecorded, and
// reports whether there is room for another.
func (r *callbackRefusals) prune(now time.Time) bool {
	for address, w := range r.windows {
		if now.Sub(w.start) >= refusalWindow && w.unrecorded == 0 {
			delete(r.windows, address)
		}
	}
	return len(r.windows) < maxRefusalAddresses
}
