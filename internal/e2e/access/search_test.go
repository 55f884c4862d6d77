package access

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/playwright-community/playwright-go"

	"kycportal/internal/e2e"
)

var demoCustomers = []e2e.Customer{
	{Country: "AE", IDType: "4", Number: "784-1990-1234567-6", Outcome: "found", Shows: "ZAFAR BASHIR BASHIR MASIH"},
	{Country: "AE", IDType: "4", Number: "784-1988-2345678-9", Outcome: "subscription_pending", Shows: "Registration not finished"},
	{Country: "AE", IDType: "4", Number: "784-1977-3456789-0", Outcome: "blocked", Shows: "Customer blocked"},
	{Country: "AE", IDType: "4", Number: "784-1966-4567890-3", Outcome: "under_investigation", Shows: "Under compliance review"},
	{Country: "AE", IDType: "4", Number: "784-1955-5678901-4", Outcome: "cdp_error", Shows: "CDP could not search"},
	{Country: "AE", IDType: "4", Number: "784-1993-7890123-7", Outcome: "not_found", Shows: "Not yet a customer"},
	{Country: "MY", IDType: "28", Number: "900101-14-5678", Outcome: "found", Shows: "NUR AISYAH BINTI AHMAD"},
	{Country: "MY", IDType: "28", Number: "850615-10-5432", Outcome: "blocked", Shows: "Customer blocked"},
	{Country: "AE", IDType: "4", Number: "784-2001-6789012-6", Outcome: "not_found", Shows: "Not yet a customer"}, // last: onboarding starts from it
}

// TestAgentSearchesEveryDemoCustomer: an agent searches each demo customer of the sandbox in
// the browser and sees its documented state; the found one opens masked and reveals; from
// "Not found" the agent starts onboarding and lands in a draft of that ID. The audit holds
// each search with the number's last 4 and keyed hash, and its outcome, never the number.
func TestAgentSearchesEveryDemoCustomer(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	agent := p.NewUser("agent")
	page := p.SignedIn(t, agent)
	e2e.Check(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Search", Exact: playwright.Bool(true)}).Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("id-search-form")).ToBeVisible())
	e2e.Check(t, page.GetByTestId("search-id-number").Fill("784-1990-1234567-0"))
	e2e.Check(t, page.GetByTestId("search-submit").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("error-id_number")).ToBeFocused())
	p.Capture(page, "invalid-number")
	searchInFlight(t, p, page)

	for _, c := range demoCustomers {
		e2e.SelectValue(t, page.GetByTestId("search-country"), c.Country)
		// The ID types are swapped in for the country by htmx.
		e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("search-id-type").Locator(`option[value="`+c.IDType+`"]`)).ToBeAttached())
		e2e.SelectValue(t, page.GetByTestId("search-id-type"), c.IDType)
		e2e.Check(t, page.GetByTestId("search-id-number").Fill(c.Number))
		e2e.Check(t, page.GetByTestId("search-submit").Click())
		outcome := page.GetByTestId("outcome-" + c.Outcome)
		e2e.Check(t, e2e.Expect.Locator(outcome).ToBeVisible())
		e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("id-result")).ToContainText(c.Shows))
		e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("id-result")).ToBeFocused())
		p.Capture(page, c.Outcome+"-"+c.Country)
	}
	if !strings.HasSuffix(page.URL(), "/search") {
		t.Errorf("the URL after searching is %s: the number must stay out of it", page.URL())
	}

	e2e.SearchAgain(t, page, demoCustomers[0])
	e2e.Check(t, page.GetByTestId("view-customer").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("id-masked")).ToHaveText("•••• 5676"))
	e2e.Check(t, page.GetByTestId("reveal").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("id-revealed")).ToHaveText("784 1990 1234 5676"))
	p.Capture(page, "customer-revealed")
	// htmx keeps only the current path in sessionStorage (2.0.11 sets it on every load); the
	// history cache, which would copy pages into localStorage, is off.
	stored, err := page.Evaluate("() => JSON.stringify([localStorage, sessionStorage])")
	e2e.Check(t, err)
	if s, _ := stored.(string); !regexp.MustCompile(`^\[\{\},\{("htmx-current-path-for-history":"[^"]*")?\}\]$`).MatchString(s) ||
		strings.Contains(s, "784199012345676") || strings.Contains(s, "ZAFAR") {
		t.Errorf("web storage after viewing a customer: %v", stored)
	}

	e2e.SearchAgain(t, page, demoCustomers[len(demoCustomers)-1])
	e2e.Check(t, page.GetByTestId("start-onboarding").Click())
	e2e.Check(t, e2e.Expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("draft-identity")).ToContainText("Emirates ID •••• 0126"))
	p.Capture(page, "draft-from-search")

	inFlight := e2e.Customer{Country: "AE", IDType: "4", Number: "784-1993-7890123-7", Outcome: "not_found"}
	// Starting the draft looks the ID up once more, before the draft exists (docs/drafts.md).
	last := demoCustomers[len(demoCustomers)-1]
	checkSearchAudit(t, p.DSN, agent.Username, slices.Concat([]e2e.Customer{inFlight}, demoCustomers, []e2e.Customer{demoCustomers[0], last, last}))
}

