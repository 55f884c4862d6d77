package submission

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"kycportal/internal/audit"
	"kycportal/internal/cdp"
	"kycportal/internal/drafts"
	"kycportal/internal/store"
)

// SendArgs is the job that sends one submission to the CDP.
type SendArgs struct {
	DraftID int64 `json:"draft_id"`
}

// Kind names the job in river's table.
func (SendArgs) Kind() string { return "submission_send" }

// InsertOpts puts the job on the CDP queue.
func (SendArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueName} }

// Worker sends queued submissions to the CDP and records what came of them.
type Worker struct {
	river.WorkerDefaults[SendArgs]
	*Service
	CDP          *cdp.Client
	Sender       Sender
	Log          *slog.Logger
	RetryBase    time.Duration // the first retry waits about this long; each next one twice as long
	RetryMax     time.Duration // and never longer than this
	authFailures prometheus.Counter
}

// NewWorker is the worker of svc's submissions, its operator alert registered on reg.
func NewWorker(svc *Service, client *cdp.Client, log *slog.Logger, reg prometheus.Registerer) (*Worker, error) {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "cdp_submission_auth_failures_total",
		Help: "CDP calls of the submission worker refused for the portal's credentials: alert on any increase."})
	if reg != nil {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return &Worker{Service: svc, CDP: client, Sender: DefaultSender, Log: log, RetryBase: 5 * time.Second,
		RetryMax: 10 * time.Minute, authFailures: c}, nil
}

// NextRetry backs off exponentially with jitter: half the step fixed, half random.
func (w *Worker) NextRetry(job *river.Job[SendArgs]) time.Time {
	step := min(w.RetryBase<<min(max(job.Attempt-1, 0), 30), w.RetryMax)
	return time.Now().Add(step/2 + mathrand.N(step/2+1)) // #nosec G404 -- jitter of a retry delay guards no secret
}

// call is one CDP call, as the timeline shows it: no payload, no images.
type call struct {
	name      string
	res       cdp.Result
	took      time.Duration
	requestID string
}

// verdict is what a run's calls came to.
type verdict struct {
	to     State // "": try again later
	ecrn   string
	lookup bool // an answer went missing: look the customer up before sending again
	res    cdp.Result
	calls  []call
}

// Work runs one attempt: it marks the submission sending, calls the CDP outside any
// transaction, then records every call and the outcome in one.
func (w *Worker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	ctx = audit.WithActor(ctx, audit.Actor{Username: "cdp-worker", Role: "system", RequestID: fmt.Sprintf("job-%d", job.ID)})
	sub, err := w.begin(ctx, job)
	if err != nil || sub == nil {
		return err
	}
	ctx = inBranch(ctx, sub.Branch)
	d, err := w.Drafts.Pinned(ctx, w.DB.Pool, sub.DraftID)
	if err != nil {
		return err
	}
	cust, err := w.customer(ctx, d, w.Sender)
	if err != nil {
		return err
	}
	return w.finish(ctx, job, d, w.attempt(ctx, *sub, d, cust))
}

// begin moves a queued submission to sending. One found sending already was interrupted
// mid-call (a crash, a lost connection): the CDP may have the customer, so look first.
// Any other state has nothing left to send.
func (w *Worker) begin(ctx context.Context, job *river.Job[SendArgs]) (*store.Submission, error) {
	var out *store.Submission
	err := w.DB.InTx(ctx, func(tx pgx.Tx) error {
		sub, err := caseLocked(ctx, tx, job.Args.DraftID)
		if err != nil {
			return err
		}
		out = &sub
		switch State(sub.State) {
		case Queued:
			return w.move(ctx, tx, &sub, Sending, audit.SubmissionSending,
				map[string]any{"attempt": job.Attempt, "max_attempts": job.MaxAttempts}, "")
		case Sending:
			sub.NeedsLookup = true
			return store.SaveSubmission(ctx, tx, sub)
		}
		out = nil
		return nil
	})
	return out, err
}

// attempt makes the calls of one run. An earlier answer that went missing means a lookup
// first: the CDP may have the customer already. An onboard answered AlreadyExists is
// followed by a lookup too, which says whether the customer it links to is usable.
func (w *Worker) attempt(ctx context.Context, sub store.Submission, d drafts.Draft, cust cdp.Customer) verdict {
	var v verdict
	lookup := func() *cdp.Result {
		r := w.call(ctx, &v, "lookup", func(ctx context.Context) cdp.Result { return w.CDP.Lookup(ctx, d.IDType, d.IDNumber) })
		return &r
	}
	var lk *cdp.Result
	if sub.NeedsLookup && sub.ECRN == "" {
		lk = lookup()
		switch lk.Outcome {
		case cdp.Found, cdp.Blocked:
			v.to, v.lookup = decide(*lk, nil)
			v.ecrn, v.res = lk.ECRN, *lk
			return v
		case cdp.NotFound, cdp.UnderInvestigation, cdp.SubscriptionPending:
		default:
			v.lookup, v.res = true, *lk
			return v
		}
	}
	var res cdp.Result
	if sub.ECRN != "" {
		res = w.call(ctx, &v, "update", func(ctx context.Context) cdp.Result { return w.CDP.Update(ctx, sub.ECRN, cust) })
	} else {
		res = w.call(ctx, &v, "onboard", func(ctx context.Context) cdp.Result { return w.CDP.Onboard(ctx, cust) })
	}
	if res.Outcome == cdp.AlreadyExists && lk == nil {
		lk = lookup()
	}
	v.to, v.lookup = decide(res, lk)
	v.ecrn, v.res = res.ECRN, res
	return v
}

