package access

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"kycportal/internal/e2e"
)

// TestSupervisorEnrolsASecondFactorInTheBrowser: PORTAL_REQUIRE_TOTP takes a supervisor
// without a factor to /account/totp at first sign-in; the QR code is an image of ours, the
// key is written beside it; a code computed here from that key confirms it; the recovery
// codes show once; the next sign-in asks for a code.
func TestSupervisorEnrolsASecondFactorInTheBrowser(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t, "PORTAL_REQUIRE_TOTP=true")
	supervisor := p.NewUser("supervisor")
	page := p.Page(t)

	e2e.SignIn(t, page, supervisor)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("totp-required")).ToBeVisible())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("totp-qr")).ToHaveJSProperty("complete", true))
	width, err := page.GetByTestId("totp-qr").Evaluate("img => img.naturalWidth", nil)
	e2e.Check(t, err)
	if w, _ := width.(int); w == 0 {
		t.Errorf("the QR image did not load (natural width %v)", width)
	}
	p.Capture(page, "totp-enrol")
	secret, err := page.GetByTestId("totp-secret").TextContent()
	e2e.Check(t, err)
	p.AddSecret(secret)

	e2e.Check(t, page.GetByTestId("totp-code").Fill("000000"))
	e2e.Check(t, page.GetByTestId("totp-confirm").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("totp-error")).ToBeVisible())
	p.Capture(page, "totp-wrong-code")

	code, err := totp.GenerateCode(strings.TrimSpace(secret), time.Now())
	e2e.Check(t, err)
	e2e.Check(t, page.GetByTestId("totp-code").Fill(code))
	e2e.Check(t, page.GetByTestId("totp-confirm").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("totp-recovery-codes").Locator("li")).ToHaveCount(10))
	p.Capture(page, "totp-recovery-codes")

	_, err = page.Goto("/")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("home")).ToBeVisible())
	e2e.Check(t, page.GetByTestId("logout").Click())
	e2e.SignIn(t, page, supervisor)
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("login-otp")).ToBeFocused())
}
