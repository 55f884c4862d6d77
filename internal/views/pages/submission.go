package pages

import (
	"net/url"
	"strconv"
)

// Submission is where a draft's submission stands, for the draft page.
type Submission struct {
	DraftID    int64
	State      string // the machine's name, for tests and styles
	Label      string // as people read it
	ECRN       string
	CanSubmit  bool // the draft is complete and with the agent
	CanCorrect bool // onboarded: a correction goes out as an update
	Resubmit   bool
	ReturnedBy string // "checker" or "cdp" when it came back
	Comment    string
	Reasons    []Reason
	Timeline   []TimelineRow
	Seen       string   // the version of the case this panel shows, for its own refresh
	Outcome    *Outcome // the last CDP answer, in the outcome catalogue's words
}

// stateURL is where the panel asks whether its case moved since it was drawn.
func stateURL(s Submission) string {
	return draftURL(s.DraftID) + "/state?seen=" + url.QueryEscape(s.Seen)
}

// Outcome is a CDP answer as an agent reads it: never a code.
type Outcome struct{ Title, Meaning, Next string }

// Reason is what a checker or the CDP said about one field or document.
type Reason struct{ Name, Label, Reason string }

// TimelineRow is one change or CDP attempt of a submission: never a payload or an image.
type TimelineRow struct {
	When, Who, What, Detail, Outcome string
	Technical                        string // status, code and request ids: supervisors only
	Attempt                          bool
}

// ApprovalRow is a case of the supervisor's queue.
type ApprovalRow struct {
	DraftID                         int64
	Customer, Country, Maker, State string
	Submitted, ClaimedBy            string
}

// ReviewItem is a field or document the checker may flag, with its value.
type ReviewItem struct {
	Name, Label, Value string
}

// Approval is one case as its checker reviews it.
type Approval struct {
	DraftID     int64
	Customer    string
	Country     string
	IDLabel     string
	IDNumber    string
	Maker       string
	State       string
	ClaimedBy   string
	ClaimedByMe bool
	ClaimUntil  string
	Mine        bool // the viewer prepared it: they may not check it
	Items       []ReviewItem
	ReasonTypes []Choice
	Docs        []Doc // the documents the case holds
	Timeline    []TimelineRow
	UpdateOf    string // an update case: the customer's ECRN
	Updates     []UpdateChange
	Compare     []CompareRow // the CDP's existing customer beside this case, after "already exists"
	Error       string
}

// CompareRow is one fact of the existing customer and of this case, side by side.
type CompareRow struct{ Label, Existing, Case string }

func approvalURL(id int64) string { return "/approvals/" + strconv.FormatInt(id, 10) }

func caseDocURL(id int64, kind string) string { return approvalURL(id) + "/documents/" + kind }
