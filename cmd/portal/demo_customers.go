package main

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// demoCustomer is a customer the embedded default's first run gives a demo agent, as if
// they had onboarded them months before: the worklist then has something to show
// (docs/drafts.md). Its ID's expiry is set from the day of that run.
type demoCustomer struct {
	Branch             string            `json:"branch"`
	Agent              string            `json:"agent"`
	ECRN               string            `json:"ecrn"`
	IDType             string            `json:"id_type"`
	IDNumber           string            `json:"id_number"`
	OnboardedMonthsAgo int               `json:"onboarded_months_ago"`
	ExpiresInDays      int               `json:"expires_in_days"`
	Values             map[string]string `json:"values"`
}

// seedDemoCustomers writes each demo customer as an onboarded draft of its agent, with the
// trail's record of its creation: what a past onboarding would have left.
func seedDemoCustomers(ctx context.Context, db *store.DB, customers []demoCustomer, now time.Time) error {
	for _, c := range customers {
		agent, err := store.UserByUsername(ctx, db.Pool, c.Agent)
		if errors.Is(err, store.ErrNotFound) {
			continue // the demo accounts were not made: their passwords' file was there already
		}
		if err != nil {
			return err
		}
		onboarded := now.AddDate(0, -c.OnboardedMonthsAgo, 0)
		values := map[string]string{"date_of_expiry": now.AddDate(0, 0, c.ExpiresInDays).Format(time.DateOnly)}
		for k, v := range c.Values {
			values[k] = v
		}
		err = audit.Apply(ctx, db.Pool, func(tx pgx.Tx) (audit.Event, error) {
			id, err := store.CreateDraft(
				ctx,
				tx,
				store.DraftRow{Country: "AE", PackVersion: 1, IDType: c.IDType, IDNumber: c.IDNumber,
					IssuedCountry: "AE", Branch: c.Branch, CreatedBy: agent.ID, CreatedAt: onboarded, Values: values},
			)
			ev := audit.Event{Action: audit.DraftCreated, EntityType: "draft", EntityID: strconv.FormatInt(id, 10),
				After: map[string]any{"ecrn": c.ECRN, "branch": c.Branch}, Reason: "demo customer of the embedded default"}
			if err == nil {
				err = store.SetDraftStatus(ctx, tx, id, store.DraftSubmitted, onboarded)
			}
			if err == nil {
				err = store.CreateSubmission(ctx, tx, store.Submission{DraftID: id, State: "onboarded", Country: "AE",
					Branch: c.Branch, MakerID: agent.ID, SubmittedAt: onboarded, ECRN: c.ECRN})
			}
			return ev, err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
