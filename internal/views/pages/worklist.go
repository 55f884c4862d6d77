package pages

import "strconv"

// WorkItem is one customer of the branch worklist.
type WorkItem struct {
	ID                       int64
	Customer, ECRN, Country  string
	What, Due, Urgency, Risk string
	Overdue                  bool
	Contacts                 int
	LastResult               string
	CaseHref                 string // the renewal's case, once started
	CanRenew                 bool   // an agent may start the update case
	Awaiting                 bool   // a "no change" confirmation of the review waits for a checker
}

// Worklist is the branch's worklist page.
type Worklist struct {
	Branch   string
	Items    []WorkItem
	Outcomes []string
	Error    string
}

func workItemURL(id int64) string { return "/worklist/" + strconv.FormatInt(id, 10) }
