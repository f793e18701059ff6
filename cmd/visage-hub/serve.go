package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"sync"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/hub/store"
)

func runServe(ctx context.Context, args []string, out io.Writer) error {
	_, parse := newFlags("serve", os.Stderr)
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	log := newLogger(cfg, os.Stderr)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	verifier, signer, err := tokens(ctx, cfg, st)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	cfg.Addr = ln.Addr().String() // the real port when asked for :0
	lk := links(cfg, st, signer)

	// On an empty database, make the first account and print how to sign
	// in, so `make run` needs no other step.
	if n, err := st.CountAccounts(ctx); err != nil {
		return err
	} else if n == 0 {
		acct, err := st.CreateAccount(ctx, "My Visage account")
		if err != nil {
			return err
		}
		log.Info("created the first account", "account_id", acct.ID)
		if lk != nil {
			link, err := lk.NewLink(ctx, acct.ID, hub.RoleAdmin)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "\nNew hub: account %s created.\nSign in as its admin (one-time link, valid %s):\n\n  %s\n\n", acct.ID, cfg.LoginLinkTTL, link)
		}
	}

	var login httpapi.LoginExchanger // stays a nil interface when links are off
	if lk != nil {
		login = lk
	}
	// Cache API-key look-ups; revocations still reach every process before
	// they answer (see store.authCache).
	if err := st.EnableAuthCache(ctx, store.AuthCacheOptions{}); err != nil {
		return err
	}
	secret, err := serverSecret(ctx, st)
	if err != nil {
		return err
	}
	reg := httpapi.NewRegistry()
	// The dispatcher also serves validation and test sends for the API, so
	// it is built even when VISAGE_DISPATCHER=off leaves the sending loop
	// to separate `visage-hub dispatch` processes.
	disp, err := newDispatcher(cfg, st, log, reg)
	if err != nil {
		return err
	}
	srv := httpapi.New(httpapi.Deps{Config: cfg, Store: st, JWT: verifier, Login: login, Logger: log, Secret: secret,
		Registry: reg, Dispatcher: disp})
	log.Info("listening", "addr", "http://"+ln.Addr().String(), "database", string(st.Dialect()))

	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); srv.Run(bg) }()
	if cfg.Webhooks.DispatcherOn() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := disp.Run(bg); err != nil {
				log.Error("dispatcher", "err", err)
			}
		}()
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.App().Listener(ln) }()
	select {
	case err := <-errc:
		stopBG()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	err = srv.App().ShutdownWithTimeout(cfg.ShutdownTimeout)
	stopBG()
	wg.Wait()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
