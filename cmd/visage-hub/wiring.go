package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/auth"
	"github.com/visage-jobs/visage-hub/hub/config"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// newFlags returns a flag set with every configuration setting on it; the
// returned function parses args and yields the configuration.
func newFlags(name string, out io.Writer) (*flag.FlagSet, func(args []string) (config.Config, error)) {
	fs := flag.NewFlagSet("visage-hub "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	finish := config.Flags(fs, os.Getenv)
	return fs, func(args []string) (config.Config, error) {
		if err := fs.Parse(args); err != nil {
			return config.Config{}, err
		}
		return finish()
	}
}

// openStore opens and migrates the configured database.
func openStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	st, err := store.Open(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// jwtSecretSetting is where a generated HS256 secret is kept, so every
// process and CLI call on the same database agrees on it.
const jwtSecretSetting = "jwt_secret"

// tokens returns the admin-token verifier and, when the hub holds a secret,
// the signer. With a configured public key the hub cannot mint tokens, and
// sign-in links are off.
func tokens(ctx context.Context, cfg config.Config, st *store.Store) (*auth.Verifier, *auth.Signer, error) {
	if cfg.JWTPublicKey != "" {
		v, err := auth.NewPublicKeyVerifier(cfg.JWTPublicKey)
		return v, nil, err
	}
	secret := cfg.JWTSecret
	if secret == "" {
		gen, err := hub.RandomToken(48)
		if err != nil {
			return nil, nil, err
		}
		if secret, err = st.EnsureSetting(ctx, jwtSecretSetting, gen); err != nil {
			return nil, nil, err
		}
	}
	v, err := auth.NewHMACVerifier([]byte(secret))
	if err != nil {
		return nil, nil, fmt.Errorf("VISAGE_JWT_SECRET: %w", err)
	}
	sg, err := auth.NewSigner([]byte(secret))
	if err != nil {
		return nil, nil, err
	}
	return v, sg, nil
}

// serverSecret returns the hub's own secret (cursor and resume-link keys
// derive from it), generated once and kept in the database so every process
// agrees and links survive restarts.
func serverSecret(ctx context.Context, st *store.Store) ([]byte, error) {
	gen, err := hub.RandomToken(48)
	if err != nil {
		return nil, err
	}
	v, err := st.EnsureSetting(ctx, "server_secret", gen)
	if err != nil {
		return nil, err
	}
	return []byte(v), nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func links(cfg config.Config, st *store.Store, sg *auth.Signer) *auth.Links {
	if sg == nil {
		return nil
	}
	return &auth.Links{Store: st, Signer: sg, PublicURL: cfg.BaseURL(), LinkTTL: cfg.LoginLinkTTL, TokenTTL: cfg.AdminTokenTTL}
}

func openStoreNoMigrate(url string) (*store.Store, error) { return store.Open(url) }

// accountCommand is a parsed command that acts on one existing account.
type accountCommand struct {
	cfg     config.Config
	st      *store.Store
	account string
}

// openAccountCommand parses args for a command that needs --account (plus
// the flags define adds), opens the store and checks the account exists.
// The caller closes ac.st.
func openAccountCommand(ctx context.Context, name string, args []string, define func(fs *flag.FlagSet)) (*accountCommand, error) {
	fs, parse := newFlags(name, os.Stderr)
	account := fs.String("account", "", "the account ID (required)")
	define(fs)
	cfg, err := parse(args)
	if err != nil {
		return nil, err
	}
	if *account == "" {
		return nil, fmt.Errorf("%s: --account is required", name)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := st.GetAccount(ctx, *account); err != nil {
		st.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &accountCommand{cfg: cfg, st: st, account: *account}, nil
}
