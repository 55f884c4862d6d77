package cdp

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
)

// endpoint is one documented CDP call: its label and how its error codes map to outcomes.
type endpoint struct {
	name       string
	success    Outcome
	codes      map[int]Outcome
	idempotent bool // retried automatically on Unavailable
}

var onboardCodes = map[int]Outcome{
	45013: UnderInvestigation,
	45051: Blocked,
	45002: AlreadyExists,
	45053: InvalidMasterData,
	40002: MissingFields,
	45032: UpdateFailed,
	40001: Unavailable,
}

var (
	lookupEndpoint = endpoint{name: "lookup", success: Found, idempotent: true, codes: map[int]Outcome{
		45001: NotFound,
		45003: SubscriptionPending,
		45051: Blocked,
		45013: UnderInvestigation,
		45005: InvalidRequest,
		45006: CDPError,
	}}
	getEndpoint = endpoint{name: "get_customer", success: Found, idempotent: true, codes: map[int]Outcome{
		45001: NotFound,
		45003: NotSubscribed,
	}}
	onboardEndpoint = endpoint{name: "onboard", success: Accepted, codes: onboardCodes}
	updateEndpoint  = endpoint{name: "update", success: Accepted, codes: onboardCodes}
)

// envelope is the part of every CDP answer body that says how the call went.
type envelope struct {
	status             string
	statusCode, code   int
	message, requestID string
	details            map[string]json.RawMessage
	data               json.RawMessage
}

// decodeEnvelope reads the envelope's keys exactly as spelled (encoding/json alone would also
// take "STATUS"), accepting both spellings the source uses for the two codes.
func decodeEnvelope(body []byte) (envelope, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return envelope{}, err
	}
	var env envelope
	var statusCamel, statusSnake, codeCamel, codeSnake *int
	var errs []error
	for key, dst := range map[string]any{
		"status": &env.status, "statusCode": &statusCamel, "status_code": &statusSnake,
		"errorCode": &codeCamel, "error_code": &codeSnake, "message": &env.message,
		"requestId": &env.requestID, "details": &env.details, "data": &env.data,
	} {
		if v, ok := raw[key]; ok {
			errs = append(errs, json.Unmarshal(v, dst))
		}
	}
	var err error
	env.statusCode, err = pick(statusCamel, statusSnake)
	errs = append(errs, err)
	env.code, err = pick(codeCamel, codeSnake)
	return env, errors.Join(append(errs, err)...)
}

// data is the success payload: the lookup/get customer fields, or onboard's statuses.
type data struct {
	ECRN string `json:"ecrn"`
	CustomerRecord
}

var (
	ecrnPattern        = regexp.MustCompile(`^[0-9]{1,32}$`)
	ecrnInMessage      = regexp.MustCompile(`(?:^|[^0-9])([0-9]{16})(?:[^0-9]|$)`)
	errUnexpectedShape = errors.New("unexpected CDP answer")
)

// parse maps one HTTP answer to an outcome. Only a body that is a success in every respect is
// a success; anything else keeps its code and becomes an error outcome.
func parse(ep endpoint, status int, body []byte) Result {
	res := Result{Status: status}
	env, err := decodeEnvelope(body)
	res.Code, res.Message = env.code, env.message
	switch {
	case status == http.StatusUnauthorized:
		res.Outcome = AuthFailed
		return res
	case status == http.StatusTooManyRequests || status >= 500:
		res.Outcome = Unavailable
		return res
	case err != nil:
		return unexpected(res, err)
	case env.code == 0 && status == http.StatusOK && env.status == "success" && env.statusCode == http.StatusOK:
		return success(ep, res, env)
	case env.code == 0:
		return unexpected(res, errUnexpectedShape)
	}
	outcome, known := ep.codes[env.code]
	if !known {
		return unexpected(res, fmt.Errorf("%w: code %d", errUnexpectedShape, env.code))
	}
	res.Outcome, res.Details = outcome, details(env.details)
	if outcome == UnderInvestigation || outcome == AlreadyExists {
		if m := ecrnInMessage.FindStringSubmatch(env.message); m != nil {
			res.ECRN = m[1]
		}
	}
	return res
}

func success(ep endpoint, res Result, env envelope) Result {
	var d data
	if err := json.Unmarshal(env.data, &d); err != nil {
		return unexpected(res, fmt.Errorf("success without readable data: %w", err))
	}
	if !ecrnPattern.MatchString(d.ECRN) {
		return unexpected(res, fmt.Errorf("%w: success without a numeric ecrn", errUnexpectedShape))
	}
	res.Outcome = ep.success
	res.ECRN = d.ECRN
	res.Customer = d.CustomerRecord
	res.RequestID = env.requestID
	return res
}

func unexpected(res Result, err error) Result {
	res.Outcome, res.Err = CDPError, err
	return res
}

// pick takes whichever spelling is present; two different values are not guessed between.
func pick(camel, snake *int) (int, error) {
	switch {
	case camel != nil && snake != nil && *camel != *snake:
		return 0, fmt.Errorf("%w: conflicting codes %d and %d", errUnexpectedShape, *camel, *snake)
	case camel != nil:
		return *camel, nil
	case snake != nil:
		return *snake, nil
	}
	return 0, nil
}

// details keeps string reasons as they are and any other JSON value as its text.
func details(raw map[string]json.RawMessage) map[string]string {
	if len(raw) == 0 {
		return nil
	}
	out := make(map[string]string, len(raw))
	for field, v := range raw {
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		out[field] = s
	}
	return out
}

// Calls names each CDP call as the audit trail records it.
var Calls = []string{lookupEndpoint.name, getEndpoint.name, onboardEndpoint.name, updateEndpoint.name}

// Codes are the contract's error codes of a call (named as in Calls) and the outcome each
// gives; nil for an unknown call.
func Codes(call string) map[int]Outcome {
	for _, ep := range []endpoint{lookupEndpoint, getEndpoint, onboardEndpoint, updateEndpoint} {
		if ep.name == call {
			return maps.Clone(ep.codes)
		}
	}
	return nil
}
