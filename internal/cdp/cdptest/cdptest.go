// Package cdptest holds what the tests of the CDP client, the sandbox and the portal share:
// complete customers that the sandbox accepts, and a clock that tests move by hand.
package cdptest

import (
	"fmt"
	"sync"
	"time"

	"kycportal/internal/payload"
)

// Clock is a clock that only moves when told to.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Small documents whose first bytes match their content type, as the sandbox checks.
func JPEG(label string) *payload.File {
	return &payload.File{ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00" + label)}
}

func PNG(label string) *payload.File {
	return &payload.File{ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n" + label)}
}

func PDF(label string) *payload.File {
	return &payload.File{ContentType: "application/pdf", Data: []byte("%PDF-1.7\n" + label)}
}

// EmiratesID is a valid Emirates ID number (784, a birth year, seven digits, a Luhn check
// digit) that no demo customer of the sandbox holds.
func EmiratesID(n int) string {
	return withLuhn(fmt.Sprintf("7841985%07d", n))
}

func withLuhn(digits string) string {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-i)%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + fmt.Sprint((10-sum%10)%10)
}

// AEDraftValues fill every field of the AE pack's draft form, for a customer the sandbox
// onboards whatever the Emirates ID.
func AEDraftValues() map[string]string { return DraftNamed("ae-national").Values }
