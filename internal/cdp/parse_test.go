package cdp

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// The source spells two keys both ways; either spelling maps the same, a conflict is refused.
func TestParseToleratesBothKeySpellings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   Outcome
		ecrn   string
	}{
		{"errorCode", 406, `{"status":"failed","statusCode":406,"errorCode":45013,"message":"created 7841234567890123"}`, UnderInvestigation, "7841234567890123"},
		{"error_code", 406, `{"status":"failed","statusCode":406,"error_code":45013,"message":"created 7841234567890123"}`, UnderInvestigation, "7841234567890123"},
		{"status_code on success", 200, `{"status":"success","status_code":200,"data":{"ecrn":"7841234567890123"}}`, Accepted, "7841234567890123"},
		{"ECRN for 45002", 406, `{"status":"failed","statusCode":406,"errorCode":45002,"message":"exists with ECRN 7841003233051516."}`, AlreadyExists, "7841003233051516"},
		{"no 16-digit ECRN in the message", 406, `{"status":"failed","statusCode":406,"errorCode":45013,"message":"ID 784199554586091"}`, UnderInvestigation, ""},
		{"conflicting codes", 406, `{"status":"failed","statusCode":406,"errorCode":45013,"error_code":45051,"message":"x"}`, CDPError, ""},
		{"code as text", 406, `{"status":"failed","statusCode":406,"errorCode":"45013"}`, CDPError, ""},
		{"key in other case", 200, `{"STATUS":"success","statusCode":200,"data":{"ecrn":"7841234567890123"}}`, CDPError, ""},
		{"success without ecrn", 200, `{"status":"success","statusCode":200,"data":{"customer_status":"ACTIVE"}}`, CDPError, ""},
		{"success with an error code", 200, `{"status":"success","statusCode":200,"errorCode":45001,"data":{"ecrn":"1"}}`, CDPError, ""},
		{"unknown code", 400, `{"status":"failure","statusCode":400,"errorCode":49999}`, CDPError, ""},
		{"HTML from a proxy", 404, `<html>not found</html>`, CDPError, ""},
		{"gateway 503", 503, `<html>down</html>`, Unavailable, ""},
		{"rate limited", 429, ``, Unavailable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := parse(onboardEndpoint, tc.status, []byte(tc.body))
			if res.Outcome != tc.want || res.ECRN != tc.ecrn {
				t.Fatalf("got %v %q (%v); want %v %q", res.Outcome, res.ECRN, res.Err, tc.want, tc.ecrn)
			}
		})
	}
}

func TestParseKeepsTheCodeOfAnUnknownAnswer(t *testing.T) {
	t.Parallel()
	res := parse(lookupEndpoint, 200, []byte(`{"status":"failure","statusCode":404,"errorCode":45999,"message":"new"}`))
	if res.Outcome != CDPError || res.Code != 45999 || res.Message != "new" {
		t.Fatalf("got %+v", res)
	}
}

func TestParseKeepsDetailsOfAnyShape(t *testing.T) {
	t.Parallel()
	res := parse(
		onboardEndpoint,
		400,
		[]byte(
			`{"status":"failure","statusCode":400,"errorCode":40002,"details":{"first_name":"is mandatory","id_details":["x"]}}`,
		),
	)
	if res.Details["first_name"] != "is mandatory" || res.Details["id_details"] != `["x"]` {
		t.Fatalf("details %v", res.Details)
	}
}

func TestRefreshMargin(t *testing.T) {
	t.Parallel()
	for life, want := range map[time.Duration]time.Duration{
		7199 * time.Second: 719900 * time.Millisecond, // 10 % of the documented lifetime
		300 * time.Second:  60 * time.Second,          // the 60 s floor
		2 * time.Second:    time.Second,               // never more than half the lifetime
	} {
		if got := refreshMargin(life); got != want {
			t.Errorf("refreshMargin(%v) = %v; want %v", life, got, want)
		}
	}
}

var endpoints = []endpoint{lookupEndpoint, getEndpoint, onboardEndpoint, updateEndpoint}

// FuzzParseResponse: never a panic, always an outcome, and a success only for a body that is
// one by the contract, judged here without the parser.
func FuzzParseResponse(f *testing.F) {
	f.Fuzz(func(t *testing.T, ep uint8, status int, body []byte) {
		res := parse(endpoints[int(ep)%len(endpoints)], status, body)
		if res.Outcome.String() == "unknown" {
			t.Fatalf("no outcome for HTTP %d %q", status, body)
		}
		if (res.Outcome == Found || res.Outcome == Accepted) && !successBody(status, body) {
			t.Fatalf("%v for HTTP %d %q", res.Outcome, status, body)
		}
	})
}

// successBody: HTTP 200, status "success", every status code present is 200, no error code,
// and a data object.
func successBody(status int, body []byte) bool {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if status != 200 || dec.Decode(&m) != nil || m["status"] != "success" || m["errorCode"] != nil ||
		m["error_code"] != nil {
		return false
	}
	codes := 0
	for _, key := range []string{"statusCode", "status_code"} {
		if v, ok := m[key]; ok {
			if v != json.Number("200") {
				return false
			}
			codes++
		}
	}
	_, isObject := m["data"].(map[string]any)
	return codes > 0 && isObject
}
