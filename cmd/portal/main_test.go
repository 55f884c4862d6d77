package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/testdb"
)

// These tests run the real binary, as an operator would: the image's (build_test.go).
var binary string

// client posts to the portals the tests start, through a transport of its own: the
// fleet's httptest server closes http.DefaultTransport's idle connections when it ends,
// and a POST about to reuse one of them fails ("http: CloseIdleConnections called"),
// since a POST is never retried.
var client = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "portal-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "portal")
	if out, err := buildAsTheImage(binary); err != nil {
		fmt.Fprintf(os.Stderr, "the Dockerfile's go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// portal runs the binary with env added to a clean environment and stdin as input.
// signingKeyEnv is the audit log's signing key that a run with DATABASE_URL requires.
var signingKeyEnv = func() string {
	private, err := audit.NewKey()
	if err != nil {
		panic(err)
	}
	return "PORTAL_AUDIT_SIGNING_KEY=" + private
}()

// documentsKeyEnv is the documents key that a run with DATABASE_URL requires.
var documentsKeyEnv = "PORTAL_DOCUMENTS_KEY=" + strings.Repeat("d", 64)

func portal(t *testing.T, env []string, stdin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// addBranch registers an active branch with the CLI, as an operator would before its users.
func addBranch(t *testing.T, env []string, code string) {
	t.Helper()
	out, status := portal(t, env, "", "branch", "add", "--code", code, "--name", "Branch "+code, "--country", "AE",
		"--time-zone", "Asia/Dubai", "--cdp-location-id", "784101")
	if status != 0 {
		t.Fatalf("branch add %s: exit %d\n%s", code, status, out)
	}
}

func TestBranchCommands(t *testing.T) {
	t.Parallel()
	url := testdb.New(t)
	env := []string{"DATABASE_URL=" + url}
	out, code := portal(t, env, "", "branch", "add", "--code", "DXB-01", "--name", "Dubai Main", "--country", "AE",
		"--time-zone", "Asia/Dubai", "--cdp-location-id", "784101")
	if code != 0 || !strings.Contains(out, "added branch DXB-01") {
		t.Fatalf("branch add: exit %d\n%s", code, out)
	}
	for _, bad := range [][]string{
		{"--code", "DXB-01", "--name", "Again", "--country", "AE", "--time-zone", "Asia/Dubai"},                  // taken
		{"--code", "KUL-01", "--name", "KL", "--country", "XX", "--time-zone", "Asia/Kuala_Lumpur"},              // no pack
		{"--code", "KUL-01", "--name", "KL", "--country", "MY", "--time-zone", "Mars/Olympus"},                   // no zone
		{"--code", "KUL-01", "--name", "KL", "--country", "MY", "--time-zone", "UTC", "--cdp-location-id", "x1"}, // not digits
	} {
		if out, code := portal(t, env, "", append([]string{"branch", "add"}, bad...)...); code == 0 {
			t.Errorf("branch add %v succeeded:\n%s", bad, out)
		}
	}
	out, _ = portal(t, env, "", "branch", "list")
	if !strings.Contains(out, "DXB-01") || !strings.Contains(out, "784101") || !strings.Contains(out, "Asia/Dubai") ||
		!strings.Contains(out, "WEB") || strings.Contains(out, "KUL-01") {
		t.Errorf("branch list:\n%s", out)
	}
	if out, code := portal(t, env, "", "user", "add", "--username", "nobranch", "--role", "agent", "--branch", "NOPE-1"); code == 0 ||
		!strings.Contains(out, "not an active registered branch") {
		t.Errorf("user add in an unknown branch: exit %d\n%s", code, out)
	}
	if out, code := portal(t, env, "", "branch", "disable", "--reason", "closed for renovation", "DXB-01"); code != 0 {
		t.Fatalf("branch disable: exit %d\n%s", code, out)
	}
	if out, code := portal(t, env, "", "user", "add", "--username", "late", "--role", "agent", "--branch", "DXB-01"); code == 0 ||
		!strings.Contains(out, "not an active registered branch") {
		t.Errorf("user add in a disabled branch: exit %d\n%s", code, out)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var actions []string
	rows, _ := conn.Query(
		ctx,
		`SELECT action || ' ' || coalesce(reason, '') FROM audit_events WHERE entity_type = 'branch' ORDER BY id`,
	)
	actions, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(actions) != 2 || actions[0] != "branch.created created with portal branch add" ||
		actions[1] != "branch.disabled closed for renovation" {
		t.Errorf("audit of the branch: %q %v", actions, err)
	}
}

func TestUserCommands(t *testing.T) {
	t.Parallel()
	env := []string{"DATABASE_URL=" + testdb.New(t)}
	addBranch(t, env, "DXB-01")
	out, code := portal(t, env, "a fine long passphrase\n", "user", "add", "--username", "amina", "--role", "agent",
		"--branch", "DXB-01", "--countries", "ae,my", "--display-name", "Amina K")
	if code != 0 || !strings.Contains(out, `created agent "amina"`) || strings.Contains(out, "passphrase") {
		t.Fatalf("user add: exit %d\n%s", code, out)
	}
	out, code = portal(t, env, "", "user", "add", "--username", "boss", "--role", "supervisor", "--branch", "DXB-01")
	if code != 0 || !strings.Contains(out, "password (shown once): ") {
		t.Fatalf("user add with a generated password: exit %d\n%s", code, out)
	}
	for _, bad := range [][]string{
		{"--username", "amina", "--role", "agent", "--branch", "B"},        // taken
		{"--username", "x y", "--role", "agent", "--branch", "B"},          // malformed
		{"--username", "newbie", "--role", "king", "--branch", "B"},        // no such role
		{"--username", "newbie", "--role", "agent", "--branch", "B", "-z"}, // unknown flag
	} {
		if out, code := portal(t, env, "a fine long passphrase\n", append([]string{"user", "add"}, bad...)...); code == 0 {
			t.Errorf("user add %v succeeded:\n%s", bad, out)
		}
	}
	if out, code := portal(t, env, "short\n", "user", "add", "--username", "weak", "--role", "agent", "--branch", "B"); code == 0 ||
		!strings.Contains(out, "at least 12") {
		t.Errorf("weak password accepted or unexplained: exit %d\n%s", code, out)
	}
	if out, code := portal(t, env, "", "user", "disable", "--reason", "left", "amina"); code != 0 ||
		!strings.Contains(out, "sessions are ended") {
		t.Errorf("user disable: exit %d\n%s", code, out)
	}
	seedLoginFailures(t, env[0][len("DATABASE_URL="):], "boss")
	if out, code := portal(t, env, "", "user", "unlock", "--reason", "help desk call", "boss"); code != 0 ||
		!strings.Contains(out, `unlocked "boss"`) {
		t.Errorf("user unlock: exit %d\n%s", code, out)
	}
	if n := loginFailureRows(t, env[0][len("DATABASE_URL="):]); n != 1 {
		t.Errorf("%d throttling rows after unlock, want 1 (the address's own)", n)
	}
	out, _ = portal(t, env, "", "user", "list")
	if !strings.Contains(out, "amina") || !strings.Contains(out, "AE,MY") || !strings.Contains(out, "false") ||
		!strings.Contains(out, "boss") {
		t.Errorf("user list:\n%s", out)
	}
}

// seedLoginFailures writes a lock on username at one address, its count from anywhere, and
// the address's own count, as failed sign-ins leave them.
func seedLoginFailures(t *testing.T, url, username string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), `INSERT INTO login_failures (key, failures, last_failure_at, locked_until)
		VALUES ('pair:'||$1||'|10.0.0.9', 5, now(), now() + interval '30 seconds'), ('user:'||$1, 5, now(), NULL),
		('ip:10.0.0.9', 5, now(), NULL)`, username)
	if err != nil {
		t.Fatal(err)
	}
}

func loginFailureRows(t *testing.T, url string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM login_failures`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAuditVerify: the command seals, verifies, names an altered row, prints the
// checkpoint and an inclusion proof.
func TestAuditVerify(t *testing.T) {
	t.Parallel()
	url := testdb.New(t)
	env := []string{"DATABASE_URL=" + url, signingKeyEnv}
	if out, code := portal(t, env, "", "audit", "verify"); code != 0 || !strings.Contains(out, "intact: 0 events") {
		t.Fatalf("verify on a fresh database: exit %d\n%s", code, out)
	}
	addBranch(t, env, "B")
	for _, name := range []string{"ann", "bob", "cyd"} {
		if out, code := portal(t, env, "", "user", "add", "--username", name, "--role", "agent", "--branch", "B"); code != 0 {
			t.Fatalf("user add: %s", out)
		}
	}
	if out, code := portal(t, env, "", "audit", "seal"); code != 0 || !strings.Contains(out, "a tree of 4 leaves") {
		t.Fatalf("seal: exit %d\n%s", code, out)
	}
	if out, code := portal(t, env, "", "audit", "verify"); code != 0 || !strings.Contains(out, "intact: 4 events") {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}
	out, code := portal(t, env, "", "audit", "checkpoint")
	if code != 0 || !strings.HasPrefix(out, audit.Origin+"\n4\n") {
		t.Fatalf("checkpoint: exit %d\n%s", code, out)
	}
	kept := filepath.Join(t.TempDir(), "checkpoint")
	if err := os.WriteFile(kept, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := portal(t, env, "", "audit", "verify", "--against", kept); code != 0 ||
		!strings.Contains(out, "extends the kept checkpoint of size 4") {
		t.Fatalf("verify --against: exit %d\n%s", code, out)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var id int64
	if err := conn.QueryRow(ctx, `SELECT id FROM audit_events ORDER BY id OFFSET 1 LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if out, code := portal(t, env, "", "audit", "prove", "--event", fmt.Sprint(id)); code != 0 ||
		!strings.Contains(out, `"position": 1`) {
		t.Fatalf("prove: exit %d\n%s", code, out)
	}
	if _, err := conn.Exec(ctx, `ALTER TABLE audit_events DISABLE TRIGGER USER;
		UPDATE audit_events SET after = '{"role":"admin"}' WHERE id = `+fmt.Sprint(id)); err != nil {
		t.Fatal(err)
	}
	out, code = portal(t, env, "", "audit", "verify")
	if code == 0 || !strings.Contains(out, fmt.Sprintf("BROKEN: event %d (position 1)", id)) {
		t.Fatalf("verify after tampering with row %d: exit %d\n%s", id, code, out)
	}
}

func TestServeRefusesBadConfiguration(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"PORTAL_ADDR=8080":          "PORTAL_ADDR",
		"PORTAL_SESSION_IDLE=never": "PORTAL_SESSION_IDLE",
	}
	for setting, named := range cases {
		out, code := portal(t, []string{setting, "PORTAL_DATA_DIR=" + t.TempDir()}, "", "serve")
		if code == 0 || !strings.Contains(out, named) {
			t.Errorf("%s: exit %d, output:\n%s", setting, code, out)
		}
	}
	if out, code := portal(t, nil, "", "frobnicate"); code != 2 || !strings.Contains(out, "unknown command") {
		t.Errorf("unknown command: exit %d\n%s", code, out)
	}
}

// TestEmbeddedDefault is what `make run` does on a fresh machine, run twice.
func TestEmbeddedDefault(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	// Let the postgres user walk to the cluster, so it stays inside the test's folder.
	for _, dir := range []string{tmp, filepath.Dir(tmp)} {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(tmp, "data")
	addr := freeAddr(t)
	env := []string{"PORTAL_DATA_DIR=" + data, "PORTAL_ADDR=" + addr}

	log1 := serveUntilHealthy(t, env, addr)
	creds := filepath.Join(data, "demo-credentials.txt")
	info, err := os.Stat(creds)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("demo credentials file: %v, mode %v", err, info)
	}
	first, _ := os.ReadFile(creds)
	for _, role := range []string{"agent", "supervisor", "admin"} {
		if !strings.Contains(string(first), role) {
			t.Errorf("no %s account in the credentials file", role)
		}
	}
	resp, err := http.Get("http://" + addr + "/login")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /login: %v %v", err, resp)
	}
	resp.Body.Close()
	stopServer(t, log1)

	start := time.Now()
	log2 := serveUntilHealthy(t, env, addr)
	t.Logf("second start healthy after %s", time.Since(start).Round(time.Millisecond))
	if time.Since(start) > 10*time.Second {
		t.Errorf("second start took %s, want under 10 s", time.Since(start))
	}
	stopServer(t, log2)
	again, _ := os.ReadFile(creds)
	if !bytes.Equal(first, again) || strings.Contains(log2.out.String(), "demo accounts created") {
		t.Error("the second run created demo accounts again")
	}
}

type server struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan error
}

func serveUntilHealthy(t *testing.T, env []string, addr string) *server {
	t.Helper()
	s := &server{cmd: exec.Command(binary, "serve"), out: &bytes.Buffer{}, done: make(chan error, 1)}
	s.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() { _ = s.cmd.Process.Kill() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			t.Fatalf("portal serve exited: %v\n%s", err, s.out)
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
	}
	t.Fatalf("not healthy within 60 s:\n%s", s.out)
	return nil
}

// stopServer sends what Ctrl-C sends and expects the portal and its cluster to stop cleanly.
func stopServer(t *testing.T, s *server) {
	t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("portal serve exited with %v after SIGINT\n%s", err, s.out)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("portal serve still running 30 s after SIGINT\n%s", s.out)
	}
	if !strings.Contains(s.out.String(), "database cluster stopped") {
		t.Errorf("the embedded cluster was not stopped:\n%s", s.out)
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
