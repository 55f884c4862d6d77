// Package app builds the portal's services, once, from what cmd/portal read and opened: the
// web server and the queue's worker are handed the same instances. It is the only place a
// service is constructed.
package app

import (
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/branches"
	"kycportal/internal/cdp"
	"kycportal/internal/config"
	"kycportal/internal/documents"
	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/review"
	"kycportal/internal/search"
	"kycportal/internal/session"
	"kycportal/internal/sso"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/worklist"
)

// Options are the parts every service is built from. None has a default here: cmd/portal
// chooses each from the configuration, and tests choose theirs.
type Options struct {
	DB       *store.DB
	CDP      *cdp.Client
	Log      *slog.Logger
	Metrics  prometheus.Registerer
	Now      func() time.Time
	Hasher   *auth.Hasher
	Packs    *packs.Registry
	Blobs    drafts.BlobStore
	Scanner  documents.Scanner
	AuditKey []byte     // keys the hash of ID numbers in the audit trail (audit.IDRef)
	AuditLog *audit.Key // signs and checks the audit log's checkpoints

	LookupLimit     search.Limit
	Rules           submission.Rules
	RequireTOTP     bool // supervisors and admins must have a second factor
	SessionIdle     time.Duration
	SessionAbsolute time.Duration
	Watch           worklist.Rules // the worklist's daily watch
	Worker          *WorkerOptions // nil: the queue client only inserts jobs

	Secrets         *auth.Sealer // encrypts second-factor secrets; nil: none can be enrolled
	PasswordsOff    bool         // single sign-on only: local passwords refused but for BreakGlassAdmin
	BreakGlassAdmin string       // the administrator who may still sign in with a password
	OIDC            config.OIDC  // single sign-on through the bank's provider; no Issuer: none
}

// WorkerOptions make this process work the CDP queue as well as fill it.
type WorkerOptions struct {
	Concurrency int
	Cooldown    time.Duration
	JobTimeout  time.Duration // one run: a lookup and an onboard, each within the CDP timeout
	RescueAfter time.Duration // a run still marked running this long after it started died with its process
}

// App is every service of the portal.
type App struct {
	Sessions    *session.Manager
	Login       *auth.Service
	Accounts    *auth.Accounts
	Drafts      *drafts.Service
	Search      *search.Service
	Submissions *submission.Service
	Review      *review.Service
	Worklist    *worklist.Service
	Branches    *branches.Service
	Audit       audit.Recorder        // events with no change of their own: refusals, denials
	Queue       *river.Client[pgx.Tx] // inserts the services' jobs; works them with Options.Worker
	SSO         *sso.Service          // nil: no single sign-on
}

var errMissing = errors.New("app: a required part is missing")

// New builds the services. It fails, rather than guesses, when a part is missing.
func New(o Options) (*App, error) {
	if o.DB == nil || o.CDP == nil || o.Log == nil || o.Metrics == nil || o.Now == nil || o.Hasher == nil ||
		o.Packs == nil || o.Blobs == nil || o.Scanner == nil || o.AuditLog == nil ||
		o.Rules == (submission.Rules{}) || o.Watch.WindowDays == 0 || o.LookupLimit == (search.Limit{}) {
		return nil, errMissing
	}
	d := &drafts.Service{DB: o.DB, Packs: o.Packs, Blobs: o.Blobs, Scanner: o.Scanner, Now: o.Now, Key: o.AuditKey}
	login := &auth.Service{DB: o.DB, Hasher: o.Hasher, Now: o.Now, RequireTOTP: o.RequireTOTP, Secrets: o.Secrets,
		PasswordsOff: o.PasswordsOff, BreakGlassAdmin: o.BreakGlassAdmin}
	sub := &submission.Service{DB: o.DB, Drafts: d, Passwords: login, Now: o.Now, Rules: o.Rules}
	wl := &worklist.Service{DB: o.DB, Submissions: sub, Login: login, Now: o.Now, Rules: o.Watch}
	q, err := newQueue(o, sub, wl)
	if err != nil {
		return nil, err
	}
	sub.Queue = q
	accounts := NewAccounts(o.DB, o.Hasher)
	accounts.Secrets = o.Secrets
	var single *sso.Service
	if o.OIDC.Enabled() {
		if o.Secrets == nil {
			return nil, errors.New(
				"app: single sign-on needs PORTAL_SECRETS_KEY: our sessions keep the provider's tokens sealed",
			)
		}
		single = sso.NewService(o.DB, o.OIDC, o.BreakGlassAdmin, o.Secrets)
	}
	return &App{
		Sessions:    &session.Manager{DB: o.DB, Now: o.Now, Idle: o.SessionIdle, Absolute: o.SessionAbsolute},
		Login:       login,
		Accounts:    accounts,
		SSO:         single,
		Drafts:      d,
		Search:      &search.Service{DB: o.DB, CDP: o.CDP, Key: o.AuditKey, Limit: o.LookupLimit, Now: o.Now},
		Submissions: sub,
		Review:      &review.Service{DB: o.DB, Now: o.Now, Key: o.AuditKey, Log: o.AuditLog},
		Worklist:    wl,
		Branches:    NewBranches(o.DB, o.Packs),
		Audit:       audit.Recorder{DB: o.DB.Pool},
		Queue:       q,
	}, nil
}

// newQueue is the river client of the submission service: one that works the CDP queue,
// the checks of cases under investigation and the worklist's daily watch when the options
// ask for a worker.
func newQueue(o Options, sub *submission.Service, wl *worklist.Service) (*river.Client[pgx.Tx], error) {
	w := o.Worker
	if w == nil {
		return submission.NewQueue(o.DB.Pool, submission.QueueConfig{Log: o.Log})
	}
	worker, err := submission.NewWorker(sub, o.CDP, o.Log, o.Metrics)
	if err != nil {
		return nil, err
	}
	return submission.NewQueue(o.DB.Pool, submission.QueueConfig{Worker: worker, Log: o.Log,
		Concurrency: w.Concurrency, Cooldown: w.Cooldown, JobTimeout: w.JobTimeout, RescueAfter: w.RescueAfter,
		Register: worklist.Register(wl), Periodic: []*river.PeriodicJob{worklist.Periodic(o.Now)}})
}

// NewAccounts is the account administration alone, for the commands that need nothing else.
func NewAccounts(db *store.DB, h *auth.Hasher) *auth.Accounts {
	return &auth.Accounts{DB: db, Hasher: h}
}

// NewBranches is the branch registry alone, for the commands that need nothing else.
func NewBranches(db *store.DB, p *packs.Registry) *branches.Service {
	return &branches.Service{DB: db, Packs: p}
}
