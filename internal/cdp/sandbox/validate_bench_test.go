package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"kycportal/internal/cdp/cdptest"
)

// BenchmarkCheckOnboarding is the sandbox's own work on an onboard body whose documents are
// photos of 120 KB, the size of the upload corpus's: what its CPU a submission in the
// worker's bench is made of (docs/performance.md).
func BenchmarkCheckOnboarding(b *testing.B) {
	photo := make([]byte, 120_000)
	copy(photo, "\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	var p any
	body, err := json.Marshal(cdptest.AECustomer())
	if err == nil {
		err = json.Unmarshal(body, &p)
	}
	if err != nil {
		b.Fatal(err)
	}
	withPhoto(p, base64.StdEncoding.EncodeToString(photo))
	if body, err = json.Marshal(p); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, v := check(body, now); len(v.format)+len(v.master) > 0 {
			b.Fatal(v)
		}
	}
}

// withPhoto sets the base64_data of every JPEG document in v to data.
func withPhoto(v any, data string) {
	switch v := v.(type) {
	case map[string]any:
		if v["content_type"] == "image/jpeg" {
			v["base64_data"] = data
		}
		for _, e := range v {
			withPhoto(e, data)
		}
	case []any:
		for _, e := range v {
			withPhoto(e, data)
		}
	}
}
