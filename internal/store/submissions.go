package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Submission is a draft on its way to the CDP. State is one of internal/submission's states.
type Submission struct {
	DraftID        int64
	State          string
	Kind           string // "onboard", or "update" of a customer the CDP has already
	Country        string
	Branch         string
	MakerID        int64
	MakerName      string
	MakerLanguage  string // the maker's interface language, "" for the browser's: their notices are written in it
	CheckerID      int64  // 0: none yet
	ClaimedBy      int64  // 0: unclaimed
	ClaimedByName  string
	ClaimExpiresAt time.Time
	Round          int
	Returns        int
	ECRN           string
	NeedsLookup    bool
	ReturnNote     *ReturnNote
	SubmittedAt    time.Time
	UpdatedAt      time.Time
	FirstName      string // from the draft, for lists
	LastName       string
}

// ReturnNote says why a submission came back to its agent: a checker's typed reasons and
// comment, or the CDP's messages, by form field or document kind.
type ReturnNote struct {
	By      string            `json:"by"` // "checker" or "cdp"
	Comment string            `json:"comment,omitempty"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Was is what each returned field held when it came back (a document: its SHA-256 in
	// hex): the field stays an issue of the draft until it holds something else.
	Was map[string]string `json:"was,omitempty"`
}

const submissionColumns = `s.draft_id, s.state, s.kind, s.country, s.branch, s.maker_id, mu.username, coalesce(mu.language, ''),
	coalesce(s.checker_id, 0), coalesce(s.claimed_by, 0), coalesce(cu.username, ''),
	coalesce(s.claim_expires_at, 'epoch'), s.round, s.returns, coalesce(s.ecrn, ''), s.needs_lookup,
	s.return_note, s.submitted_at, s.updated_at, coalesce(d.values->>'first_name', ''),
	coalesce(d.values->>'last_name', '')`

const submissionFrom = ` FROM submissions s JOIN drafts d ON d.id = s.draft_id JOIN users mu ON mu.id = s.maker_id
	LEFT JOIN users cu ON cu.id = s.claimed_by`

func scanSubmission(row pgx.Row) (Submission, error) {
	var s Submission
	var note []byte
	err := row.Scan(&s.DraftID, &s.State, &s.Kind, &s.Country, &s.Branch, &s.MakerID, &s.MakerName, &s.MakerLanguage, &s.CheckerID,
		&s.ClaimedBy, &s.ClaimedByName, &s.ClaimExpiresAt, &s.Round, &s.Returns, &s.ECRN, &s.NeedsLookup,
		&note, &s.SubmittedAt, &s.UpdatedAt, &s.FirstName, &s.LastName)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, ErrNotFound
	}
	if err == nil && note != nil {
		s.ReturnNote = &ReturnNote{}
		err = json.Unmarshal(note, s.ReturnNote)
	}
	if s.ClaimedBy == 0 {
		s.ClaimExpiresAt = time.Time{}
	}
	return s, err
}

// SubmissionByDraft reads the submission of a draft; forUpdate locks it until the
// transaction ends, so that two changes to one submission are judged one after the other.
func SubmissionByDraft(ctx context.Context, q Querier, draftID int64, forUpdate bool) (Submission, error) {
	sql := lockedIf(`SELECT `+submissionColumns+submissionFrom+` WHERE s.draft_id = $1`, forUpdate, "s")
	s, err := scanSubmission(q.QueryRow(ctx, sql, draftID))
	if err != nil {
		return s, fmt.Errorf("store.SubmissionByDraft(%d): %w", draftID, err)
	}
	return s, nil
}

// LockCase locks a case's draft, then its submission, until tx ends, and reads the
// submission: SubmissionByDraft with forUpdate after a lock of the draft's row, both sent
// in one round trip. The statements run in their order, so the locks are taken in the
// state machine's (docs/submission.md); the submission worker takes them twice a send.
func LockCase(ctx context.Context, tx pgx.Tx, draftID int64) (Submission, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT id FROM drafts WHERE id = $1 FOR UPDATE`, draftID)
	b.Queue(`SELECT `+submissionColumns+submissionFrom+` WHERE s.draft_id = $1 FOR UPDATE OF s`, draftID)
	res := tx.SendBatch(ctx, b)
	defer res.Close()
	var got int64
	err := res.QueryRow().Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	var s Submission
	if err == nil {
		s, err = scanSubmission(res.QueryRow())
	}
	if err != nil {
		return s, fmt.Errorf("store.LockCase(%d): %w", draftID, err)
	}
	return s, res.Close()
}

// SubmissionsByECRN lists the submissions linked to a CDP customer, locking none.
func SubmissionsByECRN(ctx context.Context, q Querier, ecrn string) ([]Submission, error) {
	out, err := collectSubmissions(q.Query(ctx, `SELECT `+submissionColumns+submissionFrom+`
		WHERE s.ecrn = $1 ORDER BY s.draft_id`, ecrn))
	if err != nil {
		return nil, fmt.Errorf("store.SubmissionsByECRN: %w", err)
	}
	return out, nil
}

