package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"kycportal/internal/cdp"
	"kycportal/internal/testdb"
)

func TestProductionNeedsARealCDPAddress(t *testing.T) {
	t.Parallel()
	out, code := portal(t, []string{"DATABASE_URL=" + testdb.New(t)}, "", "serve")
	if code == 0 || !strings.Contains(out, "CDP_BASE_URL") {
		t.Fatalf("serve with DATABASE_URL and no CDP_BASE_URL: exit %d\n%s", code, out)
	}
}

func TestEmbeddedDefaultSaysItUsesTheSandbox(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	s := serveUntilHealthy(t, []string{"DATABASE_URL=" + testdb.New(t), "PORTAL_ADDR=" + addr, "CDP_BASE_URL=sandbox",
		"PORTAL_AUDIT_HMAC_KEY=" + strings.Repeat("k", 32), signingKeyEnv, documentsKeyEnv}, addr)
	defer func() { _ = s.cmd.Process.Kill() }()
	resp, err := http.Get("http://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `data-testid="sandbox-banner"`) {
		t.Error("the login page does not say the CDP sandbox is in use")
	}
}

// TestSandboxCommand is the curl acceptance, through Go's HTTP client.
func TestSandboxCommand(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	cmd := exec.Command(binary, "cdp-sandbox", "--addr", addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://" + addr
	var token struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for token.AccessToken == "" && time.Now().Before(deadline) {
		resp, err := http.PostForm(base+cdp.TokenPath, url.Values{"grant_type": {"password"},
			"client_id": {cdp.SandboxClientID}, "client_secret": {cdp.SandboxClientSecret},
			"username": {cdp.SandboxUsername}, "password": {cdp.SandboxPassword}})
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		_ = json.NewDecoder(resp.Body).Decode(&token)
		resp.Body.Close()
	}
	if token.AccessToken == "" || token.ExpiresIn != 300 {
		t.Fatalf("token: %+v", token)
	}
	for number, want := range map[string]string{"784199012345676": `"status":"success"`, "784197734567890": `"errorCode":45051`} {
		req, _ := http.NewRequest(
			http.MethodPost,
			base+cdp.LookupPath,
			strings.NewReader(`{"idNumber":"`+number+`","idType":"4"}`),
		)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token.AccessToken)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("lookup %s: %d %s, want %s", number, resp.StatusCode, body, want)
		}
	}
}
