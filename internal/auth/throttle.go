package auth

import (
	"context"
	"time"

	"kycportal/internal/store"
)

// The throttling of password checks (sign-in, the password page and the approval step-up
// alike), described against OWASP's authentication cheat sheet in docs/security.md. Failures
// are counted under three keys:
//   - a username at one client address: FreeFailures free, then locked (LockFor);
//   - an address across usernames: FreeAddressFailures free, then locked the same way;
//   - a username from anywhere: never locked, so that whoever knows a username cannot keep
//     its owner out; past FreeUsernameFailures every check of it waits first (DelayFor).
//
// Each count forgets one failure for every DecayStep without a failure.
const (
	FreeFailures         = 5
	FreeAddressFailures  = 20
	FreeUsernameFailures = 10
	DecayStep            = 5 * time.Minute
	maxLock              = 15 * time.Minute
	maxDelay             = 8 * time.Second
)

// LockFor is how long a username at one address stays locked after its n-th failure:
// nothing for the first FreeFailures, then 30 s doubling each time, at most 15 minutes.
func LockFor(n int) time.Duration {
	if n < FreeFailures {
		return 0
	}
	return min(30*time.Second<<min(n-FreeFailures, 5), maxLock)
}

// addressLockFor is LockFor with the address's larger allowance.
func addressLockFor(n int) time.Duration {
	return LockFor(n - (FreeAddressFailures - FreeFailures))
}

func neverLock(int) time.Duration { return 0 }

// DelayFor is how long a check of a username waits once it has n recent failures from
// anywhere: nothing for the first FreeUsernameFailures, then half a second doubling, at most
// eight seconds. It slows a guesser spread over many addresses; the rightful user waits a
// few seconds at worst, and is never refused.
func DelayFor(n int) time.Duration {
	if n < FreeUsernameFailures {
		return 0
	}
	return min(500*time.Millisecond<<min(n-FreeUsernameFailures, 5), maxDelay)
}

// throttleKey is one key of a check and how its count locks.
type throttleKey struct {
	name    string
	lockFor func(int) time.Duration
}

func pairKey(username, address string) string { return "pair:" + username + "|" + address }
func usernameKey(username string) string      { return "user:" + username }

// throttleKeys are the keys one check of username from address counts against.
func throttleKeys(username, address string) []throttleKey {
	return []throttleKey{
		{pairKey(username, address), LockFor},
		{"ip:" + address, addressLockFor},
		{usernameKey(username), neverLock},
	}
}

// decayed is the count of f at now, after the forgiveness of the quiet time since.
func decayed(f store.LoginFailures, now time.Time) int {
	if f.Failures == 0 {
		return 0
	}
	return max(0, f.Failures-int(now.Sub(f.LastFailureAt)/DecayStep))
}

// sleep waits d unless ctx ends first; the service's Sleep replaces it in tests that move a
// clock instead.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
