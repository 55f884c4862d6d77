// Package e2e is the harness of the end-to-end journeys, which live in the packages below it
// (agent, casework, packs, access) so that go test runs them side by side: each journey
// drives Debian's Chromium through playwright-go against the real portal binary, built once
// for all of them (buildPortal), on a fresh database.
//
// Journeys that need no settings of their own share one portal per package (Shared), each
// in a branch of its own with its own users; the others start their own (Start). A package
// hands its TestMain to Main, which stops the shared portals and scans their logs.
//
// It needs Debian's chromium-headless-shell and the Playwright driver, both installed by
// scripts/install-e2e-tools.sh (make test runs it), with PLAYWRIGHT_DRIVER_PATH exported as
// that script prints. Nothing is downloaded at test time. A page a journey captures is
// checked with axe-core (a serious or critical violation fails the test) and shot full-page
// at 1366×768 and 768×1024 the first time the test binary captures a page of its name and
// shape (every time with E2E_CAPTURE=all); the screenshots (NN-page-1366.jpg, NN-page-768.jpg) and the axe results
// (axe.jsonl) are written to $E2E_OUT/<TestName>/, by default .data/e2e-output/<TestName>/,
// and a portal's log beside them, or for a shared portal to $E2E_OUT/<package>-portal-N/.
package e2e
