package handlers

import (
	"context"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"kycportal/internal/app"
	"kycportal/internal/auth"
	"kycportal/internal/store"
)

func TestSupervisorEnrolsTheirOwnSecondFactor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *app.Options, _ *Deps) { o.RequireTOTP = true })
	name, pw := e.user(store.RoleSupervisor)
	c := e.client()
	c.page("/login")
	resp := c.post("/login", url.Values{"username": {name}, "password": {pw}})
	resp.Body.Close()
	for from, redirect := range map[string]string{"/": "/account/totp", "/account/totp": ""} {
		resp := c.do(http.MethodGet, "/search", nil, "HX-Request", "true", "HX-Current-URL", e.srv.URL+from)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("HX-Redirect") != redirect {
			t.Errorf("htmx request from %s before enrolment: %d, HX-Redirect %q; want 403, %q", from, resp.StatusCode,
				resp.Header.Get("HX-Redirect"), redirect)
		}
	}
	_, doc := c.page("/account/totp")
	secret := doc.Find(`[data-testid="totp-secret"]`).Text()
	if secret == "" || doc.Find(`[data-testid="totp-required"]`).Length() != 1 {
		t.Fatal("the enrolment page shows no key, or not that it is required")
	}
	if _, again := c.page("/account/totp"); again.Find(`[data-testid="totp-secret"]`).Text() != secret {
		t.Error("a reload offered another key than the one the QR code draws")
	}
	qr := c.do(http.MethodGet, "/account/totp/qr.png", nil)
	if _, err := png.Decode(qr.Body); err != nil || qr.Header.Get("Content-Type") != "image/png" {
		t.Errorf("QR image: %v, %s", err, qr.Header.Get("Content-Type"))
	}
	qr.Body.Close()

	resp = c.post("/account/totp", url.Values{"code": {"000000"}})
	if body := readBody(t, resp); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "not right") {
		t.Fatalf("wrong code: status %d", resp.StatusCode)
	}
	code, err := totp.GenerateCode(secret, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp = c.post("/account/totp", url.Values{"code": {code}})
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK || strings.Count(body, "<li><code") != auth.RecoveryCodes {
		t.Fatalf("right code: status %d, want the %d recovery codes", resp.StatusCode, auth.RecoveryCodes)
	}
	recovery := body[strings.Index(body, "<li><code")+len(`<li><code dir="ltr">`):]
	recovery = recovery[:strings.Index(recovery, "<")]

	u, err := store.UserByUsername(context.Background(), e.db.Pool, name)
	if err != nil {
		t.Fatal(err)
	}
	if !auth.IsSealed(u.TOTPSecret) || strings.Contains(u.TOTPSecret, secret) {
		t.Errorf("the secret is stored as %q: not encrypted", u.TOTPSecret)
	}
	var hashed int
	err = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM totp_recovery_codes
		WHERE user_id = $1 AND code_hash = sha256(convert_to($2, 'UTF8'))`, u.ID, strings.ReplaceAll(recovery, "-", "")).Scan(&hashed)
	if err != nil || hashed != 1 {
		t.Errorf("the recovery code is not kept as its SHA-256 (%d rows, %v)", hashed, err)
	}
	if resp, _ := c.page("/"); resp.StatusCode != http.StatusOK {
		t.Errorf("home after enrolment: %d", resp.StatusCode)
	}
	// The recovery code signs in once.
	for i, want := range []int{http.StatusSeeOther, http.StatusUnauthorized} {
		b := e.client()
		b.page("/login")
		resp := b.post("/login", url.Values{"username": {name}, "password": {pw}, "otp": {strings.ToUpper(recovery)}})
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("recovery code, use %d: status %d, want %d", i+1, resp.StatusCode, want)
		}
	}
}

func TestPlainSecretsAreSealedAtStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, _ := e.user(store.RoleAdmin)
	u, _ := store.UserByUsername(context.Background(), e.db.Pool, name)
	if err := store.SetTOTPSecret(context.Background(), e.db.Pool, u.ID, "JBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}
	for run, want := range []int{1, 0} {
		n, err := auth.SealPlainSecrets(context.Background(), e.db, testSecrets)
		if err != nil || n != want {
			t.Fatalf("run %d: sealed %d, %v; want %d", run+1, n, err, want)
		}
	}
	u, _ = store.UserByUsername(context.Background(), e.db.Pool, name)
	if plain, err := testSecrets.Open(u.ID, u.TOTPSecret); err != nil || plain != "JBSWY3DPEHPK3PXP" ||
		!auth.IsSealed(u.TOTPSecret) {
		t.Errorf("sealed secret %q opens to %q, %v", u.TOTPSecret, plain, err)
	}
	if _, err := testSecrets.Open(u.ID+1, u.TOTPSecret); err == nil {
		t.Error("a sealed secret opened for another account")
	}
}
