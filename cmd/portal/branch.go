package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"kycportal/internal/app"
	"kycportal/internal/branches"
	"kycportal/internal/config"
	"kycportal/internal/packs"
	"kycportal/internal/store"
)

func runBranch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: portal branch add|list|disable", errUsage)
	}
	return withDB(ctx, func(_ config.Config, db *store.DB) error {
		return branchCommand(ctx, app.NewBranches(db, packs.Default()), args[0], args[1:])
	})
}

func branchCommand(ctx context.Context, reg *branches.Service, sub string, rest []string) error {
	switch sub {
	case "add":
		return branchAdd(ctx, reg, rest)
	case "list":
		return branchList(ctx, reg)
	case "disable":
		return branchDisable(ctx, reg, rest)
	default:
		return fmt.Errorf("%w: unknown branch command %q", errUsage, sub)
	}
}

func branchAdd(ctx context.Context, reg *branches.Service, args []string) error {
	fs := flag.NewFlagSet("branch add", flag.ContinueOnError)
	var b store.Branch
	fs.StringVar(&b.Code, "code", "", "branch code, such as DXB-01 (required)")
	fs.StringVar(&b.Name, "name", "", "the branch's name (required)")
	fs.StringVar(&b.Country, "country", "", "country of a pack, such as AE (required)")
	fs.StringVar(&b.TimeZone, "time-zone", "", "IANA time zone, such as Asia/Dubai (required)")
	fs.StringVar(&b.CDPLocationID, "cdp-location-id", "", "the CDP's agent_location_id for this branch")
	fs.StringVar(&b.Channel, "channel", "", "the CDP channel (default: the registry's, docs/cdp.md)")
	reason := fs.String("reason", "created with portal branch add", "why, for the audit trail")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return fmt.Errorf(
			"%w: portal branch add --code C --name N --country CC --time-zone TZ [--cdp-location-id L] [--channel CH]",
			errUsage,
		)
	}
	if err := reg.Add(ctx, b, *reason); err != nil {
		return fmt.Errorf("branch not added:\n%w", err)
	}
	fmt.Printf("added branch %s\n", branches.Normalise(b).Code)
	return nil
}

func branchList(ctx context.Context, reg *branches.Service) error {
	list, err := reg.List(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "CODE\tCOUNTRY\tTIME ZONE\tCDP LOCATION\tCHANNEL\tACTIVE\tNAME")
	for _, b := range list {
		fmt.Fprintf(
			w,
			"%s\t%s\t%s\t%s\t%s\t%t\t%s\n",
			b.Code,
			b.Country,
			b.TimeZone,
			b.CDPLocationID,
			b.Channel,
			b.Active,
			b.Name,
		)
	}
	return w.Flush()
}

func branchDisable(ctx context.Context, reg *branches.Service, args []string) error {
	fs := flag.NewFlagSet("branch disable", flag.ContinueOnError)
	reason := fs.String("reason", "", "why, for the audit trail (required)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *reason == "" {
		return fmt.Errorf("%w: portal branch disable --reason R CODE", errUsage)
	}
	if err := reg.Disable(ctx, fs.Arg(0), *reason); err != nil {
		return err
	}
	fmt.Printf("disabled branch %s: it takes no new users; its users and cases are unchanged\n", fs.Arg(0))
	return nil
}
