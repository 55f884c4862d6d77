package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"kycportal/internal/cdp"
)

// answer is one failure body of the contract (and docs/cdp.md) with its HTTP status.
type answer struct {
	http       int
	statusCode int
	status     string // "failure" in the lookup table, "failed" in most onboarding bodies
	code       int
	snakeCase  bool   // error_code, as the client evidence shows for onboarding's 45013
	message    string // "%s" stands for the ECRN
}

var (
	notFound = answer{
		http:       200,
		statusCode: 404,
		status:     "failure",
		code:       45001,
		message:    "Customer not found",
	}
	notSubscribed = answer{
		http:       200,
		statusCode: 404,
		status:     "failure",
		code:       45003,
		message:    "Customer not Subscribed",
	}
	lookupBadRequest = answer{
		http:       200,
		statusCode: 400,
		status:     "failure",
		code:       45005,
		message:    "Invalid Lookup request",
	}
	lookupSearchError = answer{
		http:       200,
		statusCode: 404,
		status:     "failure",
		code:       45006,
		message:    "Error while searching customer!",
	}
	lookupInvestigation = answer{
		http:       200,
		statusCode: 406,
		status:     "failure",
		code:       45013,
		message:    "Customer under compliance investigation",
	}
	lookupBlocked = answer{
		http:       200,
		statusCode: 406,
		status:     "failure",
		code:       45051,
		message:    "Customer is blocked",
	}
	onboardInvestigation = answer{
		http:       406,
		statusCode: 406,
		status:     "failed",
		code:       45013,
		snakeCase:  true,
		message:    "Customer created with ECRN %s and is under compliance investigation",
	}
	onboardBlocked = answer{
		http:       406,
		statusCode: 406,
		status:     "failed",
		code:       45051,
		message:    "Customer is blocked",
	}
	onboardExists = answer{
		http:       406,
		statusCode: 406,
		status:     "failed",
		code:       45002,
		message:    "Customer already exists with ECRN %s",
	}
	onboardMasterData = answer{
		http:       400,
		statusCode: 400,
		status:     "failure",
		code:       45053,
		message:    "Invalid master data",
	}
	onboardMissing = answer{
		http:       400,
		statusCode: 400,
		status:     "failure",
		code:       40002,
		message:    "Invalid format or missing mandatory request",
	}
	updateFailed = answer{
		http:       404,
		statusCode: 404,
		status:     "failed",
		code:       45032,
		message:    "Customer updation failed: ECRN not found",
	}
	backendFailure = answer{
		http:       502,
		statusCode: 502,
		status:     "failed",
		code:       40001,
		message:    "Backend Technical Problem",
	}
)

type failureBody struct {
	Status         string            `json:"status"`
	StatusCode     int               `json:"statusCode"`
	ErrorCode      int               `json:"errorCode,omitempty"`
	ErrorCodeSnake int               `json:"error_code,omitempty"`
	Message        string            `json:"message"`
	Details        map[string]string `json:"details,omitempty"`
}

func (a answer) write(w http.ResponseWriter) { a.send(w, a.message, nil) }

func (a answer) writeECRN(w http.ResponseWriter, ecrn string) {
	a.send(w, fmt.Sprintf(a.message, ecrn), nil)
}

func (a answer) writeDetails(w http.ResponseWriter, details map[string]string) {
	a.send(w, a.message, details)
}

func (a answer) send(w http.ResponseWriter, message string, details map[string]string) {
	body := failureBody{Status: a.status, StatusCode: a.statusCode, Message: message, Details: details}
	if a.snakeCase {
		body.ErrorCodeSnake = a.code
	} else {
		body.ErrorCode = a.code
	}
	writeJSON(w, a.http, body)
}

type successBody struct {
	Status     string `json:"status"`
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message,omitempty"`
	RequestID  string `json:"requestId,omitempty"`
	Data       any    `json:"data"`
}

type customerData struct {
	ECRN string `json:"ecrn"`
	cdp.CustomerRecord
}

func writeCustomer(w http.ResponseWriter, c customer) {
	writeJSON(
		w,
		http.StatusOK,
		successBody{
			Status:     "success",
			StatusCode: 200,
			Message:    "Successfully Processed",
			Data:       customerData{c.ECRN, c.Profile},
		},
	)
}

type onboardData struct {
	ECRN           string `json:"ecrn"`
	CustomerStatus string `json:"customer_status"`
	AMLScanStatus  string `json:"aml_scan_status"`
	PEP            bool   `json:"pep"`
	AMLCategory    string `json:"aml_category"`
}

func (s *Sandbox) writeOnboarded(w http.ResponseWriter, c customer) {
	requestID := fmt.Sprintf("%016x%016x", s.randomBelow(1<<63), s.randomBelow(1<<63))
	writeJSON(w, http.StatusOK, successBody{Status: "success", StatusCode: 200, RequestID: requestID, Data: onboardData{
		ECRN: c.ECRN, CustomerStatus: c.Profile.CustomerStatus, AMLScanStatus: c.Profile.AMLScanStatus, PEP: c.PEP, AMLCategory: "2",
	}})
}

type springError struct {
	Timestamp string `json:"timestamp"`
	Status    int    `json:"status"`
	Error     string `json:"error"`
	Path      string `json:"path"`
}

// writeUnauthorized is the gateway's Spring 401; its path drops the first segment, as in the
// contract's sample (/api/v2/customer/validate).
func writeUnauthorized(w http.ResponseWriter, r *http.Request, now time.Time) {
	path := r.URL.Path
	if i := strings.IndexByte(path[1:], '/'); i >= 0 {
		path = path[i+1:]
	}
	writeJSON(w, http.StatusUnauthorized, springError{
		Timestamp: now.UTC().Format("2006-01-02T15:04:05.000-07:00"),
		Status:    http.StatusUnauthorized,
		Error:     "Unauthorized",
		Path:      path,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client has gone if this fails
}
