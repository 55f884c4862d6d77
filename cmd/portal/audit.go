package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"kycportal/internal/audit"
	"kycportal/internal/config"
	"kycportal/internal/store"
)

const auditUsage = "portal audit verify [--key PUBLICKEY] [--against CHECKPOINTFILE] | seal | checkpoint | " +
	"public-key | keygen | prove --event ID | verify-pack FILE --key PUBLICKEY"

func runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, auditUsage)
	}
	switch args[0] {
	case "verify":
		return auditVerify(ctx, args[1:])
	case "checkpoint":
		return withAuditLog(ctx, func(db *store.DB, _ *audit.Key) error {
			c, err := audit.LatestCheckpoint(ctx, db.Pool)
			if err == nil {
				_, err = os.Stdout.Write(c.Note)
			}
			return err
		})
	case "public-key":
		return withAuditLog(ctx, func(_ *store.DB, key *audit.Key) error {
			fmt.Println(key.Public())
			return nil
		})
	case "seal":
		return withAuditLog(ctx, func(db *store.DB, key *audit.Key) error {
			size, err := audit.SealAll(ctx, db.Pool, key, 5000)
			if err == nil {
				fmt.Printf("audit log sealed: a tree of %d leaves\n", size)
			}
			return err
		})
	case "keygen":
		private, err := audit.NewKey()
		if err == nil {
			fmt.Println(private)
		}
		return err
	case "prove":
		return auditProve(ctx, args[1:])
	case "verify-pack":
		return auditVerifyPack(args[1:])
	}
	return fmt.Errorf("%w: %s", errUsage, auditUsage)
}

// withAuditLog runs fn with the database and the log's signing key.
func withAuditLog(ctx context.Context, fn func(*store.DB, *audit.Key) error) error {
	return withDB(ctx, func(cfg config.Config, db *store.DB) error {
		key, err := loadSigningKey(cfg)
		if err != nil {
			return err
		}
		return fn(db, key)
	})
}

// auditVerify checks the whole log against the configured key, or against a public key
// an auditor holds.
func auditVerify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	public := fs.String("key", "", "the log's public key (or a file holding it); default: the configured signing key's")
	against := fs.String("against", "", "a checkpoint kept earlier (GET /audit/checkpoint): the log must extend it")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: %s", errUsage, auditUsage)
	}
	return withAuditLog(ctx, func(db *store.DB, key *audit.Key) error {
		v := key.Verifier()
		if *public != "" {
			var err error
			if v, err = publicKey(*public); err != nil {
				return err
			}
		}
		if err := verifyLog(ctx, db, v); err != nil || *against == "" {
			return err
		}
		return verifyAgainst(ctx, db, v, *against)
	})
}

// verifyAgainst checks that the log extends a checkpoint kept elsewhere.
func verifyAgainst(ctx context.Context, db *store.DB, v note.Verifier, file string) error {
	b, err := os.ReadFile(file) // #nosec G304 -- the operator names the kept checkpoint
	if err != nil {
		return err
	}
	kept, err := audit.OpenCheckpoint(b, v)
	if err != nil {
		return err
	}
	latest, err := audit.LatestCheckpoint(ctx, db.Pool)
	if err != nil {
		return err
	}
	if err := audit.Consistent(ctx, db.Pool, kept, latest); err != nil {
		fmt.Printf("audit log BROKEN: %v\n", err)
		return err
	}
	fmt.Printf("audit log extends the kept checkpoint of size %d (latest: %d)\n", kept.Size, latest.Size)
	return nil
}

func verifyLog(ctx context.Context, db *store.DB, v note.Verifier) error {
	res, err := audit.Verify(ctx, db.Pool, "", v)
	if err != nil {
		return err
	}
	if !res.OK() {
		fmt.Printf("audit log BROKEN: %s (event %d, position %d; %d events verified before it)\n",
			res.Problem, res.BrokenID, res.Position, res.Verified)
		return fmt.Errorf("audit log broken: %s", res.Problem)
	}
	fmt.Printf("audit log intact: %d events verified, a tree of %d leaves, latest checkpoint of size %d, "+
		"%d events waiting to be sealed\n",
		res.Verified, res.TreeSize, res.Checkpoint, res.Unsealed)
	return nil
}

// auditProve prints an event's inclusion proof against the latest checkpoint, with it.
func auditProve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit prove", flag.ContinueOnError)
	id := fs.Int64("event", 0, "the event's id")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *id <= 0 {
		return fmt.Errorf("%w: %s", errUsage, auditUsage)
	}
	return withAuditLog(ctx, func(db *store.DB, key *audit.Key) error {
		c, err := audit.LatestCheckpoint(ctx, db.Pool)
		if err != nil {
			return err
		}
		p, err := audit.Prove(ctx, db.Pool, *id, c)
		if err != nil {
			return err
		}
		out, err := json.MarshalIndent(struct {
			Checkpoint string      `json:"checkpoint"`
			Proof      audit.Proof `json:"proof"`
		}{string(c.Note), p}, "", "  ")
		if err == nil {
			fmt.Println(string(out))
		}
		return err
	})
}

// auditVerifyPack checks an evidence pack offline: no database, only the public key.
func auditVerifyPack(args []string) error {
	fs := flag.NewFlagSet("audit verify-pack", flag.ContinueOnError)
	public := fs.String("key", "", "the log's public key, or a file holding it")
	// The file may come before the flags, as the usage shows it.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil || *public == "" || (file == "") == (fs.NArg() == 0) || fs.NArg() > 1 {
		return fmt.Errorf("%w: %s", errUsage, auditUsage)
	}
	if file == "" {
		file = fs.Arg(0)
	}
	v, err := publicKey(*public)
	if err != nil {
		return err
	}
	f, err := os.Open(file) // #nosec G304 G703 -- the operator names the evidence pack to check
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	rep, err := audit.VerifyPack(f, st.Size(), v)
	if err != nil {
		fmt.Printf("evidence pack does NOT verify: %v\n", err)
		return errors.New("evidence pack does not verify")
	}
	fmt.Printf("evidence pack verifies: %d events and %d documents proven against the checkpoint of a tree of %d leaves\n",
		rep.Events, rep.Documents, rep.TreeSize)
	return nil
}

// publicKey reads a verifier key given as is or in a file.
func publicKey(arg string) (note.Verifier, error) {
	if b, err := os.ReadFile(arg); err == nil { // #nosec G304 -- the operator names the key file
		arg = string(b)
	}
	return audit.PublicVerifier(arg)
}