// searchInFlight holds the answer to a search until the page shows it waits: the bar along
// the top and a busy form; once the answer is in, both are gone.
func searchInFlight(t *testing.T, p *e2e.Portal, page playwright.Page) {
	t.Helper()
	release := make(chan struct{})
	held := func(r playwright.Route) {
		go func() {
			if r.Request().Method() == "POST" {
				<-release
			}
			_ = r.Continue()
		}()
	}
	e2e.Check(t, page.Route("**/search", held))
	busy := regexp.MustCompile(`\bhtmx-request\b`)
	e2e.Check(t, page.GetByTestId("search-id-number").Fill("784-1993-7890123-7"))
	e2e.Check(t, page.GetByTestId("search-submit").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("busy")).ToHaveClass(busy))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("id-search-form")).ToHaveAttribute("aria-busy", "true"))
	p.Capture(page, "search-in-flight")
	close(release)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("outcome-not_found")).ToBeVisible())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("busy")).Not().ToHaveClass(busy))
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("id-search-form")).Not().ToHaveAttribute("aria-busy", "true"))
	e2e.Check(t, page.Unroute("**/search"))
}

// checkSearchAudit reads the search events of username: one per search, in order, each with the outcome
// and the number as its last 4 and keyed hash only.
func checkSearchAudit(t *testing.T, dsn, username string, searches []e2e.Customer) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT after->>'result', after->>'id_last4', after->>'id_hmac', row_to_json(a)::text
		FROM audit_events a WHERE action = 'customer.searched' AND actor_username = $1 ORDER BY id`, username)
	if err != nil {
		t.Fatal(err)
	}
	var i int
	for rows.Next() {
		var result, last4, hash, row string
		e2e.Check(t, rows.Scan(&result, &last4, &hash, &row))
		if i >= len(searches) {
			t.Fatalf("more customer.searched events than the %d searches", len(searches))
		}
		c := searches[i]
		number := strings.ReplaceAll(c.Number, "-", "")
		if result != c.Outcome || last4 != number[len(number)-4:] || hash != keyedHash(number) || strings.Contains(row, number) {
			t.Errorf("search %d (%s): result %s, last 4 %s, hash %s…; row %s", i+1, c.Number, result, last4, hash[:8], row)
		}
		i++
	}
	e2e.Check(t, rows.Err())
	if i != len(searches) {
		t.Errorf("%d customer.searched events, want %d", i, len(searches))
	}
}

func keyedHash(number string) string {
	m := hmac.New(sha256.New, []byte(e2e.AuditKey))
	m.Write([]byte(number))
	return hex.EncodeToString(m.Sum(nil))
}
