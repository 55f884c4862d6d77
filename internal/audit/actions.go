package audit

// Action names what happened. The catalogue is fixed: an action not defined here is refused,
// so that reviewers can filter on a known vocabulary. Each action is defined once, with
// define, which also enters it in the catalogue.
type Action string

var catalogue = map[Action]bool{}

func define(name string) Action {
	catalogue[Action(name)] = true
	return Action(name)
}

func (a Action) known() bool { return catalogue[a] }

// The catalogue.
var (
	LoginSuccess   = define("login.success")
	LoginFailure   = define("login.failure")
	LoginLocked    = define("login.locked")
	Logout         = define("logout")
	SessionExpired = define("session.expired")
	AccessDenied   = define("access.denied")
	UserCreated    = define("user.created")
	UserDisabled   = define("user.disabled")
	UserEnabled    = define("user.enabled")
	UserTOTPSet    = define("user.totp_enrolled")

	UserUpdated         = define("user.updated") // field-level before/after
	UserPasswordReset   = define("user.password_reset")
	UserPasswordChanged = define("user.password_changed")
	UserPasswordRefused = define("user.password_refused") // a wrong current password on the password page
	UserTOTPReset       = define("user.totp_reset")
	UserUnlocked        = define("user.unlocked") // an administrator cleared the sign-in throttling
	SessionEnded        = define("session.ended") // by an administrator

	// Single sign-on (internal/sso).
	SSORefused          = define("login.sso_refused")        // the provider's claims grant no access
	SSOProvisioned      = define("user.sso_provisioned")     // an account made at its first sign-in
	SSOLinked           = define("user.sso_linked")          // an existing account tied to a provider subject
	SSOClaimsChanged    = define("user.sso_claims_changed")  // role, branch or countries re-read from the claims
	SSOBackchannelEnded = define("session.provider_logout")  // the provider's back-channel logout
	SSOGrantEnded       = define("session.provider_refused") // the provider no longer accepts a session's tokens
	UserLanguageSet     = define("user.language_set")        // the interface language chosen in the header

	// Customer search (internal/search): the ID number only as audit.IDRef.
	CustomerSearched      = define("customer.searched")       // a CDP lookup by ID and our own matches
	CustomerLookupLimited = define("customer.lookup_limited") // refused: the user's lookup limit
	CustomerViewed        = define("customer.viewed")         // the customer page, by ECRN
	CustomerIDRevealed    = define("customer.id_revealed")    // the agent pressed "reveal"
	RecordsSearched       = define("records.searched")        // our own records by name, phone or partial ID

	AuditViewed      = define("audit.viewed") // the trail, or one event of it, was read
	AuditExported    = define("audit.exported")
	AuditVerified    = define("audit.verified")
	EvidenceExported = define("audit.evidence_exported") // a case's evidence pack was downloaded

	RetentionPurged   = define("retention.purged")
	LegalHoldPlaced   = define("retention.hold_placed")
	LegalHoldReleased = define("retention.hold_released")

	DraftCreated             = define("draft.created")
	DraftUpdated             = define("draft.updated") // field-level before/after
	DraftViewed              = define("draft.viewed")
	DraftDiscarded           = define("draft.discarded")
	DraftTamperAttempt       = define("draft.tamper_attempt") // a read-only field was posted
	DraftIDChecked           = define("draft.id_checked")     // the new-draft form asked who else holds an ID
	DocumentUploaded         = define("document.uploaded")
	DocumentReplaced         = define("document.replaced")
	DocumentRemoved          = define("document.removed")
	DocumentViewed           = define("document.viewed")
	DocumentRejected         = define("document.rejected")
	DocumentWarningsAccepted = define("document.warnings_accepted")

	// Submission to the CDP (internal/submission): entity "submission", id the draft's.
	SubmissionSubmitted   = define("submission.submitted")
	SubmissionResubmitted = define("submission.resubmitted")
	SubmissionReopened    = define("submission.reopened") // back to a draft for a correction
	SubmissionClaimed     = define("submission.claimed")
	SubmissionApproved    = define("submission.approved")
	SubmissionReturned    = define("submission.returned")
	SubmissionRejected    = define("submission.rejected")
	SubmissionQueued      = define("submission.queued")
	SubmissionSending     = define("submission.sending")
	SubmissionRetried     = define("submission.retried") // by a supervisor, after "needs attention"
	SubmissionRefused     = define("submission.refused") // a change the rules refuse: maker = checker, a taken claim
	StepUpFailed          = define("submission.step_up_failed")
	ClaimReleased         = define("submission.claim_released") // by its holder, or taken over once lapsed
	CDPAttempt            = define("cdp.attempt")               // one call: status, code, latency, request id
	CDPOutcome            = define("cdp.outcome")               // the state the attempts led to
	CDPCallback           = define("cdp.callback")
	CDPCallbackRefused    = define("cdp.callback_refused")
	CDPCheck              = define("cdp.check") // a case still open at the CDP looked up again

	NotificationsRead = define("notifications.read") // a user marked their inbox read

	// The branch worklist (internal/worklist): expiries and periodic reviews.
	WorklistWatched         = define("worklist.watched")          // the daily watch: what it added
	WorklistContact         = define("worklist.contact_recorded") // called, visited, refused
	WorklistRenewalStarted  = define("worklist.renewal_started")  // an update case started from an item
	WorklistItemViewed      = define("worklist.item_viewed")      // an item's page, with the customer's record
	WorklistReviewConfirmed = define("worklist.review_confirmed") // an agent: the customer is unchanged
	WorklistReviewApproved  = define("worklist.review_approved")  // a checker, with step-up: the item is done
	WorklistReviewReturned  = define("worklist.review_returned")  // a checker, with a comment
	WorklistReviewRefused   = define("worklist.review_refused")   // a decision the rules refuse: maker = checker
	WorklistStepUpFailed    = define("worklist.step_up_failed")   // a review's approval with a wrong password or code

	// The branch registry (internal/branches): entity "branch", id its code.
	BranchCreated  = define("branch.created")
	BranchUpdated  = define("branch.updated") // field-level before/after
	BranchDisabled = define("branch.disabled")
)
