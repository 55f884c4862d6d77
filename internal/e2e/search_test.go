package e2e

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
)

// demoCustomer is a demo customer of the CDP sandbox and the state the agent must see.
type demoCustomer struct {
	country, idType, number string // the number as an agent types it
	outcome, shows          string // the outcome's data-testid suffix, and text the result holds
}

var demoCustomers = []demoCustomer{
	{"AE", "4", "784-1990-1234567-6", "found", "ZAFAR BASHIR BASHIR MASIH"},
	{"AE", "4", "784-1988-2345678-9", "subscription_pending", "Registration not finished"},
	{"AE", "4", "784-1977-3456789-0", "blocked", "Customer blocked"},
	{"AE", "4", "784-1966-4567890-3", "under_investigation", "Under compliance review"},
	{"AE", "4", "784-1955-5678901-4", "cdp_error", "CDP could not search"},
	{"AE", "4", "784-1993-7890123-7", "not_found", "Not yet a customer"},
	{"MY", "28", "900101-14-5678", "found", "NUR AISYAH BINTI AHMAD"},
	{"MY", "28", "850615-10-5432", "blocked", "Customer blocked"},
	{"AE", "4", "784-2001-6789012-6", "not_found", "Not yet a customer"}, // last: onboarding starts from it
}

// TestAgentSearchesEveryDemoCustomer: an agent searches each demo customer of the sandbox in
// the browser and sees its documented state; the found one opens masked and reveals; from
// "Not found" the agent starts onboarding and lands in a draft of that ID. The audit holds
// each search with the number's last 4 and keyed hash, and its outcome, never the number.
func TestAgentSearchesEveryDemoCustomer(t *testing.T) {
	t.Parallel()
	p := Start(t)
	agent := p.NewUser("agent")
	page := p.Page(t)
	login(t, page, agent)
	check(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Search", Exact: playwright.Bool(true)}).Click())
	check(t, expect.Locator(page.GetByTestId("id-search-form")).ToBeVisible())
	check(t, page.GetByTestId("search-id-number").Fill("784-1990-1234567-0"))
	check(t, page.GetByTestId("search-submit").Click())
	check(t, expect.Locator(page.GetByTestId("error-id_number")).ToBeFocused())
	p.Capture(page, "invalid-number")
	searchInFlight(t, p, page)

	for _, c := range demoCustomers {
		selectValue(t, page.GetByTestId("search-country"), c.country)
		// The ID types are swapped in for the country by htmx.
		check(t, expect.Locator(page.GetByTestId("search-id-type").Locator(`option[value="`+c.idType+`"]`)).ToBeAttached())
		selectValue(t, page.GetByTestId("search-id-type"), c.idType)
		check(t, page.GetByTestId("search-id-number").Fill(c.number))
		check(t, page.GetByTestId("search-submit").Click())
		outcome := page.GetByTestId("outcome-" + c.outcome)
		check(t, expect.Locator(outcome).ToBeVisible())
		check(t, expect.Locator(page.GetByTestId("id-result")).ToContainText(c.shows))
		check(t, expect.Locator(page.GetByTestId("id-result")).ToBeFocused())
		p.Capture(page, c.outcome+"-"+c.country)
	}
	if !strings.HasSuffix(page.URL(), "/search") {
		t.Errorf("the URL after searching is %s: the number must stay out of it", page.URL())
	}

	searchAgain(t, page, demoCustomers[0])
	check(t, page.GetByTestId("view-customer").Click())
	check(t, expect.Locator(page.GetByTestId("id-masked")).ToHaveText("•••• 5676"))
	check(t, page.GetByTestId("reveal").Click())
	check(t, expect.Locator(page.GetByTestId("id-revealed")).ToHaveText("784 1990 1234 5676"))
	p.Capture(page, "customer-revealed")
	// htmx keeps only the current path in sessionStorage (2.0.11 sets it on every load); the
	// history cache, which would copy pages into localStorage, is off.
	stored, err := page.Evaluate("() => JSON.stringify([localStorage, sessionStorage])")
	check(t, err)
	if s, _ := stored.(string); !regexp.MustCompile(`^\[\{\},\{("htmx-current-path-for-history":"[^"]*")?\}\]$`).MatchString(s) ||
		strings.Contains(s, "784199012345676") || strings.Contains(s, "ZAFAR") {
		t.Errorf("web storage after viewing a customer: %v", stored)
	}

	searchAgain(t, page, demoCustomers[len(demoCustomers)-1])
	check(t, page.GetByTestId("start-onboarding").Click())
	check(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/drafts/\d+$`)))
	check(t, expect.Locator(page.GetByTestId("draft-identity")).ToContainText("Emirates ID •••• 0126"))
	p.Capture(page, "draft-from-search")

	inFlight := demoCustomer{"AE", "4", "784-1993-7890123-7", "not_found", ""}
	// Starting the draft looks the ID up once more, before the draft exists (docs/drafts.md).
	last := demoCustomers[len(demoCustomers)-1]
	checkSearchAudit(t, p.DSN, slices.Concat([]demoCustomer{inFlight}, demoCustomers, []demoCustomer{demoCustomers[0], last, last}))
}

// searchInFlight holds the answer to a search until the page shows it waits: the bar along
// the top and a busy form; once the answer is in, both are gone.
func searchInFlight(t *testing.T, p *Portal, page playwright.Page) {
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
	check(t, page.Route("**/search", held))
	busy := regexp.MustCompile(`\bhtmx-request\b`)
	check(t, page.GetByTestId("search-id-number").Fill("784-1993-7890123-7"))
	check(t, page.GetByTestId("search-submit").Click())
	check(t, expect.Locator(page.GetByTestId("busy")).ToHaveClass(busy))
	check(t, expect.Locator(page.GetByTestId("id-search-form")).ToHaveAttribute("aria-busy", "true"))
	p.Capture(page, "search-in-flight")
	close(release)
	check(t, expect.Locator(page.GetByTestId("outcome-not_found")).ToBeVisible())
	check(t, expect.Locator(page.GetByTestId("busy")).Not().ToHaveClass(busy))
	check(t, expect.Locator(page.GetByTestId("id-search-form")).Not().ToHaveAttribute("aria-busy", "true"))
	check(t, page.Unroute("**/search"))
}

func searchAgain(t *testing.T, page playwright.Page, c demoCustomer) {
	t.Helper()
	searchIssued(t, page, c, "")
}

// searchIssued is searchAgain for an ID issued by the country issued (a passport's).
func searchIssued(t *testing.T, page playwright.Page, c demoCustomer, issued string) {
	t.Helper()
	_, err := page.Goto("/search")
	check(t, err)
	country := page.GetByTestId("search-country")
	if current, err := country.InputValue(); err == nil && current != c.country {
		// Another country swaps its ID types in: wait for them, as a code such as the
		// passport's may be in both lists.
		_, err := page.ExpectResponse("**/search/id-types**", func() error {
			_, err := country.SelectOption(playwright.SelectOptionValues{Values: &[]string{c.country}})
			return err
		})
		check(t, err)
	}
	check(t, expect.Locator(page.GetByTestId("search-id-type").Locator(`option[value="`+c.idType+`"]`)).ToBeAttached())
	selectValue(t, page.GetByTestId("search-id-type"), c.idType)
	if issued != "" {
		selectValue(t, page.GetByTestId("search-issued-country"), issued)
	}
	check(t, page.GetByTestId("search-id-number").Fill(c.number))
	check(t, page.GetByTestId("search-submit").Click())
	check(t, expect.Locator(page.GetByTestId("outcome-"+c.outcome)).ToBeVisible())
}

// checkSearchAudit reads the search events: one per search, in order, each with the outcome
// and the number as its last 4 and keyed hash only.
func checkSearchAudit(t *testing.T, dsn string, searches []demoCustomer) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT after->>'result', after->>'id_last4', after->>'id_hmac', row_to_json(a)::text
		FROM audit_events a WHERE action = 'customer.searched' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var i int
	for rows.Next() {
		var result, last4, hash, row string
		check(t, rows.Scan(&result, &last4, &hash, &row))
		if i >= len(searches) {
			t.Fatalf("more customer.searched events than the %d searches", len(searches))
		}
		c := searches[i]
		number := strings.ReplaceAll(c.number, "-", "")
		if result != c.outcome || last4 != number[len(number)-4:] || hash != keyedHash(number) || strings.Contains(row, number) {
			t.Errorf("search %d (%s): result %s, last 4 %s, hash %s…; row %s", i+1, c.number, result, last4, hash[:8], row)
		}
		i++
	}
	check(t, rows.Err())
	if i != len(searches) {
		t.Errorf("%d customer.searched events, want %d", i, len(searches))
	}
}

func keyedHash(number string) string {
	m := hmac.New(sha256.New, []byte(AuditKey))
	m.Write([]byte(number))
	return hex.EncodeToString(m.Sum(nil))
}
