package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"kycportal/internal/app"
	"kycportal/internal/auth"
	"kycportal/internal/config"
	"kycportal/internal/store"
)

func runUser(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: portal user add|disable|enable|unlock|list|totp", errUsage)
	}
	return withDB(ctx, func(cfg config.Config, db *store.DB) error {
		accounts := app.NewAccounts(db, auth.NewHasher(1))
		if args[0] == "totp" {
			secrets, err := loadSecrets(cfg)
			if err != nil {
				return err
			}
			accounts.Secrets = secrets
		}
		return userCommand(ctx, accounts, db, args[0], args[1:])
	})
}

func userCommand(ctx context.Context, accounts *auth.Accounts, db *store.DB, sub string, rest []string) error {
	switch sub {
	case "add":
		return userAdd(ctx, accounts, rest, os.Stdin)
	case "disable", "enable":
		return userSetActive(ctx, accounts, sub == "enable", rest)
	case "unlock":
		return userUnlock(ctx, accounts, rest)
	case "list":
		return userList(ctx, db)
	case "totp":
		return userTOTP(ctx, accounts, rest)
	default:
		return fmt.Errorf("%w: unknown user command %q", errUsage, sub)
	}
}

func userAdd(ctx context.Context, accounts *auth.Accounts, args []string, stdin *os.File) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var n auth.NewUser
	var countries, reason string
	fs.StringVar(&n.Username, "username", "", "login name (required)")
	fs.StringVar(&n.DisplayName, "display-name", "", "name shown in the portal (default: the username)")
	fs.StringVar(&n.Role, "role", "", "agent, supervisor or admin (required)")
	fs.StringVar(&n.Branch, "branch", "", "branch code (required)")
	fs.StringVar(&countries, "countries", "", "countries the user may onboard for, e.g. AE,MY")
	fs.StringVar(&reason, "reason", "created with portal user add", "why, for the audit trail")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	n.Countries = auth.ParseCountries(countries)
	password, generated, err := readPassword(stdin)
	if err != nil {
		return err
	}
	u, err := accounts.CreateUser(ctx, n, password, reason)
	if err != nil {
		return fmt.Errorf("user not created: %w", err)
	}
	fmt.Printf("created %s %q (id %d, branch %s)\n", u.Role, u.Username, u.ID, u.Branch)
	if generated {
		fmt.Printf("password (shown once): %s\n", password)
	}
	return nil
}

// readPassword takes the first line of standard input when it is a pipe or a file, and
// otherwise generates a password to be shown once.
func readPassword(stdin *os.File) (password string, generated bool, err error) {
	if info, err := stdin.Stat(); err == nil && info.Mode()&os.ModeCharDevice == 0 {
		line, err := bufio.NewReader(io.LimitReader(stdin, 1024)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, err
		}
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			return line, false, nil
		}
	}
	return auth.GeneratePassword(), true, nil
}

func userSetActive(ctx context.Context, accounts *auth.Accounts, active bool, args []string) error {
	fs := flag.NewFlagSet("user disable", flag.ContinueOnError)
	reason := fs.String("reason", "", "why, for the audit trail")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return fmt.Errorf("%w: portal user disable|enable [--reason R] USERNAME", errUsage)
	}
	if err := accounts.SetActive(ctx, fs.Arg(0), active, *reason); err != nil {
		return err
	}
	if active {
		fmt.Printf("enabled %q\n", fs.Arg(0))
	} else {
		fmt.Printf("disabled %q; all of their sessions are ended\n", fs.Arg(0))
	}
	return nil
}

func userUnlock(ctx context.Context, accounts *auth.Accounts, args []string) error {
	fs := flag.NewFlagSet("user unlock", flag.ContinueOnError)
	reason := fs.String("reason", "unlocked with portal user unlock", "why, for the audit trail")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return fmt.Errorf("%w: portal user unlock [--reason R] USERNAME", errUsage)
	}
	if err := accounts.Unlock(ctx, fs.Arg(0), *reason); err != nil {
		return err
	}
	fmt.Printf("unlocked %q: its failed sign-ins are forgotten\n", fs.Arg(0))
	return nil
}

func userList(ctx context.Context, db *store.DB) error {
	users, err := store.ListUsers(ctx, db.Pool)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "USERNAME\tROLE\tBRANCH\tCOUNTRIES\tACTIVE\t2FA\tNAME")
	for _, u := range users {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%t\t%t\t%s\n", u.Username, u.Role, u.Branch,
			strings.Join(u.Countries, ","), u.Active, u.TOTPSecret != "", u.DisplayName)
	}
	return w.Flush()
}

func userTOTP(ctx context.Context, accounts *auth.Accounts, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: portal user totp USERNAME", errUsage)
	}
	url, err := accounts.EnrollTOTP(ctx, args[0])
	if err != nil {
		return err
	}
	fmt.Printf("second factor enrolled for %q; add this to their authenticator app (shown once):\n%s\n", args[0], url)
	return nil
}
