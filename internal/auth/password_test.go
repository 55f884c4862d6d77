package auth

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestHashAndVerify(t *testing.T) {
	t.Parallel()
	h := NewHasher(2)
	ctx := context.Background()
	hash, err := h.Hash(ctx, "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not carry OWASP's argon2id parameters", hash)
	}
	for password, want := range map[string]bool{"a long enough passphrase": true, "a long enough passphrasE": false, "": false} {
		if got, err := h.Verify(ctx, hash, password); err != nil || got != want {
			t.Errorf("Verify(%q) = %v, %v; want %v", password, got, err, want)
		}
	}
	if ok, err := h.Verify(ctx, "", "anything"); ok || err != nil {
		t.Errorf("Verify against no user = %v, %v; want false, nil", ok, err)
	}
}

// The bound on concurrent hashes holds however many logins arrive at once.
func TestHasherBoundsConcurrency(t *testing.T) {
	t.Parallel()
	h := NewHasher(2)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := h.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(5 * time.Millisecond) // hold the slot so that others must queue
			running.Add(-1)
			h.release()
		})
	}
	wg.Wait()
	if peak.Load() != 2 {
		t.Errorf("peak concurrent hashes = %d, want 2", peak.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	full := NewHasher(1)
	_ = full.acquire(context.Background())
	if _, err := full.Hash(ctx, "whatever password"); err == nil {
		t.Error("Hash waited past its context's end")
	}
}

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"short pass":                  "at least 12",
		"password1234":                "most common",
		"QWERTY123456":                "most common",
		"my name is jdoe and more":    "username",
		strings.Repeat("x", 129):      "at most 128",
		"correct horse battery":       "",
		"ünïcödé pässwörd ok":         "",
		"twelve chars":                "",
		strings.Repeat(" ", 12):       "only spaces",
		strings.Repeat("\x00", 12):    "control characters",
		"tab\tinside a phrase":        "control characters",
		"aaaaaaaaaaaa":                "pattern repeated",
		"123412341234":                "pattern repeated",
		"abc!abc!abc!ab":              "pattern repeated",
		"abcdefghijklm":               "consecutive",
		"987654321098":                "consecutive",
		"correct horse correct horse": "",
	}
	for password, want := range cases {
		err := CheckPolicy(password, "jdoe")
		if want == "" && err != nil {
			t.Errorf("%q refused: %v", password, err)
		}
		if want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: err = %v, want one about %q", password, err, want)
		}
	}
	if err := CheckPolicy(GeneratePassword(), "jdoe"); err != nil {
		t.Errorf("a generated password fails the policy: %v", err)
	}
}

func TestLockForGrows(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]time.Duration{1: 0, 4: 0, 5: 30 * time.Second, 6: time.Minute, 9: 8 * time.Minute, 10: 15 * time.Minute, 50: 15 * time.Minute} {
		if got := LockFor(n); got != want {
			t.Errorf("LockFor(%d) = %s, want %s", n, got, want)
		}
	}
}
