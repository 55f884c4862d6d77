// Package session keeps sessions in PostgreSQL behind the gorilla/sessions Store interface,
// so that the server can end any of them at once (a cookie-only store cannot be revoked).
// The cookie holds a 256-bit random token; the table holds only its SHA-256.
package session

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/sessions"
	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// CookieName carries the __Host- prefix: the browser then insists on Secure, Path=/ and no
// Domain, so no other host or path can set or read it.
const CookieName = "__Host-kyc_session"

// ErrExpired is returned with a fresh session when the cookie named one that timed out.
var ErrExpired = errors.New("session expired")

// ErrEnded is returned with a fresh session when the cookie named one that no longer
// exists: removed by the janitor once idle, or ended elsewhere (a password change or reset,
// the identity provider's logout).
var ErrEnded = errors.New("session ended")

// touchEvery limits last-seen writes to one a minute per session; the idle timeout is
// therefore exact to within a minute.
const touchEvery = time.Minute

// Manager is the Store.
type Manager struct {
	DB       *store.DB
	Now      func() time.Time
	Idle     time.Duration
	Absolute time.Duration
}

var _ sessions.Store = (*Manager)(nil)

// Get returns the request's session, loaded once per request.
func (m *Manager) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(m, name)
}

// New loads the session named by the request's cookie, or starts an unsaved one.
func (m *Manager) New(r *http.Request, name string) (*sessions.Session, error) {
	s := m.fresh(name)
	c, err := r.Cookie(CookieName)
	if err != nil {
		return s, nil
	}
	hash := hashToken(c.Value)
	row, err := store.SessionByHash(r.Context(), m.DB.Pool, hash)
	if errors.Is(err, store.ErrNotFound) {
		return s, ErrEnded
	}
	if err != nil {
		return s, err
	}
	now := m.Now()
	if now.Sub(row.LastSeenAt) > m.Idle || now.Sub(row.CreatedAt) > m.Absolute {
		return s, m.expire(r.Context(), row)
	}
	if now.Sub(row.LastSeenAt) > touchEvery && !isPassive(r) {
		if err := store.TouchSession(r.Context(), m.DB.Pool, hash, now); err != nil {
			return s, err
		}
	}
	s.ID, s.IsNew = c.Value, false
	s.Values[recordKey] = recordOf(row)
	if row.User.ID != 0 {
		s.Values[userKey] = row.User
	}
	return s, nil
}

// userKey holds, for this request only, the user read with the session: never saved.
const userKey = "user"

// User is the session's signed-in user as read from the database with the session at this
// request, so that the request needs no second read; false before sign-in, or when the
// user row is gone. Whether they may still act (User.Active) is the caller's to judge.
func User(s *sessions.Session) (store.User, bool) {
	u, ok := s.Values[userKey].(store.User)
	return u, ok
}

type passiveKey struct{}

// Passive marks r as a request the page makes by itself (a poll of the inbox or of a case's
// state): it reads the session but does not count as activity, so that an open tab left
// alone still reaches the idle timeout.
func Passive(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), passiveKey{}, true))
}

func isPassive(r *http.Request) bool { return r.Context().Value(passiveKey{}) != nil }

// expire deletes a timed-out session and records it, if it belonged to a user and no
// request that read it at the same moment ended it first.
func (m *Manager) expire(ctx context.Context, row store.SessionRow) error {
	err := m.DB.InTx(ctx, func(tx pgx.Tx) error {
		removed, err := store.DeleteSession(ctx, tx, row.IDHash)
		if err != nil || !removed || row.UserID == 0 {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{
			Actor:  audit.Actor{UserID: row.UserID, Username: "session", Role: "system", SessionRef: ref(row.IDHash)},
			Action: audit.SessionExpired, EntityType: "user", EntityID: strconv.FormatInt(row.UserID, 10),
		})
	})
	if err != nil {
		return err
	}
	return ErrExpired
}

func (m *Manager) fresh(name string) *sessions.Session {
	s := sessions.NewSession(m, name)
	s.IsNew = true
	s.Options = &sessions.Options{Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	s.Values[recordKey] = &Record{CSRFToken: randomToken()}
	return s
}

// Save stores the session and sets its cookie; MaxAge < 0 ends it.
func (m *Manager) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	ctx := r.Context()
	if s.Options.MaxAge < 0 {
		if s.ID != "" {
			if _, err := store.DeleteSession(ctx, m.DB.Pool, hashToken(s.ID)); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(CookieName, "", s.Options))
		return nil
	}
	return m.save(ctx, m.DB.Pool, r, w, s)
}

func (m *Manager) save(
	ctx context.Context, q store.Querier, r *http.Request, w http.ResponseWriter, s *sessions.Session,
) error {
	now, rec := m.Now(), RecordOf(s)
	if rec.CreatedAt.IsZero() {
		rec.CreatedAt = now
	}
	rec.LastSeenAt = now
	row := store.SessionRow{CSRFToken: rec.CSRFToken, UserID: rec.UserID, Values: rec.values(),
		ClientIP: clientIP(r), CreatedAt: rec.CreatedAt, LastSeenAt: now}
	if s.ID == "" {
		s.ID = randomToken()
	}
	row.IDHash = hashToken(s.ID)
	if err := store.SaveSession(ctx, q, row); err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(CookieName, s.ID, s.Options))
	return nil
}

