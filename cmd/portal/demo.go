package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"kycportal/internal/auth"
	"kycportal/internal/store"
)

// demoCredentialsFile keeps the demo passwords of the embedded default, readable by the
// owner only. It is written on the first run and never again.
const demoCredentialsFile = "demo-credentials.txt"

var demoAccounts = []auth.NewUser{
	{Username: "agent", DisplayName: "Demo Agent", Role: store.RoleAgent, Branch: "DXB-01", Countries: []string{"AE", "MY", "IN", "PH"}},
	{Username: "supervisor", DisplayName: "Demo Supervisor", Role: store.RoleSupervisor, Branch: "DXB-01", Countries: []string{"AE", "MY", "IN", "PH"}},
	{Username: "admin", DisplayName: "Demo Admin", Role: store.RoleAdmin, Branch: "HQ"},
}

// createDemoAccounts gives a fresh embedded portal one account per role, with random
// passwords printed once and kept in a 0600 file. A database with accounts gets none.
func createDemoAccounts(ctx context.Context, db *store.DB, accounts *auth.Accounts, dataDir string) error {
	n, err := store.CountUsers(ctx, db.Pool)
	if err != nil || n > 0 {
		return err
	}
	path := filepath.Join(dataDir, demoCredentialsFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- a fixed name in the configured data folder
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	var lines strings.Builder
	lines.WriteString("# Demo accounts of this embedded portal (first run only). Keep private.\n")
	for _, acct := range demoAccounts {
		password := auth.GeneratePassword()
		if _, err := accounts.CreateUser(ctx, acct, password, "demo account of the embedded default"); err != nil {
			return err
		}
		fmt.Fprintf(&lines, "%-11s %-12s %s\n", acct.Role, acct.Username, password)
	}
	if _, err := f.WriteString(lines.String()); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\nportal: demo accounts created (also in %s):\n%s\n", path, lines.String())
	return nil
}
