// Package auth checks who a user is: password hashing, the password policy, login
// throttling and the second factor.
package auth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// OWASP's argon2id parameters: 19 MiB, 2 passes, 1 lane.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Hasher hashes and checks passwords, at most a fixed number at once: each costs ~20 MB,
// so a login storm queues instead of exhausting memory.
type Hasher struct {
	slots        chan struct{}
	memory, time uint32 // argon2id's cost of new hashes; a hash is checked at its own
}

// NewHasher allows concurrent hashes at once, at OWASP's cost.
func NewHasher(concurrent int) *Hasher {
	return &Hasher{slots: make(chan struct{}, concurrent), memory: argonMemory, time: argonTime}
}

// NewTestHasher hashes at argon2id's least cost (8 KiB, one pass): for tests, which create
// thousands of accounts and sign in as many times; the hasher's own tests use NewHasher.
func NewTestHasher() *Hasher {
	return &Hasher{slots: make(chan struct{}, 8), memory: 8, time: 1}
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC string of password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	key := argon2.IDKey([]byte(password), salt, h.time, h.memory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.memory, h.time,
		argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

// dummyHash is checked against when the user does not exist, so that the answer takes as
// long as for a real user and does not reveal which usernames exist.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2a3vHqI1c5b4hM0VUH1bV3iX0J6bC0cN0kqf9B8pQ2c"

// Verify tells whether password matches the PHC string encoded. An empty encoded value
// (no such user) is checked against a dummy and never matches.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	match := encoded != ""
	if !match {
		encoded = dummyHash
	}
	var m, t uint32
	var p uint8
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("auth: unknown password hash format")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("auth: password hash parameters: %w", err)
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err := errors.Join(err1, err2); err != nil {
		return false, fmt.Errorf("auth: password hash encoding: %w", err)
	}
	if len(want) < 16 || len(want) > 64 {
		return false, fmt.Errorf("auth: password hash of %d bytes, want 16 to 64", len(want))
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want))) // #nosec G115 -- at most 64, checked above
	return match && subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Password policy after ASVS 6.2 / NIST 800-63B: length, no composition rules, and a
// refusal of the commonest passwords, of repetitive or sequential ones, of blanks and
// control characters, and (on a change) of the last five.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 128
)

//go:embed common-passwords.txt
var commonPasswordsFile string

var commonPasswords = func() map[string]bool {
	set := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			set[strings.ToLower(w)] = true
		}
	}
	return set
}()

// PolicyError says why a password is refused.
type PolicyError string

func (e PolicyError) Error() string { return string(e) }

// CheckPolicy explains why password is not acceptable for username, or returns nil.
func CheckPolicy(password, username string) error {
	n := utf8.RuneCountInString(password)
	lower := strings.ToLower(password)
	switch {
	case n < MinPasswordLength:
		return PolicyError(fmt.Sprintf("the password must have at least %d characters", MinPasswordLength))
	case n > MaxPasswordLength:
		return PolicyError(fmt.Sprintf("the password must have at most %d characters", MaxPasswordLength))
	case strings.TrimSpace(password) == "":
		return PolicyError("the password must not be only spaces")
	case strings.IndexFunc(password, unicode.IsControl) >= 0:
		return PolicyError("the password must not contain control characters (tabs, line breaks or invisible ones)")
	case repetitive(password):
		return PolicyError("the password must not be one short pattern repeated (like aaaa… or 1234 1234…)")
	case sequential(password):
		return PolicyError("the password must not be a run of consecutive characters (like abcdef… or 123456…)")
	case commonPasswords[lower]:
		return PolicyError("this password is among the most common ones: choose another")
	case username != "" && strings.Contains(lower, strings.ToLower(username)):
		return PolicyError("the password must not contain the username")
	}
	return nil
}

// maxPatternLength is the longest unit whose repetition is refused: with the 12-character
// minimum, every such password is two or more copies of it.
const maxPatternLength = 6

// repetitive reports whether password is one unit of at most maxPatternLength characters
// repeated (the last copy may be cut short).
func repetitive(password string) bool {
	r := []rune(password)
	for unit := 1; unit <= maxPatternLength && unit < len(r); unit++ {
		if repeatsEvery(r, unit) {
			return true
		}
	}
	return false
}

func repeatsEvery(r []rune, unit int) bool {
	for i := unit; i < len(r); i++ {
		if r[i] != r[i-unit] {
			return false
		}
	}
	return true
}

// sequential reports whether each character of password follows the one before it, all up
// or all down by one (digits wrap: 7890 runs on).
func sequential(password string) bool {
	r := []rune(password)
	return runsBy(r, 1) || runsBy(r, -1)
}

func runsBy(r []rune, step rune) bool {
	for i := 1; i < len(r); i++ {
		wraps := unicode.IsDigit(r[i-1]) && unicode.IsDigit(r[i]) && r[i]-r[i-1] == -9*step
		if r[i]-r[i-1] != step && !wraps {
			return false
		}
	}
	return true
}

// GeneratePassword returns a random password that meets the policy.
func GeneratePassword() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b) // 20 characters, 120 bits
}
