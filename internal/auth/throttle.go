package auth

import "time"

// FreeFailures is how many failed logins a username or address may have before delays start.
const FreeFailures = 5

// LockFor is how long a key stays locked after its n-th consecutive failure: nothing for the
// first FreeFailures, then 30 s doubling each time, at most 15 minutes.
func LockFor(n int) time.Duration {
	if n < FreeFailures {
		return 0
	}
	d := 30 * time.Second << min(n-FreeFailures, 5)
	return min(d, 15*time.Minute)
}
