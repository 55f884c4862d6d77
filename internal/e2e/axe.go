package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/playwright-community/playwright-go"
)

// axeSource is axe-core as scripts/install-e2e-tools.sh installed it from npm.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "tools", "playwright", "node_modules", "axe-core", "axe.min.js"))
	return string(b), err
})

// runAxe runs every axe-core rule on the page and returns how many rules passed and what
// each violation is, with the nodes at fault.
const runAxe = `async () => {
	const r = await axe.run(document, {resultTypes: ["violations"]});
	return JSON.stringify({
		passes: r.passes.length,
		violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => n.target.join(" "))})),
	});
}`

type axeResult struct {
	Page       string         `json:"page"`
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAccessibility runs axe-core in page, injected from its npm file (never the network;
// page.Evaluate is not bound by the page's CSP), appends the result to axe.jsonl in the
// output folder, and fails the test on any serious or critical violation, or when axe
// checked nothing.
func (p *Portal) checkAccessibility(page playwright.Page, name string) {
	p.t.Helper()
	src, err := axeSource()
	if err != nil {
		p.t.Fatalf("axe-core is not installed (run scripts/install-e2e-tools.sh): %v", err)
	}
	if loaded, err := page.Evaluate("() => typeof window.axe"); err != nil || loaded != "object" {
		_, err = page.Evaluate(src)
		Check(p.t, err)
	}
	out, err := page.Evaluate(runAxe)
	Check(p.t, err)
	res := axeResult{Page: name}
	if s, _ := out.(string); json.Unmarshal([]byte(s), &res) != nil || res.Passes == 0 {
		p.t.Fatalf("axe-core on %s checked nothing: %v", name, out)
	}
	p.recordAxe(res)
	var bad []string
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", ")))
		}
	}
	if bad != nil {
		p.t.Errorf("axe-core on %s (%s):\n  %s", name, page.URL(), strings.Join(bad, "\n  "))
	}
}

func (p *Portal) recordAxe(res axeResult) {
	line, err := json.Marshal(res)
	Check(p.t, err)
	f, err := os.OpenFile(filepath.Join(p.Out, "axe.jsonl"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	Check(p.t, err)
	defer f.Close()
	_, err = f.Write(append(line, '\n'))
	Check(p.t, err)
}
