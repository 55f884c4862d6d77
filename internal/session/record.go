package session

import (
	"time"

	"github.com/gorilla/sessions"

	"kycportal/internal/store"
)

// Record is what the server keeps of a session. Handlers read and change it through
// RecordOf; the next Save keeps the change.
type Record struct {
	UserID     int64 // 0 before sign-in
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	SSO        bool   // signed in through the identity provider
	OIDCSID    string // the provider's session, which its back-channel logout names; "" when it sent none
	Grant      string // the provider's tokens, sealed (sso.Grant), to ask it again
	Ended      string // why someone else signed the user out of it (store.SessionEndedDisabled), told once
	Pending    Pending
}

// Pending is what a flow of two requests keeps in between.
type Pending struct {
	SSOState, SSONonce, SSOVerifier string // a sign-in through the identity provider under way
	StepUpCase, StepUpSince         string // an approval waiting for its checker to sign in there again: the case, and since when (Unix seconds)
	TOTP                            string // a second factor's secret being enrolled, sealed (auth.Sealer)
}

// recordKey is the one entry of gorilla's Values map: the session's Record.
const recordKey = "record"

// RecordOf is the record of s, for reading and changing.
func RecordOf(s *sessions.Session) *Record {
	r, ok := s.Values[recordKey].(*Record)
	if !ok {
		r = &Record{}
		s.Values[recordKey] = r
	}
	return r
}

// The names of the record's fields among the stored session's values. The sessions
// table's index of back-channel logout reads "oidc_sid".
const (
	valueMethod      = "auth" // "oidc" for single sign-on
	valueOIDCSID     = "oidc_sid"
	valueGrant       = "oidc_grant"
	valueSSOState    = "sso_state"
	valueSSONonce    = "sso_nonce"
	valueSSOVerifier = "sso_verifier"
	valueTOTP        = "totp_pending"
	valueStepUpCase  = "sso_step_up_case"
	valueStepUpSince = "sso_step_up_since"
	valueEnded       = "ended" // written by store.EndUserSessions
)

// recordOf reads a stored session.
func recordOf(row store.SessionRow) *Record {
	v := row.Values
	r := &Record{UserID: row.UserID, CSRFToken: row.CSRFToken, CreatedAt: row.CreatedAt, LastSeenAt: row.LastSeenAt,
		SSO: v[valueMethod] == "oidc", OIDCSID: v[valueOIDCSID], Grant: v[valueGrant], Ended: v[valueEnded],
		Pending: Pending{
			SSOState:    v[valueSSOState],
			SSONonce:    v[valueSSONonce],
			SSOVerifier: v[valueSSOVerifier],
			TOTP:        v[valueTOTP],
			StepUpCase:  v[valueStepUpCase],
			StepUpSince: v[valueStepUpSince],
		}}
	return r
}

// values are the record's fields that the sessions table keeps among its values; an empty
// field is left out.
func (r *Record) values() map[string]string {
	v := map[string]string{}
	set := func(name, value string) {
		if value != "" {
			v[name] = value
		}
	}
	if r.SSO {
		v[valueMethod] = "oidc"
	}
	set(valueOIDCSID, r.OIDCSID)
	set(valueGrant, r.Grant)
	set(valueEnded, r.Ended)
	set(valueSSOState, r.Pending.SSOState)
	set(valueSSONonce, r.Pending.SSONonce)
	set(valueSSOVerifier, r.Pending.SSOVerifier)
	set(valueTOTP, r.Pending.TOTP)
	set(valueStepUpCase, r.Pending.StepUpCase)
	set(valueStepUpSince, r.Pending.StepUpSince)
	return v
}
