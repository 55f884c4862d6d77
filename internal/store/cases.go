package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Case states: where a case stands as its agent follows it (docs/drafts.md). They fold the
// submission's machine states into what an agent needs to know.
const (
	CaseDraft              = "draft"
	CaseAwaitingApproval   = "awaiting_approval"
	CaseSending            = "sending"
	CaseNeedsAttention     = "needs_attention"
	CaseReturned           = "returned"
	CaseUnderInvestigation = "under_investigation"
	CaseOnboarded          = "onboarded"
	CaseUpdated            = "updated"
	CaseRejected           = "rejected"
)

// CaseStates lists the case states in the order of a case's life.
var CaseStates = []string{CaseDraft, CaseAwaitingApproval, CaseSending, CaseNeedsAttention, CaseReturned,
	CaseUnderInvestigation, CaseOnboarded, CaseUpdated, CaseRejected}

// caseState is the case state of a draft d and its submission s (none before the first submit).
const caseState = `CASE
	WHEN s.state IS NULL OR s.state = 'draft' THEN 'draft'
	WHEN s.state IN ('approved', 'queued', 'sending', 'resubmitted') THEN 'sending'
	WHEN s.state = 'onboarded' AND s.kind = 'update' THEN 'updated'
	ELSE s.state END`

// Case is a draft and where it stands, as the case list shows it.
type Case struct {
	DraftID    int64
	Country    string
	State      string // one of CaseStates
	FirstName  string
	LastName   string
	IDNumber   string
	ECRN       string
	OwnerName  string
	HasSubmit  bool // it has a submission: a checker can open it
	ActivityAt time.Time
}

// CaseFilter chooses the cases of one owner, or of a whole branch (OwnerID 0).
type CaseFilter struct {
	Branch  string
	OwnerID int64
	State   string // "" for every state
	Text    string // a name's words, an ID number, an ECRN or a case number
	Limit   int
}

// casesFrom is the cases of f's owner or branch, discarded drafts left out: $1 the branch,
// $2 the owner or 0. A submission is always in its draft's branch; saying so lets the
// planner read only the branch's submissions, not the whole table.
const casesFrom = ` FROM drafts d LEFT JOIN submissions s ON s.draft_id = d.id AND s.branch = $1 JOIN users cu ON
	cu.id = d.created_by
	WHERE d.branch = $1 AND ($2::bigint = 0 OR d.created_by = $2) AND d.status <> 'discarded'`

// textMatch narrows to cases whose name contains the folded text, or whose ID number,
// ECRN or case number is the text ($3; "" matches every case).
const textMatch = ` AND ($3::text = '' OR strpos(draft_search_name(d.values), search_fold($3)) > 0
	OR d.id_number = upper($3) OR s.ecrn = $3 OR d.id::text = $3)`

// Cases lists f's cases, the most recently active first.
func Cases(ctx context.Context, q Querier, f CaseFilter) ([]Case, error) {
	rows, err := q.Query(ctx, `SELECT * FROM (SELECT d.id, d.country, `+caseState+` AS state,
		coalesce(d.values->>'first_name', ''), coalesce(d.values->>'last_name', ''), d.id_number,
		coalesce(s.ecrn, ''), cu.username, s.draft_id IS NOT NULL, greatest(d.updated_at, s.updated_at) AS activity`+
		casesFrom+textMatch+`) c WHERE $4::text = '' OR c.state = $4 ORDER BY c.activity DESC, c.id DESC LIMIT $5`,
		f.Branch, f.OwnerID, compactText(f.Text), f.State, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("store.Cases: %w", err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		var c Case
		if err := rows.Scan(&c.DraftID, &c.Country, &c.State, &c.FirstName, &c.LastName, &c.IDNumber, &c.ECRN,
			&c.OwnerName, &c.HasSubmit, &c.ActivityAt); err != nil {
			return nil, fmt.Errorf("store.Cases: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CaseCounts counts f's cases by state, whatever f.State says; the text narrows them.
func CaseCounts(ctx context.Context, q Querier, f CaseFilter) (map[string]int, error) {
	rows, err := q.Query(ctx, `SELECT `+caseState+` AS state, count(*)`+casesFrom+textMatch+` GROUP BY 1`,
		f.Branch, f.OwnerID, compactText(f.Text))
	if err != nil {
		return nil, fmt.Errorf("store.CaseCounts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("store.CaseCounts: %w", err)
		}
		out[state] = n
	}
	return out, rows.Err()
}

// compactText is the text as it is matched: an ID number typed with its dashes and spaces
// matches the stored number, which has none.
func compactText(s string) string {
	s = strings.TrimSpace(s)
	if digits := strings.NewReplacer("-", "", " ", "").Replace(s); digits != "" && isDigits(digits) {
		return digits
	}
	return s
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