// SubmissionsOfBranch lists a branch's submissions in the given states, oldest first.
func SubmissionsOfBranch(ctx context.Context, q Querier, branch string, states []string) ([]Submission, error) {
	out, err := collectSubmissions(q.Query(ctx, `SELECT `+submissionColumns+submissionFrom+`
		WHERE s.branch = $1 AND s.state = ANY($2) ORDER BY s.submitted_at LIMIT 500`, branch, states))
	if err != nil {
		return nil, fmt.Errorf("store.SubmissionsOfBranch(%s): %w", branch, err)
	}
	return out, nil
}

func collectSubmissions(rows pgx.Rows, err error) ([]Submission, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Submission, error) { return scanSubmission(r) })
}

// CreateSubmission inserts the first submission of a draft.
func CreateSubmission(ctx context.Context, q Querier, s Submission) error {
	_, err := q.Exec(ctx, `INSERT INTO submissions (draft_id, state, country, branch, maker_id, submitted_at, updated_at,
		kind, ecrn) VALUES ($1, $2, $3, $4, $5, $6, $6, coalesce(nullif($7, ''), 'onboard'), nullif($8, ''))`,
		s.DraftID, s.State, s.Country, s.Branch, s.MakerID, s.SubmittedAt, s.Kind, s.ECRN)
	if isUniqueViolation(err) {
		return fmt.Errorf("store.CreateSubmission(%d): %w", s.DraftID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store.CreateSubmission(%d): %w", s.DraftID, err)
	}
	return nil
}

// SaveSubmission writes every changeable column of s.
func SaveSubmission(ctx context.Context, q Querier, s Submission) error {
	args, err := saveSubmissionArgs(s)
	if err == nil {
		_, err = q.Exec(ctx, saveSubmissionSQL, args...)
	}
	if err != nil {
		return fmt.Errorf("store.SaveSubmission(%d): %w", s.DraftID, err)
	}
	return nil
}

// QueueSaveSubmission queues SaveSubmission's write on b, for a caller that sends it with
// the change's other statements in one round trip (tx.SendBatch).
func QueueSaveSubmission(b *pgx.Batch, s Submission) error {
	args, err := saveSubmissionArgs(s)
	if err != nil {
		return fmt.Errorf("store.QueueSaveSubmission(%d): %w", s.DraftID, err)
	}
	b.Queue(saveSubmissionSQL, args...).Fn = func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("store.QueueSaveSubmission(%d): %w", s.DraftID, err)
		}
		return nil
	}
	return nil
}

const saveSubmissionSQL = `UPDATE submissions SET state = $2, maker_id = $3, checker_id = nullif($4, 0),
	claimed_by = nullif($5, 0), claim_expires_at = $6, round = $7, returns = $8, ecrn = nullif($9, ''),
	needs_lookup = $10, return_note = $11, submitted_at = $12, updated_at = $13, kind = coalesce(nullif($14, ''), kind)
	WHERE draft_id = $1`

func saveSubmissionArgs(s Submission) ([]any, error) {
	var note []byte
	if s.ReturnNote != nil {
		var err error
		if note, err = json.Marshal(s.ReturnNote); err != nil {
			return nil, err
		}
	}
	var expires *time.Time
	if s.ClaimedBy != 0 {
		expires = &s.ClaimExpiresAt
	}
	return []any{s.DraftID, s.State, s.MakerID, s.CheckerID, s.ClaimedBy, expires, s.Round, s.Returns, s.ECRN,
		s.NeedsLookup, note, s.SubmittedAt, s.UpdatedAt, s.Kind}, nil
}

// SetDraftStatus opens a draft again for a correction, or closes it as submitted.
func SetDraftStatus(ctx context.Context, q Querier, id int64, status string, at time.Time) error {
	tag, err := q.Exec(ctx, `UPDATE drafts SET status = $2, updated_at = $3, version = version + 1
		WHERE id = $1 AND status <> 'discarded'`, id, status, at)
	if err == nil && tag.RowsAffected() == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store.SetDraftStatus(%d, %s): %w", id, status, err)
	}
	return nil
}

// RecordAlertClosure keeps a received AML alert closure by its replay key (and alert id,
// when it has one); ErrConflict when either was received before.
func RecordAlertClosure(ctx context.Context, q Querier, replayKey, alertID, ecrn string, at time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO cdp_alert_closures (replay_key, alert_id, ecrn, received_at)
		VALUES ($1, nullif($2, ''), $3, $4)`, replayKey, alertID, ecrn, at)
	if isUniqueViolation(err) {
		return fmt.Errorf("store.RecordAlertClosure(%s): %w", replayKey, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store.RecordAlertClosure(%s): %w", replayKey, err)
	}
	return nil
}

// KeepSent records what a submission of a draft sends, name by name, moving what the one
// before it sent aside.
func KeepSent(ctx context.Context, q Querier, draftID int64, sent map[string]string) error {
	_, err := q.Exec(ctx, `UPDATE submissions SET previously_sent = sent, sent = $2 WHERE draft_id = $1`, draftID, sent)
	if err != nil {
		return fmt.Errorf("store.KeepSent(%d): %w", draftID, err)
	}
	return nil
}

// Sent reads what the latest submission of a draft sent, and what the one before it sent
// (nil when there was none).
func Sent(ctx context.Context, q Querier, draftID int64) (latest, previous map[string]string, err error) {
	err = q.QueryRow(ctx, `SELECT sent, previously_sent FROM submissions WHERE draft_id = $1`, draftID).
		Scan(&latest, &previous)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store.Sent(%d): %w", draftID, err)
	}
	return latest, previous, nil
}
