// Package e2e holds the end-to-end journeys: each test starts the real portal binary on a
// fresh database and drives Debian's Chromium through playwright-go.
//
// It needs /usr/bin/chromium and the Playwright driver, both installed by
// scripts/install-e2e-tools.sh (make test runs it), with PLAYWRIGHT_DRIVER_PATH exported as
// that script prints. Nothing is downloaded at test time. Every page a journey captures is
// checked with axe-core (a serious or critical violation fails the test) and shot full-page
// at 1366×768 and 768×1024; the screenshots (NN-page-1366.png, NN-page-768.png), the axe
// results (axe.jsonl) and the portal's log are written to $E2E_OUT/<TestName>/, by default
// .data/e2e-output/<TestName>/.
package e2e
