package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/playwright-community/playwright-go"

	"kycportal/internal/cdp"
	"kycportal/internal/session"
)

// tokenShapes are secrets whose values the harness cannot know: a bearer token, an OAuth
// answer, a cookie or authorization header copied into a log line.
var tokenShapes = regexp.MustCompile(`(?i)bearer [a-z0-9._~+/-]{8}|"(access|refresh)_token"\s*:|` +
	regexp.QuoteMeta(session.CookieName) + `=|"(cookie|set-cookie|authorization)"\s*:`)

// noteCookies keeps the browser's cookies of a journey, which its log must never hold.
func (p *Portal) noteCookies(ctx playwright.BrowserContext) {
	cookies, err := ctx.Cookies()
	if err != nil {
		p.t.Errorf("read the journey's cookies: %v", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cookies {
		p.secrets = append(p.secrets, c.Value)
	}
}

// checkLeaks returns what the portal's log holds of a password, a cookie, a CSRF token, a
// secret, a token or a full ID number, and the full ID numbers its audit trail holds. It
// runs once the portal has stopped, on its whole log.
func (p *Portal) checkLeaks(logPath string) []string {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, p.DSN)
	if err != nil {
		return []string{err.Error()}
	}
	defer conn.Close(ctx)
	drafted, err1 := column(conn, `SELECT id_number FROM drafts`)
	tokens, err2 := column(conn, `SELECT csrf_token FROM sessions`)
	trail, err3 := column(conn, `SELECT row_to_json(a)::text FROM audit_events a`)
	demo, err4 := demoIDNumbers()
	log, err5 := os.ReadFile(logPath) // #nosec G304 -- the portal's log in the journey's output folder
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		return []string{"leak scan: " + err.Error()}
	}
	numbers := idNumberForms(append(drafted, demo...))
	p.mu.Lock()
	secrets := append(tokens, p.secrets...)
	p.mu.Unlock()
	secrets = append(secrets, AuditKey, SigningKey, cdp.SandboxClientSecret, cdp.SandboxPassword, cdp.SandboxCallbackSecret)
	var problems []string
	lines := strings.Split(string(log), "\n")
	for i, line := range lines {
		if s := firstIn(line, append(secrets, numbers...)); s != "" || tokenShapes.MatchString(line) {
			problems = append(problems, fmt.Sprintf("%s line %d holds a secret, token or ID number (%q): %s", logPath, i+1, mask(s), masked(line, s)))
		}
	}
	for _, row := range trail {
		if n := firstIn(row, numbers); n != "" {
			problems = append(problems, fmt.Sprintf("an audit row holds the ID number %s in full: %s", mask(n), masked(row, n)))
		}
	}
	fmt.Fprintf(os.Stderr, "leak scan of %s: %d log lines and %d audit rows, for %d secrets and %d forms of ID numbers\n",
		logPath, len(lines), len(trail), len(secrets), len(numbers))
	return problems
}

func column(conn *pgx.Conn, query string) ([]string, error) {
	rows, err := conn.Query(context.Background(), query)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// demoIDNumbers are the sandbox's customers' numbers, which the search journeys type.
func demoIDNumbers() ([]string, error) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "internal", "cdp", "sandbox", "seed.json"))
	if err != nil {
		return nil, err
	}
	var seed any
	if err := json.Unmarshal(b, &seed); err != nil {
		return nil, err
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "id_number" {
					out = append(out, s)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(seed)
	return out, nil
}

// idNumberForms are the numbers as stored and as printed on the card (Emirates ID
// 784-YYYY-NNNNNNN-C, MyKad YYMMDD-PB-NNNN).
func idNumberForms(numbers []string) []string {
	var out []string
	for _, n := range numbers {
		out = append(out, n)
		switch {
		case len(n) == 15 && strings.HasPrefix(n, "784"):
			out = append(out, n[:3]+"-"+n[3:7]+"-"+n[7:14]+"-"+n[14:])
		case len(n) == 12:
			out = append(out, n[:6]+"-"+n[6:8]+"-"+n[8:])
		}
	}
	return out
}

func firstIn(line string, needles []string) string {
	for _, s := range needles {
		if s != "" && strings.Contains(line, s) {
			return s
		}
	}
	return ""
}

func masked(line, s string) string {
	if s == "" {
		return line
	}
	return strings.ReplaceAll(line, s, mask(s))
}

// mask shows enough of a leaked value to find it, and no more.
func mask(s string) string {
	if len(s) <= 4 {
		return s
	}
	return "…" + s[len(s)-4:]
}

// watchCSP fails t when the browser reports that the page broke its Content Security
// Policy: an inline script or style, or a source the policy does not allow (docs/security.md: security headers).
func watchCSP(t *testing.T, page playwright.Page) {
	var mu sync.Mutex
	var violations []string
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if strings.Contains(m.Text(), "Content Security Policy") {
			mu.Lock()
			violations = append(violations, m.Text())
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, v := range violations {
			t.Errorf("CSP violation: %s", v)
		}
	})
}
