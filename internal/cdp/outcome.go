package cdp

// Outcome is what a CDP call came to. Every call returns exactly one; handlers switch on it.
type Outcome int

const (
	_                   Outcome = iota
	Found                       // lookup, get: the customer exists and is usable
	NotFound                    // lookup, get: 45001
	SubscriptionPending         // lookup: 45003
	NotSubscribed               // get: 45003
	Blocked                     // lookup 45051; onboard 406/45051
	UnderInvestigation          // lookup 45013; onboard 406/45013, which did create the customer
	InvalidRequest              // lookup 45005; also a call refused before sending (update without ECRN)
	Accepted                    // onboard, update: the customer is registered
	AlreadyExists               // onboard 406/45002: the ID is registered under Result.ECRN
	InvalidMasterData           // onboard 400/45053, Result.Details names the fields
	MissingFields               // onboard 400/40002, Result.Details names the fields
	UpdateFailed                // update 404/45032
	CDPError                    // 45006, and any code or shape this client does not know
	AuthFailed                  // token refused, or a 401 that survived one new token
	Unavailable                 // timeouts, connection errors, 429 and 5xx (onboard 502/40001)
)

var outcomeNames = [...]string{
	Found:               "found",
	NotFound:            "not_found",
	SubscriptionPending: "subscription_pending",
	NotSubscribed:       "not_subscribed",
	Blocked:             "blocked",
	UnderInvestigation:  "under_investigation",
	InvalidRequest:      "invalid_request",
	Accepted:            "accepted",
	AlreadyExists:       "already_exists",
	InvalidMasterData:   "invalid_master_data",
	MissingFields:       "missing_fields",
	UpdateFailed:        "update_failed",
	CDPError:            "cdp_error",
	AuthFailed:          "auth_failed",
	Unavailable:         "unavailable",
}

// String is the snake_case name used in metrics and logs.
func (o Outcome) String() string {
	if o <= 0 || int(o) >= len(outcomeNames) {
		return "unknown"
	}
	return outcomeNames[o]
}

// failed reports the outcomes that say the call itself went wrong, rather than what the CDP
// knows about the customer.
func (o Outcome) failed() bool { return o == CDPError || o == AuthFailed || o == Unavailable }

// Result is one call's outcome with what the CDP said about it.
type Result struct {
	Outcome   Outcome
	ECRN      string            // when known: Found, Accepted, UnderInvestigation, AlreadyExists
	Customer  CustomerRecord    // Found; Accepted carries the two statuses
	Status    int               // HTTP status of the last answer; 0 when none arrived
	Code      int               // CDP errorCode / error_code; 0 when none
	Message   string            // CDP's message; may name the ECRN, never logged
	Details   map[string]string // field → reason, for InvalidMasterData and MissingFields
	RequestID string            // CDP's requestId on an accepted onboard
	Err       error             // the cause behind Unavailable, AuthFailed and CDPError, when local
}

// Retryable reports whether sending the same request again may succeed. For onboard and
// update the first attempt may still have registered the customer: reconcile before resending.
func (r Result) Retryable() bool { return r.Outcome == Unavailable }

// CustomerRecord is the customer data of a lookup or get answer. All values are strings as
// the CDP sends them; IDDateOfExpiry keeps the CDP's format (2023-08-08T00:00:00.000+00:00).
type CustomerRecord struct {
	FirstName           string `json:"first_name"`
	MiddleName          string `json:"middle_name"`
	LastName            string `json:"last_name"`
	DateOfBirth         string `json:"date_of_birth,omitempty"` // YYYY-MM-DD; the sandbox's, docs/cdp.md
	AgentLocationID     string `json:"agent_location_id"`
	PrimaryMobileNumber string `json:"primary_mobile_number"`
	EmailID             string `json:"email_id"`
	CustomerStatus      string `json:"customer_status"`
	AMLScanStatus       string `json:"aml_scan_status"`
	IDStatus            string `json:"id_status"`
	IDDateOfExpiry      string `json:"id_date_of_expiry"`
}
