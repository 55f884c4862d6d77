package pages

import "strconv"

// CaseList is the case list: an agent's own cases, or a supervisor's branch.
type CaseList struct {
	Title   string
	Branch  bool // a supervisor's view of the whole branch
	State   string
	Text    string
	Error   string
	Total   int
	Counts  []StateCount
	Rows    []CaseRow
	Limited bool   // more cases match than the page shows
	RowsURL string // where the results ask for themselves again
}

// StateCount is one state of the case list with its number of cases, a link that filters on it.
type StateCount struct {
	Key, Label, Href string
	N                int
	Current          bool
}

// CaseRow is one case of the list.
type CaseRow struct {
	DraftID                              int64
	Href                                 string // "": the viewer cannot open it (a branch draft not yet submitted)
	Country, Customer, State, StateLabel string
	Owner, Activity, ECRN                string
}

// Notice is one entry of the inbox.
type Notice struct {
	Kind, Message, When, Href string
	Unread                    bool
}

func caseNumber(id int64) string { return "#" + strconv.FormatInt(id, 10) }
