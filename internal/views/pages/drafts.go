package pages

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// Choice is one option of a select.
type Choice struct{ Code, Label string }

// CountryChoice is a country an agent may onboard for, with its ID types.
type CountryChoice struct {
	Code, Name string
	IDTypes    []Choice
}

// ReuseItem is another draft of the same identity document.
type ReuseItem struct {
	ID                int64
	Who, When, Status string
	Branch, Name      string
	Elsewhere         bool // another branch's: named only as in use there
}

// NewDraft is the form that starts a draft.
type NewDraft struct {
	Countries                                []CountryChoice
	AllCountries                             []Choice
	Country, IDType, IDNumber, IssuedCountry string
	Errors                                   map[string]string
	Reuse                                    []ReuseItem
	Checked                                  bool // the ID number was checked and is valid
}

// StepLink is one step of the draft form.
type StepLink struct {
	Key, Title string
	Current    bool
	Issues     int
}

// Field is one input of a step.
type Field struct {
	Name, Label, Type, Value, Help, Error string
	Required                              bool
	RequiredNote                          string // when it is required only in some cases
	MaxLength                             int
	Options                               []Choice
	Conflict                              *Conflict
	Note                                  string // why the value changed under the agent's eyes
	Rules                                 Rules  // the pack's rules, for the browser to check as the agent types
}

// Rules are a field's pack rules as input attributes: the browser marks a value that breaks
// them as the agent leaves the field, and the page keeps "required" in step with the field
// it depends on. The server checks them all again.
type Rules struct {
	Pattern, Hint     string // a pattern and its example, in words
	Min, Max          string // a date's bounds, YYYY-MM-DD
	InputMode         string
	RequiredWhenField string // required while this field's value is one of RequiredWhenIn
	RequiredWhenIn    string // codes, space-separated
}

// Conflict shows both values of a field two people saved at once, and what to do.
type Conflict struct {
	Theirs, Yours, Advice string
	Keep                  string // where "Keep mine" posts the agent's value again, over the saved one
}

// Doc is a document slot of the documents step.
type Doc struct {
	Kind, Label, Accept, Capture string
	ScaleTo                      int // a photo's longest side as stored: the browser scales to it
	Required, Present, IsImage   bool
	Size, Dims, Uploaded         string
	Warnings                     []string
	WarningReason                string
	Error                        string
	MaxBytes                     int // the largest file the portal takes: the page refuses a larger one before sending it
}

// Issue is something still missing or invalid, with a link to where it is fixed.
type Issue struct{ Label, Message, Href string }

// DraftView is one step of a draft's form.
type DraftView struct {
	ID                                    int64
	Country, PackLabel, IDLabel, IDNumber string // Country: its name, as the agent reads it
	Version                               int
	Open                                  bool
	Status                                string
	Steps                                 []StepLink
	Step, StepTitle                       string
	Fields                                []Field
	Docs                                  []Doc
	Issues                                []Issue
	Reuse                                 []ReuseItem
	MakerChecker                          bool
	Flash, SavedAt, DiscardError          string
	Submission                            Submission
	UpdateOf                              string // an update case: the customer's ECRN
	Updates                               []UpdateChange
	Summary                               []SummarySection // the review step: everything that will be sent
	StepIssues                            []Issue          // after "Save and continue": every problem of the step at once
}

// UpdateChange is a field an update case changes from the CDP's record.
type UpdateChange struct {
	Field, Label, Before, After string
}

// SummarySection is one step's fields as the review shows them, as people read them.
type SummarySection struct {
	Title string
	Items []ReviewItem
}

// Autosave is the answer to an htmx save: out-of-band updates of the page.
type Autosave struct {
	DraftID   int64
	Version   int
	SavedAt   string
	Messages  []Field // the fields posted: their message slots
	Refreshed []Field // fields someone else changed: replaced whole
	Steps     []StepLink
}

// HistoryRow is one audit event of a draft.
type HistoryRow struct {
	When, Who, Action, Reason string
	Changes                   []Change
}

// Change is one field's before and after.
type Change struct{ Field, Before, After string }

// History is a draft's audit trail.
type History struct {
	DraftID int64
	Rows    []HistoryRow
}

// Viewer shows one document with zoom and rotate: an agent's of their draft, or a
// checker's of a case.
type Viewer struct {
	DraftID int64
	Case    bool // a checker's view, under /approvals
	Doc     Doc
}

// src is the address of the viewed document.
func (v Viewer) src() string {
	if v.Case {
		return caseDocURL(v.DraftID, v.Doc.Kind)
	}
	return docURL(v.DraftID, v.Doc.Kind)
}

// back is where the viewer was opened from, and its link's words (a message id).
func (v Viewer) back() (templ.SafeURL, string) {
	if v.Case {
		return templ.SafeURL(approvalURL(v.DraftID)), "viewer.back_case"
	}
	return templ.SafeURL(stepURL(v.DraftID, "documents")), "viewer.back_draft"
}

func draftURL(id int64) string { return "/drafts/" + strconv.FormatInt(id, 10) }

// idMasked tells whether an ID number is shown masked, so that the page offers to reveal it.
func idMasked(shown string) bool { return strings.HasPrefix(shown, "•") }

func stepURL(id int64, step string) string { return draftURL(id) + "?step=" + step }

func docURL(id int64, kind string) string { return draftURL(id) + "/documents/" + kind }
