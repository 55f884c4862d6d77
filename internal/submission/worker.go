package submission

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	mathrand "math/rand/v2"
	"strings"
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
	return &Worker{Service: svc, CDP: client, Log: log, RetryBase: 5 * time.Second,
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
	update bool // the ID is this very person's under ecrn: send the agent's data as an update
	// compared is the existing customer beside this draft, after an "already exists".
	compared map[string]any
	res      cdp.Result
	calls    []call
}

// Work runs one attempt: it marks the submission sending, calls the CDP outside any
// transaction, then records every call and the outcome in one.
func (w *Worker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	ctx = audit.WithActor(
		ctx,
		audit.Actor{Username: "cdp-worker", Role: "system", RequestID: fmt.Sprintf("job-%d", job.ID)},
	)
	sub, err := w.begin(ctx, job)
	if err != nil || sub == nil {
		return err
	}
	ctx = inBranch(ctx, sub.Branch)
	d, err := w.Drafts.Pinned(ctx, w.DB.Pool, sub.DraftID)
	if err != nil {
		return err
	}
	body, err := w.Payload(ctx, d)
	if err != nil {
		return err
	}
	return w.finish(ctx, job, d, body, w.attempt(ctx, *sub, d, body))
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
func (w *Worker) attempt(ctx context.Context, sub store.Submission, d drafts.Draft, body cdp.Payload) verdict {
	var v verdict
	lookup := func() *cdp.Result {
		r := w.call(
			ctx,
			&v,
			"lookup",
			func(ctx context.Context) cdp.Result { return w.CDP.Lookup(ctx, d.IDType, d.IDNumber) },
		)
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
		res = w.call(ctx, &v, "update", func(ctx context.Context) cdp.Result { return w.CDP.Update(ctx, sub.ECRN, body) })
	} else {
		res = w.call(ctx, &v, "onboard", func(ctx context.Context) cdp.Result { return w.CDP.Onboard(ctx, body) })
	}
	v.ecrn, v.res = res.ECRN, res
	if res.Outcome == cdp.AlreadyExists && res.ECRN != "" {
		if lk == nil {
			lk = lookup()
		}
		got := w.call(
			ctx,
			&v,
			"get_customer",
			func(ctx context.Context) cdp.Result { return w.CDP.GetCustomer(ctx, res.ECRN) },
		)
		w.alreadyExists(&v, *lk, got, body)
		return v
	}
	v.to, v.lookup = decide(res, lk)
	return v
}

// callFailed reports the outcomes that say the call itself went wrong, not what the CDP
// knows of the customer.
func callFailed(o cdp.Outcome) bool {
	return o == cdp.Unavailable || o == cdp.CDPError || o == cdp.AuthFailed
}

// alreadyExists decides what an "already exists" comes to, never by linking silently: the
// existing customer (got) is compared with the draft on name and date of birth (the ID is
// what the CDP matched). The same person becomes an update of that ECRN, through the checker
// as any submission; a different person, or one the CDP's answer cannot confirm, waits for a
// supervisor with both records side by side. lk says whether the existing customer is usable.
func (w *Worker) alreadyExists(v *verdict, lk, got cdp.Result, body cdp.Payload) {
	if callFailed(lk.Outcome) || callFailed(got.Outcome) {
		v.lookup = true
		return
	}
	same, compared := samePerson(body, got)
	v.compared = compared
	switch {
	case !same:
		v.to = NeedsAttention
	case lk.Outcome == cdp.Blocked:
		v.to = Rejected
	case lk.Outcome == cdp.UnderInvestigation:
		v.to = UnderInvestigation
	default:
		v.to, v.update = Queued, true // becomeUpdate sends it to the checker first when the pack asks
	}
}

// samePerson compares the draft's payload with the CDP's record of the existing customer:
// the whole name (word by word, in capitals) and the date of birth must both match.
func samePerson(body cdp.Payload, got cdp.Result) (bool, map[string]any) {
	text := func(k string) string { s, _ := body[k].(string); return s }
	draftName := fullName(text("first_name"), text("middle_name"), text("last_name"))
	rec := got.Customer
	existingName := fullName(rec.FirstName, rec.MiddleName, rec.LastName)
	compared := map[string]any{
		"existing_customer": map[string]any{
			"name":          existingName,
			"date_of_birth": rec.DateOfBirth,
			"found":         got.Outcome.String(),
		},
		"this_draft": map[string]any{"name": draftName, "date_of_birth": text("date_of_birth")},
	}
	same := got.Outcome == cdp.Found && existingName == draftName && rec.DateOfBirth != "" &&
		rec.DateOfBirth == text("date_of_birth")
	return same, compared
}

func fullName(parts ...string) string {
	return strings.Join(strings.Fields(strings.ToUpper(strings.Join(parts, " "))), " ")
}

// decide maps a CDP answer to the next state: "" means try again, and lookup that the CDP
// may have acted on a request whose answer never came. lk is the lookup of the same run,
// which qualifies an AlreadyExists.
func decide(res cdp.Result, lk *cdp.Result) (to State, lookup bool) {
	switch res.Outcome {
	case cdp.Accepted, cdp.Found:
		return Onboarded, false
	case cdp.AlreadyExists:
		return NeedsAttention, false // no ECRN to compare the person with (alreadyExists does): a person decides
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
func (w *Worker) finish(
	ctx context.Context, job *river.Job[SendArgs], d drafts.Draft, body cdp.Payload, v verdict,
) error {
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
		return w.conclude(ctx, tx, &sub, d, body, v, again)
	})
	if err != nil {
		return err
	}
	if again {
		return fmt.Errorf("%w (%s, attempt %d of %d)", errRetry, v.res.Outcome, job.Attempt, job.MaxAttempts)
	}
	return nil
}

func (w *Worker) conclude(
	ctx context.Context, tx pgx.Tx, sub *store.Submission, d drafts.Draft, body cdp.Payload, v verdict, again bool,
) error {
	facts := map[string]any{"outcome": v.res.Outcome.String(), "status": v.res.Status, "code": v.res.Code}
	sub.NeedsLookup = sub.NeedsLookup && v.to == "" || v.lookup
	switch {
	case v.update:
		return w.becomeUpdate(ctx, tx, sub, d, v, facts)
	case again:
		return w.move(ctx, tx, sub, Queued, audit.CDPOutcome, facts, "retry scheduled")
	case v.to == "":
		return w.move(ctx, tx, sub, NeedsAttention, audit.CDPOutcome, facts, "no answer after the last allowed attempt")
	case v.to == Returned:
		fields, task := formFields(d, body, v.res.Details)
		if len(task) > 0 {
			// The agent could not fix it: the case waits for a supervisor, whatever else was refused.
			facts["supervisor_task"] = task
			return w.move(ctx, tx, sub, NeedsAttention, audit.CDPOutcome, facts,
				"the CDP refused a value that no form field holds: a supervisor decides")
		}
		note, err := returnNote(ctx, tx, d, "cdp", v.res.Message, fields)
		if err != nil {
			return err
		}
		sub.ReturnNote, facts["fields"] = note, note.Fields
		if err := store.SetDraftStatus(ctx, tx, d.ID, store.DraftOpen, w.Now()); err != nil {
			return err
		}
	}
	if v.compared != nil {
		maps.Copy(facts, v.compared)
		if v.to == NeedsAttention {
			facts["existing_ecrn"] = v.ecrn
			return w.move(
				ctx,
				tx,
				sub,
				NeedsAttention,
				audit.CDPOutcome,
				facts,
				"the CDP already holds this ID for a customer the portal cannot confirm is this person: a supervisor "+
					"compares the two",
			)
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

// becomeUpdate turns a submission whose customer the CDP already holds into an update of
// that ECRN carrying the agent's data: it goes to the checker again when the pack asks for
// one, and straight back to the queue otherwise.
func (w *Worker) becomeUpdate(
	ctx context.Context, tx pgx.Tx, sub *store.Submission, d drafts.Draft, v verdict, facts map[string]any,
) error {
	maps.Copy(facts, v.compared)
	sub.ECRN, facts["ecrn"] = v.ecrn, v.ecrn
	const why = "the CDP already holds this person under this ECRN: the agent's data is sent as an update"
	if d.Pack.MakerChecker {
		sub.CheckerID, sub.ClaimedBy = 0, 0
		return w.move(ctx, tx, sub, AwaitingApproval, audit.CDPOutcome, facts, why+", once a checker approves")
	}
	res, err := w.Queue.InsertTx(ctx, tx, SendArgs{DraftID: d.ID}, &river.InsertOpts{MaxAttempts: w.Rules.MaxAttempts})
	if err != nil {
		return err
	}
	facts["job_id"] = res.Job.ID
	return w.move(ctx, tx, sub, Queued, audit.CDPOutcome, facts, why)
}

func (w *Worker) recordCalls(ctx context.Context, tx pgx.Tx, draftID int64, calls []call) error {
	for _, c := range calls {
		after := map[string]any{"call": c.name, "outcome": c.res.Outcome.String(), "status": c.res.Status,
			"code": c.res.Code, "latency_ms": c.took.Milliseconds(), "request_id": c.requestID}
		if c.res.RequestID != "" {
			after["cdp_request_id"] = c.res.RequestID
		}
		outcome := audit.Success
		if callFailed(c.res.Outcome) {
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
