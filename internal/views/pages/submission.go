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
	When, Who, What string
	Detail          string // technical, for supervisors only: "" for an agent
	Attempt         bool
}

// ApprovalRow is a case of the supervisor's queue.
type ApprovalRow struct {
	DraftID                         int64
	Customer, Country, Maker, State string
	Submitted, ClaimedBy            string
}

// ReviewItem is a field or document the checker may flag, with its value as people read it.
type ReviewItem struct {
	Name, Label, Value string
	Changed            bool // since the last submission
}

// CaseChange is a field or document that changed since a case's last submission.
type CaseChange struct {
	Field, Label, Before, After string
}

// Approval is one case as its checker reviews it.
type Approval struct {
	DraftID    int64
	Customer   string
	CustomerAr string // the full name in Arabic, as on the ID, when the pack has it
	StepUp     string // how the checker proves it is them at approval: "password", or "provider" (signing in again there)
	Provider   string // the identity provider's name, for "provider"
	// CodeFallback offers, with "provider", a code of the checker's authenticator app instead.
	CodeFallback bool
	Country      string
	IDLabel      string
	IDNumber     string
	Maker        string
	State        string
	ClaimedBy    string
	ClaimedByMe  bool
	ClaimUntil   string
	Mine         bool // the viewer prepared it: they may not check it
	Items        []ReviewItem
	ReasonTypes  []Choice
	Docs         []Doc // the documents the case holds
	Timeline     []TimelineRow
	UpdateOf     string // an update case: the customer's ECRN
	Updates      []UpdateChange
	Compare      []CompareRow // the CDP's existing customer beside this case, after "already exists"
	Error        string
	StepUpError  string // the password given to approve was refused
	Changed      []CaseChange
}

// deciding is true when the viewer holds the case and may decide on it now.
func (a Approval) deciding() bool { return a.State == "awaiting approval" && !a.Mine && a.ClaimedByMe }

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

// nextStep says, for a submission in state, what happens next and what the agent does.
func nextStep(state string) string {
	switch state {
	case "awaiting_approval":
		return "A checker of your branch reviews the customer next. Their decision shows here; nothing to do meanwhile."
	case "approved", "queued", "sending":
		return "Approved: the portal is sending the customer to the CDP. The answer shows here, usually within a minute."
	case "onboarded":
		return "Done: the CDP registered the customer under this number. Give it to the customer if they ask for it."
	case "returned":
		return "Sent back for a correction: change what is marked below, then submit the correction."
	case "draft", "resubmitted":
		return "Being corrected: submit the correction when the review shows nothing missing."
	case "under_investigation":
		return "The CDP is reviewing the customer for compliance. Nothing to do: its answer shows here."
	case "rejected":
		return "Refused: this customer cannot be onboarded with this draft."
	case "needs_attention":
		return "The CDP could not take the customer. A supervisor of your branch looks at it; nothing to do for now."
	}
	return ""
}

// CompareRow is one fact of the existing customer and of this case, side by side.
type CompareRow struct{ Label, Existing, Case string }

func approvalURL(id int64) string { return "/approvals/" + strconv.FormatInt(id, 10) }

func caseDocURL(id int64, kind string) string { return approvalURL(id) + "/documents/" + kind }
