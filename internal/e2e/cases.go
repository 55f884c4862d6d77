package e2e

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/playwright-community/playwright-go"

	"kycportal/internal/packs"
)

// LaylaSteps are every step of a complete AE draft, and LaylaFiles its documents.
var (
	LaylaSteps = []Step{
		{Key: "personal", Values: map[string]string{"first_name": "Layla", "last_name": "Haddad", "gender": "Female",
			"date_of_birth": "1985-02-11", "nationality": "AE", "country_of_birth": "AE", "resident_type_id": "101",
			"primary_mobile_number": "+971502106707", "email_id": "layla@example.com", "occupation_id": "224"}},
		{Key: "addresses", Values: map[string]string{"current_city": "Dubai", "current_country": "AE"}},
		{Key: "identity", Values: map[string]string{"name_as_per_id": "LAYLA HADDAD", "date_of_expiry": "2029-05-01"}},
		{Key: "classification", Values: map[string]string{"income_type": "2", "annual_income_range_id": "2", "reason_for_acc": "SAVINGS",
			"txn_count_month": "5", "txn_vol_month": "3000"}},
	}
	LaylaFiles = []string{"id_front:id-front.jpg", "id_back:id-back.jpg", "face:face.jpg"}
)

// Submit presses the review step's submit button and expects the state shown.
func Submit(t *testing.T, page playwright.Page, draftURL, state string) {
	t.Helper()
	show(t, page, draftURL+"?step=review")
	Check(t, page.GetByTestId("submit").Click())
	Check(t, Expect.Locator(page.GetByTestId("submission-state")).ToHaveText(state))
}

// Approve claims the case and approves it with the supervisor's password.
func Approve(t *testing.T, page playwright.Page, supervisor User) {
	t.Helper()
	OpenCase(t, page)
	Check(t, page.GetByTestId("step-up").Fill(supervisor.Password))
	Check(t, page.GetByTestId("approve").Click())
	Check(t, Expect.Locator(page.GetByTestId("approval-state")).Not().ToHaveText("awaiting approval"))
}

// OpenCase opens the one case of the supervisor's approvals and claims it.
func OpenCase(t *testing.T, page playwright.Page) {
	t.Helper()
	_, err := page.Goto("/approvals")
	Check(t, err)
	Check(t, page.GetByTestId("approval-row").Locator("a").First().Click())
	Check(t, page.GetByTestId("claim").Click())
	Check(t, Expect.Locator(page.GetByTestId("claimed")).ToBeVisible())
}

// WaitForState waits until the submission of the draft at draftURL reaches state, as the
// page words it ("under investigation"), which the worker does in the background; then the
// draft's review, which shows its submission, must show it. The wait reads the database,
// a query each tenth of a second: reloading the page until it changed cost the browser a
// whole page each time round.
func WaitForState(t *testing.T, p *Portal, page playwright.Page, draftURL, state string) {
	t.Helper()
	id, err := strconv.ParseInt(draftURL[strings.LastIndex(draftURL, "/")+1:], 10, 64)
	Check(t, err)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, p.DSN)
	Check(t, err)
	defer conn.Close(ctx)
	want := strings.ReplaceAll(state, " ", "_")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var got string
		err := conn.QueryRow(ctx, `SELECT state FROM submissions WHERE draft_id = $1`, id).Scan(&got)
		if err == nil && got == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("submission still %q (%v) after 30s, want %q", got, err, want)
		}
	}
	_, err = page.Goto(draftURL + "?step=review")
	Check(t, err)
	Check(t, Expect.Locator(page.GetByTestId("submission-state")).ToHaveText(state))
}

// RegexpECRN is the shape of an ECRN, the customer number the CDP gives.
var RegexpECRN = regexp.MustCompile(`^[0-9]{16}$`)

// PackSteps are values as the pack's steps ask for them, in the form's order; an empty
// value is left as it is.
func PackSteps(pack *packs.Pack, values map[string]string) []Step {
	var out []Step
	for _, s := range pack.Sections {
		st := Step{Key: s.Key, Values: map[string]string{}}
		for _, f := range s.Fields {
			if v := values[f.Name]; v != "" {
				st.Values[f.Name] = v
			}
		}
		out = append(out, st)
	}
	return out
}

// PackFiles are a file of the upload corpus for every document the pack takes for the ID type.
func PackFiles(pack *packs.Pack, idType string) []string {
	t, _ := pack.IDType(idType)
	var out []string
	for _, d := range pack.Documents {
		switch {
		case d.Kind == packs.DocIDBack && !t.HasBack:
		case packs.IsReport(d.Kind):
			out = append(out, d.Kind+":report.pdf")
		default:
			out = append(out, d.Kind+":"+strings.ReplaceAll(d.Kind, "_", "-")+".jpg")
		}
	}
	return out
}
