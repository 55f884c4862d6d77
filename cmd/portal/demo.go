package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kycportal/internal/auth"
	"kycportal/internal/branches"
	"kycportal/internal/store"
)

// demoCredentialsFile keeps the demo passwords of the embedded default, readable by the
// owner only. It is written on the first run and never again.
const demoCredentialsFile = "demo-credentials.txt"

//go:embed demo.json
var demoJSON []byte

type demoBranch struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	Country       string `json:"country"`
	TimeZone      string `json:"time_zone"`
	CDPLocationID string `json:"cdp_location_id"`
	Channel       string `json:"channel"`
}

type demoAccount struct {
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Role        string   `json:"role"`
	Branch      string   `json:"branch"`
	Countries   []string `json:"countries"`
}

type demoData struct {
	Note      string         `json:"note"`
	Branches  []demoBranch   `json:"branches"`
	Accounts  []demoAccount  `json:"accounts"`
	Customers []demoCustomer `json:"customers"`
}

func loadDemo() (demoData, error) {
	var d demoData
	dec := json.NewDecoder(bytes.NewReader(demoJSON))
	dec.DisallowUnknownFields()
	err := dec.Decode(&d)
	return d, err
}

// seedDemo gives the embedded portal its demo branches (each added when missing) and, on a
// fresh database, its demo accounts and customers.
func seedDemo(ctx context.Context, reg *branches.Service, accounts *auth.Accounts, dataDir string) error {
	demo, err := loadDemo()
	if err != nil {
		return fmt.Errorf("demo.json: %w", err)
	}
	for _, d := range demo.Branches {
		b := store.Branch{Code: d.Code, Name: d.Name, Country: d.Country, TimeZone: d.TimeZone,
			CDPLocationID: d.CDPLocationID, Channel: d.Channel, Active: true}
		if err := seedBranch(ctx, reg, b); err != nil {
			return err
		}
	}
	fresh, err := store.CountUsers(ctx, reg.DB.Pool)
	if err != nil {
		return err
	}
	if err := createDemoAccounts(ctx, reg.DB, accounts, dataDir, demo.Accounts); err != nil || fresh > 0 {
		return err
	}
	return seedDemoCustomers(ctx, reg.DB, demo.Customers, time.Now())
}

// seedBranch adds a demo branch, or completes one an upgrade migrated without its CDP
// location (docs/cdp.md); a branch an administrator completed is left as it is.
func seedBranch(ctx context.Context, reg *branches.Service, b store.Branch) error {
	err := reg.Add(ctx, b, "demo branch of the embedded default")
	if !errors.Is(err, store.ErrConflict) {
		return err
	}
	old, err := reg.Get(ctx, b.Code)
	if err != nil || old.CDPLocationID != "" {
		return err
	}
	return reg.Update(ctx, b, "demo branch of the embedded default: its CDP location")
}

// createDemoAccounts gives a fresh embedded portal one account per role, with random
// passwords printed once and kept in a 0600 file. A database with accounts gets none.
func createDemoAccounts(
	ctx context.Context, db *store.DB, accounts *auth.Accounts, dataDir string, demo []demoAccount,
) error {
	n, err := store.CountUsers(ctx, db.Pool)
	if err != nil || n > 0 {
		return err
	}
	path := filepath.Join(dataDir, demoCredentialsFile)
	f, err := os.OpenFile(
		path,
		os.O_WRONLY|os.O_CREATE|os.O_EXCL,
		0o600,
	) // #nosec G304 -- a fixed name in the configured data folder
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	var lines strings.Builder
	lines.WriteString("# Demo accounts of this embedded portal (first run only). Keep private.\n")
	for _, acct := range demo {
		password := auth.GeneratePassword()
		u := auth.NewUser{Username: acct.Username, DisplayName: acct.DisplayName, Role: acct.Role, Branch: acct.Branch,
			Countries: acct.Countries}
		if _, err := accounts.CreateUser(ctx, u, password, "demo account of the embedded default"); err != nil {
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
