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
)

var catalogue = map[Action]bool{
	LoginSuccess: true, LoginFailure: true, LoginLocked: true, Logout: true,
	SessionExpired: true, AccessDenied: true, UserCreated: true, UserDisabled: true,
	UserEnabled: true, UserTOTPSet: true,
	UserUpdated: true, UserPasswordReset: true, UserPasswordChanged: true, UserTOTPReset: true, SessionEnded: true,
	DraftCreated: true, DraftUpdated: true, DraftViewed: true, DraftDiscarded: true, DraftTamperAttempt: true,
	DocumentUploaded: true, DocumentReplaced: true, DocumentRemoved: true, DocumentViewed: true,
	DocumentRejected: true, DocumentWarningsAccepted: true,
}

func (a Action) known() bool { return catalogue[a] }
