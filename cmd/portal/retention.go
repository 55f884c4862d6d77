package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"kycportal/internal/config"
	"kycportal/internal/retention"
	"kycportal/internal/store"
)

func runRetention(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: portal retention purge [--dry-run] | hold | release | holds", errUsage)
	}
	return withDB(ctx, func(cfg config.Config, db *store.DB) error {
		policy := retention.Policy{AuditDays: cfg.RetainAuditDays, DiscardedDays: cfg.RetainDiscardedDays}
		if err := policy.Validate(); err != nil {
			return fmt.Errorf("configuration refused: %w", err)
		}
		return retentionCommand(ctx, cfg, db, policy, args[0], args[1:])
	})
}

func retentionCommand(
	ctx context.Context, cfg config.Config, db *store.DB, policy retention.Policy, sub string, rest []string,
) error {
	switch sub {
	case "purge":
		return retentionPurge(ctx, db, policy, rest)
	case "hold":
		return retentionHold(ctx, cfg, db, rest)
	case "release":
		return retentionRelease(ctx, cfg, db, rest)
	case "holds":
		return retentionHolds(ctx, db)
	default:
		return fmt.Errorf("%w: unknown retention command %q", errUsage, sub)
	}
}

func retentionPurge(ctx context.Context, db *store.DB, p retention.Policy, args []string) error {
	fs := flag.NewFlagSet("retention purge", flag.ContinueOnError)
	dryRun := fs.Bool("dry-run", false, "report what would be removed, remove nothing")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	rep, err := retention.Purge(ctx, db, p, time.Now(), *dryRun)
	if err != nil {
		return err
	}
	verb := "removed"
	if rep.DryRun {
		verb = "would remove"
	}
	fmt.Printf(
		"retention (audit %d days, discarded drafts %d days, notifications %d days): %s %d discarded draft(s) with %d "+
			"document(s), %d audit event(s) and %d notification(s)\n",
		p.AuditDays,
		p.DiscardedDays,
		retention.NotificationDays,
		verb,
		rep.Drafts,
		rep.Documents,
		rep.AuditEvents,
		rep.Notifications,
	)
	if rep.DryRun && rep.Drafts > 0 {
		fmt.Println("(documents are counted when removed)")
	}
	if rep.HeldDrafts > 0 || rep.AuditHeldByHold {
		fmt.Printf("kept by legal holds: %d draft(s); audit purge held: %t\n", rep.HeldDrafts, rep.AuditHeldByHold)
	}
	return nil
}

func retentionHold(ctx context.Context, cfg config.Config, db *store.DB, args []string) error {
	fs := flag.NewFlagSet("retention hold", flag.ContinueOnError)
	var h store.LegalHold
	fs.StringVar(&h.IssuedCountry, "country", "", "issuing country of the ID document (ISO alpha-2)")
	fs.StringVar(&h.IDType, "id-type", "", "CDP ID type code, e.g. 4")
	fs.StringVar(&h.IDNumber, "id-number", "", "the ID number")
	fs.StringVar(&h.Reason, "reason", "", "why (required), e.g. the court order")
	fs.StringVar(&h.SetBy, "by", "", "who orders it (required)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	h.IssuedCountry = strings.ToUpper(h.IssuedCountry)
	h.IDNumber = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(h.IDNumber)) // as drafts store it
	if len(h.IssuedCountry) != 2 || h.IDType == "" || h.IDNumber == "" || h.Reason == "" || h.SetBy == "" {
		return fmt.Errorf("%w: portal retention hold --country AE --id-type 4 --id-number N --reason R --by NAME", errUsage)
	}
	h.SetAt = time.Now()
	id, err := retention.Hold(ctx, db, h)
	if err != nil {
		return err
	}
	fmt.Printf("legal hold %d placed\n", id)
	return holdObjects(ctx, cfg, db, h)
}

func retentionRelease(ctx context.Context, cfg config.Config, db *store.DB, args []string) error {
	fs := flag.NewFlagSet("retention release", flag.ContinueOnError)
	reason := fs.String("reason", "", "why (required)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *reason == "" {
		return fmt.Errorf("%w: portal retention release --reason R HOLD_ID", errUsage)
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not a hold id", errUsage, fs.Arg(0))
	}
	h, err := store.LegalHoldByID(ctx, db.Pool, id)
	if err == nil {
		err = retention.Release(ctx, db, id, *reason, time.Now())
	}
	if err != nil {
		return err
	}
	fmt.Printf("legal hold %d released\n", id)
	return holdObjects(ctx, cfg, db, h)
}

func retentionHolds(ctx context.Context, db *store.DB) error {
	holds, err := store.ActiveLegalHolds(ctx, db.Pool)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tCOUNTRY\tID TYPE\tID NUMBER\tSINCE\tBY\tREASON")
	for _, h := range holds {
		fmt.Fprintf(w, "%d\t%s\t%s\t…%s\t%s\t%s\t%s\n", h.ID, h.IssuedCountry, h.IDType,
			h.IDNumber[max(0, len(h.IDNumber)-4):], h.SetAt.UTC().Format(time.DateOnly), h.SetBy, h.Reason)
	}
	return w.Flush()
}
