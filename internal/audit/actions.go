package audit

// Action names what happened. The catalogue is fixed: an action not listed here is refused,
// so that reviewers can filter on a known vocabulary. Later features add theirs here.
type Action string

// The catalogue.
const (
	LoginSuccess   Action = "login.success"
	LoginFailure   Action = "login.failure"
	LoginLocked    Action = "login.locked"
	Logout         Action = "logout"
	SessionExpired Action = "session.expired"
	AccessDenied   Action = "access.denied"
	UserCreated    Action = "user.created"
	UserDisabled   Action = "user.disabled"
	UserEnabled    Action = "user.enabled"
	UserTOTPSet    Action = "user.totp_enrolled"

	UserUpdated         Action = "user.updated" // field-level before/after
	UserPasswordReset   Action = "user.password_reset"
	UserPasswordChanged Action = "user.password_changed"
	UserTOTPReset       Action = "user.totp_reset"
	SessionEnded        Action = "session.ended" // by an administrator

	AuditViewed   Action = "audit.viewed" // the trail, or one event of it, was read
	AuditExported Action = "audit.exported"
	AuditVerified Action = "audit.verified"

	// Customer search (internal/search): the ID number only as audit.IDRef.
	CustomerSearched      Action = "customer.searched"       // a CDP lookup by ID and our own matches
	CustomerLookupLimited Action = "customer.lookup_limited" // refused: the user's lookup limit
	CustomerViewed        Action = "customer.viewed"         // the customer page, by ECRN
	CustomerIDRevealed    Action = "customer.id_revealed"    // the agent pressed "reveal"
	RecordsSearched       Action = "records.searched"        // our own records by name, phone or partial ID

	DraftCreated             Action = "draft.created"
	DraftUpdated             Action = "draft.updated" // field-level before/after
	DraftViewed              Action = "draft.viewed"
	DraftDiscarded           Action = "draft.discarded"
	DraftTamperAttempt       Action = "draft.tamper_attempt" // a read-only field was posted
	DocumentUploaded         Action = "document.uploaded"
	DocumentReplaced         Action = "document.replaced"
	DocumentRemoved          Action = "document.removed"
	DocumentViewed           Action = "document.viewed"
	DocumentRejected         Action = "document.rejected"
	DocumentWarningsAccepted Action = "document.warnings_accepted"

	// Submission to the CDP (internal/submission): entity "submission", id the draft's.
	SubmissionSubmitted   Action = "submission.submitted"
	SubmissionResubmitted Action = "submission.resubmitted"
	SubmissionReopened    Action = "submission.reopened" // back to a draft for a correction
	SubmissionClaimed     Action = "submission.claimed"
	SubmissionApproved    Action = "submission.approved"
	SubmissionReturned    Action = "submission.returned"
	SubmissionRejected    Action = "submission.rejected"
	SubmissionQueued      Action = "submission.queued"
	SubmissionSending     Action = "submission.sending"
	SubmissionRetried     Action = "submission.retried" // by a supervisor, after "needs attention"
	SubmissionRefused     Action = "submission.refused" // a change the rules refuse: maker = checker, a taken claim
	StepUpFailed          Action = "submission.step_up_failed"
	CDPAttempt            Action = "cdp.attempt" // one call: status, code, latency, request id
	CDPOutcome            Action = "cdp.outcome" // the state the attempts led to
	CDPCallback           Action = "cdp.callback"
	CDPCallbackRefused    Action = "cdp.callback_refused"
)

var catalogue = map[Action]bool{
	LoginSuccess: true, LoginFailure: true, LoginLocked: true, Logout: true,
	SessionExpired: true, AccessDenied: true, UserCreated: true, UserDisabled: true,
	UserEnabled: true, UserTOTPSet: true,
	UserUpdated: true, UserPasswordReset: true, UserPasswordChanged: true, UserTOTPReset: true, SessionEnded: true,
	AuditViewed: true, AuditExported: true, AuditVerified: true,
	CustomerSearched: true, CustomerLookupLimited: true, CustomerViewed: true,
	CustomerIDRevealed: true, RecordsSearched: true,
	DraftCreated: true, DraftUpdated: true, DraftViewed: true, DraftDiscarded: true, DraftTamperAttempt: true,
	DocumentUploaded: true, DocumentReplaced: true, DocumentRemoved: true, DocumentViewed: true,
	DocumentRejected: true, DocumentWarningsAccepted: true,
	SubmissionSubmitted: true, SubmissionResubmitted: true, SubmissionReopened: true, SubmissionClaimed: true,
	SubmissionApproved: true, SubmissionReturned: true, SubmissionRejected: true, SubmissionQueued: true,
	SubmissionSending: true, SubmissionRetried: true, SubmissionRefused: true, StepUpFailed: true,
	CDPAttempt: true, CDPOutcome: true, CDPCallback: true, CDPCallbackRefused: true,
}

func (a Action) known() bool { return catalogue[a] }
