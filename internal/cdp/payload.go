package cdp

import "maps"

// Payload is an onboard request body as the payload package builds it from a draft's pack:
// JSON objects are map[string]any, arrays []any. The client sends it as it is.
type Payload map[string]any

// WithECRN is a copy of p that updates the customer registered under ecrn: what Update sends.
func (p Payload) WithECRN(ecrn string) Payload {
	out := maps.Clone(p)
	out["ecrn"] = ecrn
	return out
}
