// Package submission takes a complete draft to the CDP: the state machine, maker-checker
// approval, the durable queue (river) whose worker onboards the customer, reconciliation
// after ambiguous failures, and the AML alert closure callback. Every change commits with
// its audit event; the audit trail of entity "submission" is the submission's timeline.
package submission

import (
	"fmt"
	"slices"
)

// State is where a submission stands.
type State string

// The states. A submission row starts at its first submit; StateDraft means "back with the
// agent for a correction".
const (
	StateDraft         State = "draft"
	AwaitingApproval   State = "awaiting_approval"
	Approved           State = "approved"
	Returned           State = "returned"
	Queued             State = "queued"
	Sending            State = "sending"
	Onboarded          State = "onboarded"
	UnderInvestigation State = "under_investigation"
	Rejected           State = "rejected"
	NeedsAttention     State = "needs_attention"
	Resubmitted        State = "resubmitted"
)

// transitions is the whole state machine: every allowed move, and no other.
var transitions = map[State][]State{
	StateDraft:         {AwaitingApproval, Queued, Resubmitted},
	Resubmitted:        {AwaitingApproval, Queued},
	AwaitingApproval:   {Approved, Returned, Rejected},
	Approved:           {Queued},
	Returned:           {StateDraft},
	Queued:             {Sending},
	Sending:            {Onboarded, UnderInvestigation, Rejected, NeedsAttention, Returned, Queued, AwaitingApproval},
	UnderInvestigation: {Onboarded, Rejected},
	NeedsAttention:     {Queued},
	Onboarded:          {StateDraft}, // a correction of an onboarded customer, sent as an update
	Rejected:           nil,          // final
}

// States lists every state, in the order of the machine.
var States = []State{StateDraft, Resubmitted, AwaitingApproval, Approved, Returned, Queued, Sending, Onboarded,
	UnderInvestigation, Rejected, NeedsAttention}

// CanMove reports whether the machine allows from → to.
func CanMove(from, to State) bool { return slices.Contains(transitions[from], to) }

// ForbiddenError refuses a move the machine does not allow.
type ForbiddenError struct{ From, To State }

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("submission: %s → %s is not allowed", e.From, e.To)
}

// check returns a *ForbiddenError unless from → to is allowed.
func check(from, to State) error {
	if !CanMove(from, to) {
		return &ForbiddenError{From: from, To: to}
	}
	return nil
}

// Label is the state as people read it.
func (s State) Label() string {
	switch s {
	case AwaitingApproval:
		return "awaiting approval"
	case UnderInvestigation:
		return "under investigation"
	case NeedsAttention:
		return "needs attention"
	}
	return string(s)
}
