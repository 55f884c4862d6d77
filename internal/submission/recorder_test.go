package submission

import (
	"bytes"
	"encoding/json"
	"io"
	mathrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"

	"kycportal/internal/cdp"
)

// recorder stands in front of the sandbox and counts what reaches it, by ID number. It can
// also lose the answer to an onboard the sandbox carried out: the CDP registered the
// customer, the portal never hears of it, as when a connection breaks on the way back.
type recorder struct {
	next        http.Handler
	loseAnswers float64

	mu         sync.Mutex
	rng        *mathrand.Rand
	calls      map[string]int      // path → requests
	created    map[string]int      // ID number → onboards that created the customer
	duplicates map[string]int      // ID number → onboards for a customer the CDP had already
	lost       int                 // onboard answers lost after the customer was created
	requestIDs map[string][]string // ID number → X-Request-ID of every lookup and onboard
	ecrns      []string            // the ecrn of every onboard request that carried one: updates
}

func newRecorder(next http.Handler, loseAnswers float64) *recorder {
	return &recorder{next: next, loseAnswers: loseAnswers, rng: mathrand.New(mathrand.NewPCG(7, 7)),
		calls: map[string]int{}, created: map[string]int{}, duplicates: map[string]int{}, requestIDs: map[string][]string{}}
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	number := idNumberOf(body)
	r.mu.Lock()
	r.calls[req.URL.Path]++
	if number != "" {
		r.requestIDs[number] = append(r.requestIDs[number], req.Header.Get("X-Request-ID"))
	}
	var update struct {
		ECRN string `json:"ecrn"`
	}
	if req.URL.Path == cdp.OnboardPath && json.Unmarshal(body, &update) == nil && update.ECRN != "" {
		r.ecrns = append(r.ecrns, update.ECRN)
	}
	r.mu.Unlock()
	if req.URL.Path != cdp.OnboardPath {
		r.next.ServeHTTP(w, req)
		return
	}
	rec := httptest.NewRecorder()
	r.next.ServeHTTP(rec, req) // a dropped connection panics http.ErrAbortHandler through here
	if r.onboarded(number, rec) {
		panic(http.ErrAbortHandler) // the connection closes with no answer
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// onboarded counts one onboard answer and says whether to lose it.
func (r *recorder) onboarded(number string, rec *httptest.ResponseRecorder) (lose bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case rec.Code == http.StatusOK:
		r.created[number]++
		if r.rng.Float64() < r.loseAnswers {
			r.lost++
			return true
		}
	case bytes.Contains(rec.Body.Bytes(), []byte(`"errorCode":45002`)):
		r.duplicates[number]++
	}
	return false
}

func idNumberOf(body []byte) string {
	var b struct {
		IDNumber  string `json:"idNumber"`
		IDDetails []struct {
			IDNumber string `json:"id_number"`
		} `json:"id_details"`
	}
	_ = json.Unmarshal(body, &b)
	if b.IDNumber == "" && len(b.IDDetails) > 0 {
		return b.IDDetails[0].IDNumber
	}
	return b.IDNumber
}

func (r *recorder) count(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[path]
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// updates are the ECRNs of the updates sent, in order.
func (r *recorder) updates() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ecrns...)
}
