package submission

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/cdp"
	"kycportal/internal/store"
)

// Refusals of an AML alert closure.
var (
	ErrReplay      = errors.New("this callback (or its alert id) was received before")
	ErrUnknownECRN = errors.New("no submission has this ECRN")
)

// CloseAlert applies the CDP's closure of an AML alert: the submissions of its ECRN that are
// under investigation become onboarded when the CDP accepted the customer, rejected
// otherwise. A delivery (its replay key, cdp.ReplayKey) and an alert id are applied once; a
// customer not under investigation refuses it.
func (s *Service) CloseAlert(ctx context.Context, c cdp.AlertClosure, replayKey string) error {
	return s.DB.InTx(ctx, func(tx pgx.Tx) error {
		err := store.RecordAlertClosure(ctx, tx, replayKey, c.AlertID, c.ECRN, s.Now())
		if errors.Is(err, store.ErrConflict) {
			return ErrReplay
		}
		if err != nil {
			return err
		}
		subs, err := store.SubmissionsByECRN(ctx, tx, c.ECRN)
		if err != nil {
			return err
		}
		if len(subs) == 0 {
			return ErrUnknownECRN
		}
		to := Rejected
		if c.AMLScanStatus == "Accepted" && c.CustomerStatus == "ACTIVE" {
			to = Onboarded
		}
		facts := map[string]any{"aml_scan_status": c.AMLScanStatus, "customer_status": c.CustomerStatus}
		if c.AlertID != "" {
			facts["alert_id"] = c.AlertID
		}
		if c.ClosedAt != nil {
			facts["closed_at"] = c.ClosedAt.UTC()
		}
		for i := range subs { // every lock before the first event (docs/submission.md)
			if subs[i], err = caseLocked(ctx, tx, subs[i].DraftID); err != nil {
				return err
			}
		}
		moved := 0
		for i := range subs {
			if subs[i].State != string(UnderInvestigation) {
				continue
			}
			if err := s.move(ctx, tx, &subs[i], to, audit.CDPCallback, facts, ""); err != nil {
				return err
			}
			moved++
		}
		if moved == 0 {
			return &ForbiddenError{From: State(subs[0].State), To: to}
		}
		return nil
	})
}
