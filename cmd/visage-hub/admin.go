package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
)

func printValue(out io.Writer, asJSON bool, value string, full any) error {
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(full)
	}
	_, err := fmt.Fprintln(out, value)
	return err
}

func runMigrate(ctx context.Context, args []string, out io.Writer) error {
	fs, parse := newFlags("migrate", os.Stderr)
	fs.Usage = func() { fmt.Fprintln(os.Stderr, "usage: visage-hub migrate [up|status] [flags]"); fs.PrintDefaults() }
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	action := "up"
	if fs.NArg() > 0 {
		action = fs.Arg(0)
	}
	st, err := openStoreNoMigrate(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	switch action {
	case "up":
		n, err := st.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "applied %d migration(s)\n", n)
	case "status":
		list, err := st.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		for _, m := range list {
			state := "pending"
			if m.Applied {
				state = "applied"
			}
			fmt.Fprintf(out, "%05d  %-8s %s\n", m.Version, state, m.Name)
		}
	default:
		return fmt.Errorf("migrate: unknown action %q (use up or status)", action)
	}
	return nil
}

func runAccounts(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: visage-hub accounts create --name NAME [--json]")
	}
	fs, parse := newFlags("accounts create", os.Stderr)
	name := fs.String("name", "", "the account's name (required)")
	asJSON := fs.Bool("json", false, "print the whole account as JSON")
	cfg, err := parse(args[1:])
	if err != nil {
		return err
	}
	if *name == "" {
		return errors.New("accounts create: --name is required")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.CreateAccount(ctx, *name)
	if err != nil {
		return err
	}
	return printValue(out, *asJSON, a.ID, a)
}

func runKeys(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: visage-hub keys create|list|revoke --account ID [--label L] [--id KEY_ID] [--json]")
	}
	action := args[0]
	var label, id *string
	var asJSON *bool
	ac, err := openAccountCommand(ctx, "keys "+action, args[1:], func(fs *flag.FlagSet) {
		label = fs.String("label", "", "a label for the new key")
		id = fs.String("id", "", "the key ID to revoke")
		asJSON = fs.Bool("json", false, "print whole objects as JSON")
	})
	if err != nil {
		return err
	}
	defer ac.st.Close()
	st, account := ac.st, &ac.account
	switch action {
	case "create":
		k, plain, err := hub.NewAPIKey(*account, *label, "cli")
		if err != nil {
			return err
		}
		if err := st.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		return printValue(out, *asJSON, plain, struct {
			hub.APIKey
			Key string `json:"key"`
		}{k, plain})
	case "list":
		keys, err := st.ListAPIKeys(ctx, *account)
		if err != nil {
			return err
		}
		if *asJSON {
			return printValue(out, true, "", keys)
		}
		for _, k := range keys {
			state := "active"
			if k.Revoked() {
				state = "revoked"
			}
			fmt.Fprintf(out, "%s\t%s\t%s\t%s\n", k.ID, k.Prefix, state, k.Label)
		}
		return nil
	case "revoke":
		if *id == "" {
			return errors.New("keys revoke: --id is required")
		}
		k, err := st.RevokeAPIKey(ctx, *account, *id)
		if err != nil {
			return err
		}
		return printValue(out, *asJSON, k.ID, k)
	default:
		return fmt.Errorf("keys: unknown action %q (use create, list or revoke)", action)
	}
}

func runToken(ctx context.Context, args []string, out io.Writer) error {
	var role *string
	var ttl *time.Duration
	var asJSON *bool
	ac, err := openAccountCommand(ctx, "token", args, func(fs *flag.FlagSet) {
		role = fs.String("role", "admin", "admin or member")
		ttl = fs.Duration("ttl", time.Hour, "how long the token is valid")
		asJSON = fs.Bool("json", false, "print the token with its expiry as JSON")
	})
	if err != nil {
		return err
	}
	defer ac.st.Close()
	account := &ac.account
	_, signer, err := tokens(ctx, ac.cfg, ac.st)
	if err != nil {
		return err
	}
	if signer == nil {
		return errors.New("token: this hub verifies tokens with a public key; mint them with the matching private key")
	}
	tok, exp, err := signer.Mint(*account, hub.Role(*role), "cli", *ttl)
	if err != nil {
		return err
	}
	return printValue(out, *asJSON, tok, map[string]string{"token": tok, "expires_at": exp.UTC().Format(hub.TimeFormat)})
}

func runLoginLink(ctx context.Context, args []string, out io.Writer) error {
	var role *string
	ac, err := openAccountCommand(ctx, "login-link", args, func(fs *flag.FlagSet) {
		role = fs.String("role", "admin", "admin or member")
	})
	if err != nil {
		return err
	}
	defer ac.st.Close()
	if !hub.Role(*role).Valid() {
		return fmt.Errorf("login-link: --role must be admin or member")
	}
	cfg, st, account := ac.cfg, ac.st, &ac.account
	_, signer, err := tokens(ctx, cfg, st)
	if err != nil {
		return err
	}
	lk := links(cfg, st, signer)
	if lk == nil {
		return errors.New("login-link: sign-in links need a JWT secret, and this hub uses a public key")
	}
	link, err := lk.NewLink(ctx, *account, hub.Role(*role))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, link)
	return err
}