// Login replaces the request's session by a new one for user (a new id and CSRF token, so a
// session fixed before login is dead after it) and records the login in the same
// transaction.
func (m *Manager) Login(
	r *http.Request, w http.ResponseWriter, old *sessions.Session, user store.User,
) (*sessions.Session, error) {
	return m.login(r, w, old, user, nil)
}

// login is Login with how the user signed in, set on the new session's record (nil: with
// their password).
func (m *Manager) login(
	r *http.Request, w http.ResponseWriter, old *sessions.Session, user store.User, how func(*Record),
) (*sessions.Session, error) {
	ctx := r.Context()
	s := m.fresh(old.Name())
	rec := RecordOf(s)
	rec.UserID = user.ID
	if how != nil {
		how(rec)
	}
	s.ID = randomToken()
	err := m.DB.InTx(ctx, func(tx pgx.Tx) error {
		if old.ID != "" {
			if _, err := store.DeleteSession(ctx, tx, hashToken(old.ID)); err != nil {
				return err
			}
		}
		if err := m.save(ctx, tx, r, w, s); err != nil {
			return err
		}
		actor := audit.ActorFrom(ctx)
		actor.UserID = user.ID
		actor.Username = user.Username
		actor.Role = user.Role
		actor.Branch = user.Branch
		actor.SessionRef = Ref(s)
		return audit.Record(ctx, tx, audit.Event{Actor: actor, Action: audit.LoginSuccess,
			EntityType: "user", EntityID: strconv.FormatInt(user.ID, 10)})
	})
	return s, err
}

// Renew gives the user of old a new session (a new id and CSRF token) and ends old, after
// their password changed and every other session of theirs was ended: whoever held a copy
// of the old cookie holds nothing.
func (m *Manager) Renew(r *http.Request, w http.ResponseWriter, old *sessions.Session) (*sessions.Session, error) {
	ctx := r.Context()
	s := m.fresh(old.Name())
	RecordOf(s).UserID = UserID(old)
	s.ID = randomToken()
	err := m.DB.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := store.DeleteSession(ctx, tx, hashToken(old.ID)); err != nil {
			return err
		}
		return m.save(ctx, tx, r, w, s)
	})
	return s, err
}

// Logout ends s and records it in the same transaction.
func (m *Manager) Logout(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	return m.end(r, w, s, audit.Event{Action: audit.Logout})
}

// end ends s and records e about its user in the same transaction, unless a request at
// the same moment (a second click of "Sign out") ended it first.
func (m *Manager) end(r *http.Request, w http.ResponseWriter, s *sessions.Session, e audit.Event) error {
	ctx := r.Context()
	err := m.DB.InTx(ctx, func(tx pgx.Tx) error {
		removed, err := store.DeleteSession(ctx, tx, hashToken(s.ID))
		if err != nil || !removed {
			return err
		}
		e.EntityType = "user"
		e.EntityID = strconv.FormatInt(UserID(s), 10)
		return audit.Record(ctx, tx, e)
	})
	if err != nil {
		return err
	}
	s.Options.MaxAge = -1
	http.SetCookie(w, sessions.NewCookie(CookieName, "", s.Options))
	return nil
}

// UserID is the signed-in user of s, 0 before login.
func UserID(s *sessions.Session) int64 { return RecordOf(s).UserID }

// EndedBecause is why the session's user was signed out of it by someone else (a disabling:
// store.SessionEndedDisabled), or "".
func EndedBecause(s *sessions.Session) string { return RecordOf(s).Ended }

// CSRFToken is the token that unsafe requests of this session must carry.
func CSRFToken(s *sessions.Session) string { return RecordOf(s).CSRFToken }

// Ref is a short, non-secret reference to a session for logs and the audit trail.
func Ref(s *sessions.Session) string {
	if s.ID == "" {
		return ""
	}
	return ref(hashToken(s.ID))
}

func ref(hash []byte) string { return hex.EncodeToString(hash[:6]) }

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// clientIP is the peer address: the portal does not trust forwarding headers.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Scope lets another package keep rows of its own per session: ID is what the sessions
// table is keyed by (its rows can reference it and go with the session), and Key is derived
// from the cookie's token, which the server never stores, to seal what those rows must not
// hold in the clear.
type Scope struct {
	ID  []byte
	Key [32]byte
}

// ScopeOf is the scope of s; false before s is saved.
func ScopeOf(s *sessions.Session) (Scope, bool) {
	if s.ID == "" {
		return Scope{}, false
	}
	mac := hmac.New(sha256.New, []byte(s.ID))
	mac.Write([]byte("kycportal session scope key"))
	sc := Scope{ID: hashToken(s.ID)}
	copy(sc.Key[:], mac.Sum(nil))
	return sc, true
}
