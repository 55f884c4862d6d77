package pages

// WorkItemPage is one worklist item: the customer's record as the portal last sent it, the
// "no change" confirmations of its review with their decisions, and what the viewer may do.
type WorkItemPage struct {
	ID                         int64
	Customer, ECRN, Country    string
	What, Due, Urgency, Risk   string
	Record                     []CustomerFact
	Confirmations              []ConfirmationRow
	NextDue                    string // the next review's date an approval today would set
	ReviewMonths               int    // the interval of the customer's risk
	Done                       bool
	Awaiting                   bool   // a confirmation waits for a checker
	CanConfirm                 bool   // an agent, on a review with nothing waiting
	CanDecide                  bool   // a supervisor, on another's confirmation that waits
	StepUp                     string // "password", "code" or "enrol" (stepUpOf)
	Error, StepUpError, Notice string
}

// CustomerFact is one line of the customer's record: Label is a message id.
type CustomerFact struct {
	Label, Value string
}

// ConfirmationRow is one confirmation and its decision; State is a message id.
type ConfirmationRow struct {
	State, Maker, Note, ConfirmedAt  string
	Checker, Comment, DecidedAt, Due string
}