// decide maps a CDP answer to the next state: "" means try again, and lookup that the CDP
// may have acted on a request whose answer never came. lk is the lookup of the same run,
// which qualifies an AlreadyExists.
func decide(res cdp.Result, lk *cdp.Result) (to State, lookup bool) {
	switch res.Outcome {
	case cdp.Accepted, cdp.Found:
		return Onboarded, false
	case cdp.AlreadyExists:
		if lk == nil {
			return "", true
		}
		if lk.Outcome == cdp.NotFound {
			return NeedsAttention, false // the CDP contradicts itself: a person must look
		}
		if lk.Outcome == cdp.SubscriptionPending {
			return Onboarded, false
		}
		return decide(*lk, nil)
	case cdp.UnderInvestigation:
		return UnderInvestigation, false
	case cdp.Blocked:
		return Rejected, false
	case cdp.InvalidMasterData, cdp.MissingFields:
		return Returned, false
	case cdp.UpdateFailed, cdp.InvalidRequest, cdp.NotFound, cdp.SubscriptionPending, cdp.NotSubscribed:
		return NeedsAttention, false
	case cdp.AuthFailed:
		return "", false // refused at the door: nothing was registered
	}
	return "", true // Unavailable, CDPError: no telling what the CDP did
}

func (w *Worker) call(ctx context.Context, v *verdict, name string, f func(context.Context) cdp.Result) cdp.Result {
	c := call{name: name, requestID: rand.Text()[:20]}
	start := time.Now()
	c.res = f(cdp.WithRequestID(ctx, c.requestID))
	c.took = time.Since(start)
	v.calls = append(v.calls, c)
	return c.res
}

// errRetry makes river run the job again after NextRetry's backoff.
var errRetry = errors.New("CDP attempt failed; retrying")

// finish records the calls and moves the submission as v says, in one transaction. A
// submission some other run moved meanwhile keeps its state; only the calls are recorded.
func (w *Worker) finish(ctx context.Context, job *river.Job[SendArgs], d drafts.Draft, v verdict) error {
	if v.res.Outcome == cdp.AuthFailed {
		w.authFailures.Inc()
		w.Log.ErrorContext(ctx, "CDP refused the portal's credentials: check CDP_CLIENT_ID, CDP_USERNAME and their secrets",
			"draft_id", d.ID, "job_id", job.ID)
	}
	again := v.to == "" && job.Attempt < job.MaxAttempts
	err := w.DB.InTx(ctx, func(tx pgx.Tx) error {
		sub, err := caseLocked(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		if err := w.recordCalls(ctx, tx, d.ID, v.calls); err != nil || sub.State != string(Sending) {
			return err
		}
		return w.conclude(ctx, tx, &sub, d, v, again)
	})
	if err != nil {
		return err
	}
	if again {
		return fmt.Errorf("%w (%s, attempt %d of %d)", errRetry, v.res.Outcome, job.Attempt, job.MaxAttempts)
	}
	return nil
}

func (w *Worker) conclude(ctx context.Context, tx pgx.Tx, sub *store.Submission, d drafts.Draft, v verdict, again bool) error {
	facts := map[string]any{"outcome": v.res.Outcome.String(), "status": v.res.Status, "code": v.res.Code}
	sub.NeedsLookup = sub.NeedsLookup && v.to == "" || v.lookup
	switch {
	case again:
		return w.move(ctx, tx, sub, Queued, audit.CDPOutcome, facts, "retry scheduled")
	case v.to == "":
		return w.move(ctx, tx, sub, NeedsAttention, audit.CDPOutcome, facts, "no answer after the last allowed attempt")
	case v.to == Returned:
		note, err := returnNote(ctx, tx, d, "cdp", v.res.Message, formFields(d.Pack, v.res.Details))
		if err != nil {
			return err
		}
		sub.ReturnNote, facts["fields"] = note, note.Fields
		if err := store.SetDraftStatus(ctx, tx, d.ID, store.DraftOpen, w.Now()); err != nil {
			return err
		}
	}
	if v.ecrn != "" {
		sub.ECRN, facts["ecrn"] = v.ecrn, v.ecrn
	}
	if v.to == UnderInvestigation {
		at, err := w.scheduleCheck(ctx, tx, sub.DraftID, 1)
		if err != nil {
			return err
		}
		facts["first_check_at"] = at.UTC()
	}
	return w.move(ctx, tx, sub, v.to, audit.CDPOutcome, facts, "")
}

func (w *Worker) recordCalls(ctx context.Context, tx pgx.Tx, draftID int64, calls []call) error {
	for _, c := range calls {
		after := map[string]any{"call": c.name, "outcome": c.res.Outcome.String(), "status": c.res.Status,
			"code": c.res.Code, "latency_ms": c.took.Milliseconds(), "request_id": c.requestID}
		if c.res.RequestID != "" {
			after["cdp_request_id"] = c.res.RequestID
		}
		outcome := audit.Success
		if c.res.Outcome == cdp.Unavailable || c.res.Outcome == cdp.CDPError || c.res.Outcome == cdp.AuthFailed {
			outcome = audit.Failure
		}
		err := audit.Record(ctx, tx, audit.Event{Action: audit.CDPAttempt, EntityType: "submission",
			EntityID: entityID(draftID), After: after, Outcome: outcome})
		if err != nil {
			return err
		}
	}
	return nil
}
