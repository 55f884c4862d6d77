package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestSupervisorEnrolsASecondFactorInTheBrowser: PORTAL_REQUIRE_TOTP takes a supervisor
// without a factor to /account/totp at first sign-in; the QR code is an image of ours, the
// key is written beside it; a code computed here from that key confirms it; the recovery
// codes show once; the next sign-in asks for a code.
func TestSupervisorEnrolsASecondFactorInTheBrowser(t *testing.T) {
	p := Start(t, "PORTAL_REQUIRE_TOTP=true")
	supervisor := p.NewUser("supervisor")
	page := p.Page(t)

	signIn(t, page, supervisor)
	check(t, expect.Locator(page.GetByTestId("totp-required")).ToBeVisible())
	check(t, expect.Locator(page.GetByTestId("totp-qr")).ToHaveJSProperty("complete", true))
	width, err := page.GetByTestId("totp-qr").Evaluate("img => img.naturalWidth", nil)
	check(t, err)
	if w, _ := width.(int); w == 0 {
		t.Errorf("the QR image did not load (natural width %v)", width)
	}
	p.Capture(page, "totp-enrol")
	secret, err := page.GetByTestId("totp-secret").TextContent()
	check(t, err)
	p.secrets = append(p.secrets, secret)

	check(t, page.GetByTestId("totp-code").Fill("000000"))
	check(t, page.GetByTestId("totp-confirm").Click())
	check(t, expect.Locator(page.GetByTestId("totp-error")).ToBeVisible())
	p.Capture(page, "totp-wrong-code")

	code, err := totp.GenerateCode(strings.TrimSpace(secret), time.Now())
	check(t, err)
	check(t, page.GetByTestId("totp-code").Fill(code))
	check(t, page.GetByTestId("totp-confirm").Click())
	check(t, expect.Locator(page.GetByTestId("totp-recovery-codes").Locator("li")).ToHaveCount(10))
	p.Capture(page, "totp-recovery-codes")

	_, err = page.Goto("/")
	check(t, err)
	check(t, expect.Locator(page.GetByTestId("home")).ToBeVisible())
	check(t, page.GetByTestId("logout").Click())
	signIn(t, page, supervisor)
	check(t, expect.Locator(page.GetByTestId("login-otp")).ToBeFocused())
}
